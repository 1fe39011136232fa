"""The audit log in the users' words: a table as the kind of record its screen shows, a
stored field by the label its screen or step form gives it.

Read from the screens themselves (their names and ``column_labels``, the inline forms'
labels, the step pages' forms), so a label changed on a screen changes in the log too. Only
what no screen shows is named here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from wtforms.fields.core import UnboundField

from forms.conferences import DecisionForm
from forms.contracts import SigningForm
from models import db
from services.audit import IGNORED, NOT_AUDITED
from services.audit_reading import field_names
from services.selection import CRITERIA

# Record kinds no screen lists: written by a step page.
OWN_KINDS = {"conference_decision": _l("Keputusan KK"), "selection": _l("Seleksi"),
             "letter_waiver": _l("Surat seleksi dibebaskan")}
# The step pages' forms: their labels name the fields they write.
STEP_FORMS = {"service_contract": SigningForm, "conference_decision": DecisionForm}
# Fields no screen or form labels (set by a step itself, or never shown).
EVERY_TABLE = {"rows": _l("Jumlah data"),  # a bulk insert's entry
               "stay": _l("Masa tinggal")}  # stamped on a case record (models/stay.py)
OWN_LABELS: dict[str, dict[str, Any]] = {
    "user_account": {"password_hash": _l("Kata sandi")},
    "service_contract": {"previous": _l("Versi sebelumnya"),
                         "scan": _l("Pindaian kontrak bertanda tangan")},
    "conference_decision": {"client": _l("Klien"), "draft": _l("Draf (belum berlaku)"),
                            "approval": _l("Persetujuan terminasi"),
                            "approved_by": _l("Disetujui oleh"),
                            "approved_at": _l("Waktu persetujuan")},
    "attendance": {"guidance_date": _l("Tanggal bimbingan")},
    "client_document": {"file": _l("Berkas tersimpan")},
    "selection": {"client": _l("Klien"), **dict(CRITERIA), "checked_by": _l("Diperiksa oleh"),
                  "checked_on": _l("Tanggal pemeriksaan"), "decision": _l("Keputusan seleksi"),
                  "reason": _l("Alasan"), "decided_by": _l("Diputuskan oleh"),
                  "decided_on": _l("Tanggal keputusan")},
    "letter_waiver": {"client": _l("Klien"), "document_type": _l("Jenis surat"),
                      "reason": _l("Alasan"), "waived_by": _l("Dibebaskan oleh"),
                      "waived_on": _l("Tanggal dibebaskan")},
}


def _form_labels(form_class) -> dict[str, Any]:
    return {name: unbound.kwargs.get("label", unbound.args[0] if unbound.args else name)
            for name, unbound in vars(form_class).items() if isinstance(unbound, UnboundField)}


class AuditWords:
    """Record kinds and field labels of every audited table, from ``views`` (the admin's
    model screens)."""

    def __init__(self, views):
        self.kinds: dict[str, Any] = dict(OWN_KINDS)
        self._sources: dict[str, list[dict[str, Any]]] = {}
        for view in views:
            table = view.model.__tablename__
            self.kinds.setdefault(table, view.name)
            self._sources.setdefault(table, []).append(dict(view.column_labels or {}))
            for inline in getattr(view, "inline_models", None) or ():
                child = inline.model.__tablename__
                self.kinds.setdefault(child, f"{inline.form_label} ({view.name})")
                self._sources.setdefault(child, []).append(dict(inline.column_labels or {}))
        for table, form in STEP_FORMS.items():
            self._sources.setdefault(table, []).append(_form_labels(form))
        for table, labels in OWN_LABELS.items():
            self._sources.setdefault(table, []).append(labels)
        self._models = {mapper.local_table.name: mapper.class_
                        for mapper in db.Model.registry.mappers}

    def kind(self, table: str | None) -> str:
        """The record kind users know for ``table`` ("" for an entry about no record)."""
        if not table:
            return ""
        return str(self.kinds.get(table, table))

    def field(self, table: str | None, key: str) -> str:
        """The label of stored field ``key`` of ``table``; a reference to another record
        is named as that record's relation on the screen, else by the other record's kind."""
        model = self._models.get(table or "")
        name = field_names(model).get(key, key) if model is not None else key
        for source in [*self._sources.get(table or "", []), EVERY_TABLE]:
            for candidate in (name, key):
                if candidate in source:
                    return str(source[candidate])
        target = _referenced_table(model, key) if model is not None else None
        return self.kind(target) if target else key

    def fields(self, table: str | None, keys) -> str:
        """The labels of ``keys``, sorted, comma-separated."""
        return ", ".join(sorted({self.field(table, key) for key in keys}))

    def options(self) -> list[tuple[str, str]]:
        """(table, kind) of every audited table, by kind: the log's "Data" filter."""
        return sorted(((table, kind) for table, kind in self.kinds.items()
                       if table not in NOT_AUDITED), key=lambda pair: str(pair[1]))


def _referenced_table(model, key: str) -> str | None:
    column = inspect(model).local_table.c.get(key)
    keys = list(column.foreign_keys) if column is not None else []
    return keys[0].column.table.name if len(keys) == 1 else None


def audited_fields(model) -> list[str]:
    """The keys the audit log may record for ``model``: its own columns and its
    many-to-many lists (services/audit.py)."""
    mapper = inspect(model)
    columns = [prop.key for prop in mapper.column_attrs
               if prop.key not in IGNORED and prop.key != "id"
               and all(getattr(col, "table", None) is mapper.local_table
                       for col in getattr(prop, "columns", []))]
    lists = [rel.key for rel in mapper.relationships if rel.secondary is not None and rel.uselist]
    return columns + lists
