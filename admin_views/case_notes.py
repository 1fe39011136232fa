"""Case notes (file pelayanan): what a social worker records about their own clients."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.validators import StopValidation

from forms.validators import not_in_future, strip_text
from models import CaseNote, Client, ClientDocument, ServiceContract, ServicePlan, db
from models.choices import (
    ASSESSMENT_ASPECTS,
    CASE_NOTE_KINDS,
    DECISION_RECOMMENDATIONS,
    STAGES,
    TERMINATION_REASONS,
)
from services import documents, lifecycle
from services.assessment import (
    ASSESSMENT_DAYS,
    assessment_due,
    assessment_notes,
    progress_weeks,
)
from services.case_file import problem_solving
from services.dates import local, parse_month
from services.dates import today as panti_today
from services.inputs import parse_id
from services.scopes import caseload, decision_scope, visible

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import client_picker
from .prints import render_blank, render_print
from .stale import FAILED, run_step

EXCERPT_CHARS = 80
BLANK_HERE = ("formulir-2", "formulir-3", "wawancara")  # Formulir 4 is the head's


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
        raise StopValidation(_("Hanya diisi untuk catatan asesmen."))


class CaseNoteView(SecureModelView):
    """The case record (file pelayanan): a social worker writes it for their own clients."""

    list_options = (joinedload(CaseNote.client), joinedload(CaseNote.author))
    column_list = ("date", "client.register_number", "client.full_name", "kind", "aspect",
                   "content", "author.name")
    column_details_list = ("client", "date", "kind", "aspect", "tools", "author", "problem",
                           "content", "result", "next_step")
    column_labels = {
        "client": _l("Klien"),
        "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"),
        "date": _l("Tanggal"),
        "kind": _l("Jenis catatan"),
        "aspect": _l("Aspek asesmen"),
        "tools": _l("Alat asesmen"),
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
    form_columns = ("client", "date", "kind", "aspect", "tools", "problem", "content",
                    "result", "next_step")
    list_template = "admin/case_note_list.html"
    details_template = "admin/case_note_details.html"
    WRITE_VIEWS = SecureModelView.WRITE_VIEWS | {"attach_view"}
    form_choices = {"kind": CASE_NOTE_KINDS.choices,
                    "aspect": [("", "—"), *ASSESSMENT_ASPECTS.choices]}
    form_ajax_refs = {"client": client_picker("client", own_case=True)}
    form_prefill = ("client", "kind")  # the worklist's "case summary for the KK" link
    written_by = "author_id"
    case_record = True

    def open_after_closing(self, form_or_record) -> bool:
        """Aftercare notes go on after the case record is closed."""
        kind = getattr(form_or_record, "kind", None)
        return getattr(kind, "data", kind) == "aftercare"
    form_args = {
        "date": {"validators": [not_in_future]},
        "aspect": {"validators": [_aspect_only_for_assessment],
                   "filters": [lambda v: v or None]},
        "tools": {"validators": [_aspect_only_for_assessment], "filters": [strip_text],
                  "description": _l("Mis. genogram, ecomap, tes psikologi.")},
        "content": {"filters": [strip_text]},
        "problem": {"filters": [strip_text]},
        "result": {"filters": [strip_text]},
        "next_step": {"filters": [strip_text]},
    }

    def render(self, template, **kwargs):
        """The details page of an assessment note lists its attachments (those the reader
        may see), with the upload form for who may write; other notes have none."""
        note = kwargs.get("model")
        if template == self.details_template and isinstance(note, CaseNote):
            assessment = note.kind == "assessment"
            kwargs.setdefault("attachments", documents.note_attachments(
                note.id, visible(ClientDocument, current_user)) if assessment else None)
            kwargs.setdefault("may_attach", assessment and self.can_edit)
        return super().render(template, **kwargs)

    @expose("/attach/", methods=("POST",))
    def attach_view(self):
        """*Unggah lampiran*: a file attached to an assessment note."""
        note = self.get_one(request.args.get("id", ""))
        if note is None:
            abort(404)
        attached = run_step(lambda: documents.attach_to_note(
            note, request.files.get("attachment"), request.form.get("note"),
            current_user._get_current_object()), note)  # the note itself is not changed
        if attached is not FAILED:
            flash(_("Lampiran %(name)s disimpan.", name=attached.original_name), "success")
        return redirect(self.get_url(".details_view", id=note.id))

    @expose("/assessment-due/")
    def assessment_due_view(self):
        """Clients whose assessment is not complete, by due date (four weeks after
        admission): a social worker's own clients, everyone's for the head."""
        ids = caseload()
        where = [Client.id.in_(ids)] if ids is not None else []
        today = panti_today()
        return self.render("admin/assessment_due.html", due=assessment_due(today, where),
                           today=today, days=ASSESSMENT_DAYS, aspects=ASSESSMENT_ASPECTS)

    def _case_client(self) -> Client:
        """The ``client_id`` of the request if the user works on that case, else 404."""
        client_id = parse_id(request.args.get("client_id"))
        ids = caseload()
        client = db.session.scalar(select(Client).where(
            Client.id == client_id, *visible(Client, current_user),
            *([Client.id.in_(ids)] if ids is not None else []))) if client_id else None
        if client is None:
            abort(404)
        return client

    @expose("/blank/<form>/")
    def blank_view(self, form: str):
        """Formulir 2, Formulir 3 or the interview record, blank (A4), to fill by hand."""
        if form not in BLANK_HERE:
            abort(404)
        return render_blank(form, _("Pekerja sosial"))

    @expose("/interview/")
    def interview_view(self):
        """An interview note as the seeds' interview record (A4)."""
        note = self.get_one(request.args.get("id", ""))  # 404 out of scope
        if note.kind != "interview":
            abort(404)
        moves = [move for move in lifecycle.timeline(note.client_id)
                 if move.moved_on <= note.date]
        return render_print("print/interview.html", note=note,
                            recorded=local(note.created_at).date(),
                            # No move recorded (before the timeline existed): the stage now.
                            stage=STAGES.label(moves[-1].to_stage if moves
                                               else note.client.stage))

    @expose("/assessment-report/")
    def assessment_report_view(self):
        """The assessment report (A4) of one client, from its assessment notes."""
        client = self._case_client()
        return render_print(
            "print/assessment_report.html", client=client, aspects=ASSESSMENT_ASPECTS,
            notes=assessment_notes(client.id, visible(CaseNote, current_user)),
            worker=client.social_worker)

    @expose("/problem-solving-report/")
    def problem_solving_report_view(self):
        """Formulir 3 — Laporan Pemecahan Masalah Klien (A4): one client's case from
        assessment to aftercare, from the records the reader may see."""
        client = self._case_client()
        report = problem_solving(
            client, notes=visible(CaseNote, current_user),
            plan=visible(ServicePlan, current_user),
            contract=visible(ServiceContract, current_user), decisions=decision_scope())
        return render_print("print/problem_solving_report.html", report=report, client=client,
                           worker=client.social_worker, aspects=ASSESSMENT_ASPECTS,
                           recommendations=DECISION_RECOMMENDATIONS,
                           reasons=TERMINATION_REASONS)

    @expose("/progress-report/")
    def progress_report_view(self):
        """Formulir 2 — Catatan Perkembangan Klien (A4): one client's progress notes of a
        month (``?month=2026-11``, this month by default) in weeks I–IV."""
        client = self._case_client()
        try:
            month = parse_month(request.args.get("month") or "") \
                if request.args.get("month") else panti_today().replace(day=1)
        except ValueError:
            abort(404)  # only the console's own links carry a month
        plan = db.session.scalar(select(ServicePlan).where(
            *ServicePlan.of_stay(client), *visible(ServicePlan, current_user)))
        weeks = progress_weeks(client.id, month, visible(CaseNote, current_user))
        # The tools are recorded on the assessment notes (genogram, ecomap…): each once.
        tools = dict.fromkeys(db.session.scalars(
            select(CaseNote.tools).where(CaseNote.client_id == client.id,
                                         CaseNote.tools.is_not(None),
                                         *visible(CaseNote, current_user))
            .order_by(CaseNote.date, CaseNote.id)))
        return render_print("print/progress_report.html", client=client, month=month,
                           plan=plan, weeks=weeks, tools=list(tools),
                           worker=client.social_worker)
