"""Case notes (file pelayanan): what a social worker records about their own clients."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.validators import StopValidation

from forms.validators import not_in_future, strip_text
from models import CaseNote
from models.choices import ASSESSMENT_ASPECTS, CASE_NOTE_KINDS

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import client_picker

EXCERPT_CHARS = 80


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The start of a note's text on one line: whitespace folded, cut at a word within
    ``limit`` characters with an ellipsis (the list escapes it like any cell)."""
    folded = " ".join((text or "").split())
    if len(folded) <= limit:
        return folded
    cut = folded[:limit]
    if folded[limit] != " " and " " in cut[limit // 2:]:  # not to end inside a word
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def _excerpt(_view, _context, note, _name):
    # The list holds only the notes the user may read (services.scopes), so every row's
    # reader may see its text.
    return excerpt(note.content)


def _aspect_only_for_assessment(form, field):
    if field.data and form.kind.data != "assessment":
        raise StopValidation(_("Aspek hanya diisi untuk catatan asesmen."))


class CaseNoteView(SecureModelView):
    """The case record (file pelayanan): a social worker writes it for their own clients."""

    list_options = (joinedload(CaseNote.client), joinedload(CaseNote.author))
    column_list = ("date", "client.register_number", "client.full_name", "kind", "aspect",
                   "content", "author.name")
    column_details_list = ("client", "date", "kind", "aspect", "author", "problem", "content",
                           "result", "next_step")
    column_labels = {
        "client": _l("Klien"),
        "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"),
        "date": _l("Tanggal"),
        "kind": _l("Jenis catatan"),
        "aspect": _l("Aspek asesmen"),
        "author": _l("Ditulis oleh"),
        "author.name": _l("Ditulis oleh"),
        "problem": _l("Masalah"),
        "content": _l("Uraian / tindakan"),
        "result": _l("Hasil"),
        "next_step": _l("Rencana tindak lanjut"),
    }
    column_searchable_list = ("client.full_name", "client.register_number")
    column_sortable_list = ("date", "kind", ("client.full_name", "client.full_name"))
    column_default_sort = [("date", True), ("id", True)]
    column_filters = (
        FilterEqual(CaseNote.kind, _l("Jenis catatan"), options=CASE_NOTE_KINDS.choices),
        DateBetweenFilter(CaseNote.date, _l("Tanggal")),
    )
    column_formatters = {"kind": choice_formatter(CASE_NOTE_KINDS),
                         "aspect": choice_formatter(ASSESSMENT_ASPECTS)}
    column_formatters_detail = dict(column_formatters)  # the details show the whole text
    column_formatters = {**column_formatters, "content": _excerpt}
    form_columns = ("client", "date", "kind", "aspect", "problem", "content", "result",
                    "next_step")
    form_choices = {"kind": CASE_NOTE_KINDS.choices,
                    "aspect": [("", "—"), *ASSESSMENT_ASPECTS.choices]}
    form_ajax_refs = {"client": client_picker("client", own_case=True)}
    form_args = {
        "date": {"validators": [not_in_future]},
        "aspect": {"validators": [_aspect_only_for_assessment],
                   "filters": [lambda v: v or None]},
        "content": {"filters": [strip_text]},
        "problem": {"filters": [strip_text]},
        "result": {"filters": [strip_text]},
        "next_step": {"filters": [strip_text]},
    }

    def on_model_change(self, form, model, is_created):
        if is_created and model.author_id is None:
            model.author_id = current_user.staff_id  # who wrote it, not who may edit it
