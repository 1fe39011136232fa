"""Edits from an outdated reading: refuse them, saying who changed what since the form opened."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from flask import flash, request
from flask_babel import gettext as _
from sqlalchemy import UniqueConstraint, inspect
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields import HiddenField

from forms.base import ConsoleForm
from models import db
from services import stays, versions
from services.dates import format_date, format_time
from services.errors import Refusal

from .converters import user_datetime

if TYPE_CHECKING:
    from .base import SecureModelView

FAILED = object()  # what run_step returns when the step did not happen

# model class → its screen, so a step page can label a record's fields as its screen does
SCREENS: dict[type, SecureModelView] = {}
STALE = "_stale_record"  # set on g when the database refused a write from an old reading


def _shown_value(value: Any, field=None) -> str:
    """A record's current value as the user reads it on the form, shortened."""
    if isinstance(value, (list, tuple, set)):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, bool):
        text = _("Ya") if value else _("Tidak")
    elif isinstance(value, datetime):
        text = user_datetime(value)
    elif isinstance(value, date):
        text = format_date(value)
    elif isinstance(value, time):
        text = format_time(value)
    else:
        text = "" if value is None else str(value)
        choices = getattr(field, "choices", None)  # a coded value shows its label
        if isinstance(choices, (list, tuple)):
            text = str(dict(choice[:2] for choice in choices).get(text, text))
    text = " ".join(text.split())
    return (text[:117] + "…" if len(text) > 120 else text) or "—"


def describe_stale(record, seen: versions.Seen | None, form=None) -> tuple[str, dict[str, str]]:
    """Why an edit of ``record`` from the reading ``seen`` is refused: the message (who
    changed what when, since the form was opened) and, per field of ``form`` that someone
    else changed, a note with its value now. Fields are named as ``form`` and the record's
    screen name them; fields the screen does not show stay unnamed."""
    view = SCREENS.get(type(record))
    position = seen.position if seen is not None else None
    labels = dict(view.column_labels or {}) if view is not None else {}
    visible = set(view.column_details_list or ()) if view is not None else set()
    conflict, notes = versions.Conflict(), {}
    entries = versions.entries_since(position, record.__tablename__, [record.id],
                                     _created_as(record) if seen and not seen.version else None)
    for entry in reversed(entries):
        named = []
        for key in entry.changes or {}:
            name = key[:-3] if key.endswith("_id") and form is not None and key[:-3] in form \
                else key
            if form is not None and name in form and not isinstance(form[name], HiddenField):
                named.append(str(form[name].label.text))
                notes[name] = _("Diubah oleh %(who)s pada %(when)s; isinya sekarang: "
                                "%(value)s", who=entry.username or _("pengguna lain"),
                                when=versions.shown_time(entry.at),
                                value=_shown_value(getattr(record, name, None), form[name]))
            elif name in visible or key in visible:
                named.append(str(labels.get(name, labels.get(key, name))))
        conflict.add(entry, named)
    for rel in inspect(type(record)).relationships:
        child = rel.mapper.class_
        if not (rel.uselist and rel.back_populates
                and getattr(child, "__version_parent__", None) == rel.back_populates):
            continue  # not a child row that is part of this record
        fk = next(iter(rel.remote_side)).key
        current = [item.id for item in getattr(record, rel.key)]
        label = str(labels.get(rel.key, rel.key))
        for entry in reversed(versions.entries_since(position, child.__tablename__, current,
                                                     {fk: record.id})):
            conflict.add(entry, [label])
    if not conflict.by_user:
        conflict.add(None, [])  # the log does not say (a change the database made itself)
    what = _("Data «%(record)s»", record=record)
    return conflict.message(what), notes


def _created_as(record) -> dict[str, Any] | None:
    """The values that single out ``record``'s creation in the audit log (its unique
    columns), for a form opened before the record existed (a KK decision)."""
    for constraint in record.__table__.constraints:
        if isinstance(constraint, UniqueConstraint):
            return {column.key: getattr(record, column.key) for column in constraint.columns}
    return None


def stale_refusal(record, raw_token: str | None, form=None) -> str | None:
    """The refusal message when the posted token shows ``record`` (None: not created yet)
    changed since the form was opened; None when it did not (or no token was posted)."""
    seen = versions.parse(raw_token)
    if seen is None:
        return None
    version = getattr(record, "row_version", None) or 0
    if seen.version == version:
        return None
    if record is None:
        return _("Data ini sudah dihapus orang lain sejak Anda membukanya.")
    message, notes = describe_stale(record, seen, form)
    for name, note in notes.items():
        form[name].errors = [*form[name].errors, note]
    return message


def mark_seen(form, record) -> None:
    """Put the version of ``record`` as it is now into the form's hidden field (after a
    refusal: the user has seen the other change and may save again)."""
    field = getattr(form, versions.FIELD, None)
    if field is not None:
        field.data = versions.token(getattr(record, "row_version", None))
        field.raw_data = [field.data]


def stale_write_message(record) -> str:
    """The refusal when the database itself found the record changed at the moment of
    writing (both saved in the same instant)."""
    try:
        db.session.refresh(record)
    except InvalidRequestError:
        return _("Data ini sudah dihapus orang lain; perubahan Anda tidak disimpan.")
    message, _notes = describe_stale(record, None)
    return message


def run_step(step, record=None):
    """Run a state-changing step posted from a details page: the CSRF token checked, a step
    on ``record`` refused when the record changed since the page was opened (the posted
    ``seen_version``), the step's refusal (``services.errors.Refusal``, with the user's
    message) flashed and rolled back, success committed. Returns the step's result, or
    FAILED. Any other error is a defect: it goes on to the error page (logged, rolled back)
    instead of being shown as if the user had broken a rule."""
    if not ConsoleForm(request.form).validate():
        flash(_("Formulir kedaluwarsa; coba lagi."), "error")
        return FAILED
    if record is not None:
        refusal = stays.earlier_message() if stays.of_earlier_stay(record) else \
            stale_refusal(record, request.form.get(versions.FIELD))
        if refusal:
            flash(refusal, "error")
            return FAILED
    try:
        result = step()
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return FAILED
    except (StaleDataError, IntegrityError):
        # Saved by someone else at the same moment: the same row created twice (a first
        # selection, a waiver) meets its unique constraint, refused like an outdated edit.
        db.session.rollback()
        flash(stale_write_message(record) if record is not None else _(
            "Data ini baru saja diubah orang lain; langkah Anda tidak dijalankan. Muat ulang "
            "halaman lalu coba lagi."), "error")
        return FAILED
    return result


def form_step(form, record, step, *, reread=None, races=(StaleDataError,)) -> bool:
    """Run a step submitted through its own form page (signing a contract, a KK decision):
    on the first opening the form takes the version of ``record`` the user sees; on a
    valid POST the step runs — refused when ``record`` changed since (``seen_version``) —
    and is committed. A refusal (``services.errors.Refusal``) or a save at the same moment
    (``races``) goes on the form with nothing saved, and the form then carries the version
    of ``reread()`` (default: ``record``) so saving again is a knowing choice. True once
    the step is saved; any other error is a defect (the error page, rolled back)."""
    reread = reread or (lambda: record)
    if request.method != "POST":
        mark_seen(form, record)
        return False
    if not form.validate():
        return False
    refusal = stale_refusal(record, getattr(form, versions.FIELD).data, form)
    try:
        if refusal:
            raise Refusal(refusal)
        step()
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        mark_seen(form, reread())
        return False
    except races:
        db.session.rollback()
        current = reread()
        if current is None:
            raise
        form.form_errors.append(stale_write_message(current))
        mark_seen(form, current)
        return False
    return True
