"""Case conferences (KK, confidential): the meeting, its minutes, the decision about each
client on the agenda, the emergency changes it confirms, terminations waiting for the head
and the clients due for review."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms.validators import Optional, StopValidation

from forms.conferences import DecisionForm
from forms.validators import NotBefore
from models import CaseConference, Client, ConferenceDecision, EmergencyChange, Staff, db
from models.choices import (
    CONFERENCE_KINDS,
    DECISION_RECOMMENDATIONS,
    EMERGENCY_STATUSES,
    TERMINATION_REASONS,
    Role,
)
from services import conferences as kk
from services.dates import format_date
from services.inputs import parse_id
from services.schedule import Booking, staff_of
from services.scopes import (
    acting,
    caseload,
    decision_scope,
    minutes_condition,
    reads_minutes,
    visible,
)

from .base import SecureModelView
from .conflicts import ConflictChecked
from .converters import choice_formatter
from .pickers import client_picker, staff_picker
from .prints import render_print
from .stale import FAILED, form_step, run_step

MINUTES_FIELDS = ("summary", "decisions")


def _minutes_text(_view, _context, conference, name):
    """The summary or the decisions text, if the user may read this KK's minutes."""
    return getattr(conference, name) if reads_minutes(conference) else kk.MINUTES_HIDDEN


def _visible_decisions(conference) -> dict:
    """The conference's decisions the user may read (``services.scopes.decision_scope``)."""
    return kk.decisions_of(conference, decision_scope())


def _set_by_head(form, field):
    """Who chairs and attends a KK is set by the head: taking part opens every decision of
    the meeting, so nobody else may add anyone (themselves included) or take anyone off."""
    if acting(Role.HEAD):
        return
    record = getattr(form, "_obj", None)
    stored = getattr(record, field.name, None) if record is not None else None
    if _member_ids(field.data) != _member_ids(stored):
        raise StopValidation(_("Pimpinan dan peserta rapat ditetapkan oleh pimpinan panti; "
                               "kembalikan isian ini seperti semula."))


def _member_ids(value) -> frozenset[int]:
    """The staff ids of a chair (one or none) or an attendee list."""
    if value is None:
        return frozenset()
    members = value if isinstance(value, (list, tuple, set)) else [value]
    return frozenset(member.id for member in members)


class CaseConferenceView(ConflictChecked, SecureModelView):
    """Case conferences (KK): who met, about whom, what was decided."""

    list_options = (joinedload(CaseConference.chair), selectinload(CaseConference.clients),
                    selectinload(CaseConference.attendees))
    column_list = ("date", "start_time", "kind", "chair.name", "clients", "attendees")
    column_details_list = ("date", "start_time", "end_time", "kind", "location", "chair",
                           "attendees", "clients", "summary", "decisions")
    column_labels = {
        "date": _l("Tanggal"),
        "start_time": _l("Mulai"),
        "end_time": _l("Selesai"),
        "kind": _l("Jenis KK"),
        "location": _l("Tempat"),
        "chair": _l("Pimpinan rapat"),
        "chair.name": _l("Pimpinan rapat"),
        "attendees": _l("Peserta rapat"),
        "clients": _l("Klien yang dibahas"),
        "summary": _l("Ringkasan"),
        "decisions": _l("Keputusan"),
    }
    column_searchable_list = ("summary", "decisions")
    column_sortable_list = ("date", "kind", ("chair.name", "chair.name"))
    column_default_sort = ("date", True)
    column_filters = (
        FilterEqual(CaseConference.kind, _l("Jenis KK"), options=CONFERENCE_KINDS.choices),
        DateBetweenFilter(CaseConference.date, _l("Tanggal")),
        "chair.name",
    )
    column_formatters = {"kind": choice_formatter(CONFERENCE_KINDS),
                         "summary": _minutes_text, "decisions": _minutes_text}
    column_formatters_detail = column_formatters
    form_columns = ("date", "start_time", "end_time", "kind", "location", "chair", "attendees",
                    "clients", "summary", "decisions")
    form_choices = {"kind": CONFERENCE_KINDS.choices}
    form_ajax_refs = {"chair": staff_picker("chair"), "attendees": staff_picker("attendees"),
                      "clients": client_picker("clients")}
    form_args = {
        "end_time": {"validators": [Optional(), NotBefore("start_time", _l("jam mulai"),
                                                          strict=True)]},
        "chair": {"validators": [_set_by_head],
                  "description": _l("Ditetapkan oleh pimpinan panti.")},
        "attendees": {"validators": [_set_by_head],
                      "description": _l("Ditetapkan oleh pimpinan panti; peserta membaca "
                                        "semua keputusan KK ini.")},
    }

    details_template = "admin/conference_details.html"
    WRITE_VIEWS = SecureModelView.WRITE_VIEWS | {"decision_view", "emergency_decision_view",
                                                 "approve_view", "in_force_view"}

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # The searchable fields are the minutes: found only where they may be read.
        query, count_query, joins, count_joins = super()._apply_search(
            query, count_query, joins, count_joins, search)
        condition = minutes_condition()
        if search and condition is not None:
            query = query.filter(condition)
            count_query = count_query.filter(condition) if count_query is not None else None
        return query, count_query, joins, count_joins

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and not reads_minutes(obj):
            for name in MINUTES_FIELDS:  # neither shown nor changed by one who may not read
                delattr(form, name)
        return form

    def describe_changes(self, entries):
        # The minutes' texts only for a KK whose minutes the user reads, judged per entry by
        # the entry's own KK: the audit log's details page shows an entry, not this KK.
        changes = super().describe_changes(entries)
        ids = {entry.record_id for entry in entries}
        readable = {conference.id for conference in db.session.scalars(
            select(CaseConference).where(CaseConference.id.in_(ids))) if reads_minutes(conference)}
        hidden = {str(self.column_labels[name]) for name in MINUTES_FIELDS}
        return {entry.id: changes[entry.id] if entry.record_id in readable
                else [row for row in changes[entry.id] if row[0] not in hidden]
                for entry in entries if entry.id in changes}

    @expose("/details/")
    def details_view(self):
        raw = request.args.get("id", "")
        if parse_id(raw) is not None:
            conference = self.get_one(raw)
            self._template_args.update(
                ahead=kk.is_ahead(conference), draft_notice=kk.draft_notice(conference),
                ready=kk.summaries_ready(conference),
                decisions=_visible_decisions(conference),
                decidable=kk.agenda_client_ids(conference, decision_scope()),
                pending=kk.pending_changes(conference, visible(EmergencyChange)),
                recommendations=DECISION_RECOMMENDATIONS, reasons=TERMINATION_REASONS)
        return super().details_view()

    @expose("/decision/", methods=("GET", "POST"))
    def decision_view(self):
        """The decision about one client on the agenda."""
        conference = self.get_one(request.args.get("id", ""))
        raw = request.args.get("client_id", "")
        # The client id is nested in the conference: it must be on the agenda *and* one
        # whose decision the user may read here, else 404 as for any hidden record.
        client = kk.agenda_client(conference, int(raw), decision_scope()) \
            if raw.isdigit() else None
        if client is None:
            abort(404)
        current = kk.decisions_of(conference).get(client.id)
        form = DecisionForm(request.form if request.method == "POST" else None, obj=current)

        def decide() -> None:
            kk.record_decision(conference, client, kk.DecisionInput(
                form.placement.data or None, form.formulation.data or None,
                form.next_review.data, form.recommendation.data,
                form.termination_reason.data or None))

        # Saved by someone else at the same moment: the same decision created twice meets
        # the unique constraint, and is refused like any other outdated edit.
        if form_step(form, current, decide, races=(StaleDataError, IntegrityError),
                     reread=lambda: kk.decisions_of(conference).get(client.id)):
            if kk.is_ahead(conference):
                flash(_("Keputusan KK untuk %(client)s disimpan sebagai draf; berlaku mulai "
                        "%(d)s.", client=client.full_name, d=format_date(conference.date)),
                      "warning")
            else:
                flash(_("Keputusan KK untuk %(client)s disimpan dan berlaku.",
                        client=client.full_name), "success")
            return redirect(self.get_url(".details_view", id=conference.id))
        return self.render("admin/conference_decision.html", conference=conference,
                           client=client, form=form, ahead=kk.is_ahead(conference),
                           draft_notice=kk.draft_notice(conference),
                           summary=kk.summaries_ready(conference).get(client.id),
                           return_url=self.get_url(".details_view", id=conference.id))

    @expose("/in-force/", methods=("POST",))
    def in_force_view(self):
        """*Berlakukan*: a draft decision takes effect once its KK's date has come
        (``services.conferences.put_in_force``)."""
        conference = self.get_one(request.args.get("id", ""))
        decision_id = parse_id(request.form.get("decision_id"))
        # Only a decision of this KK that the user may record here; else 404 as hidden.
        decision = next((d for d in _visible_decisions(conference).values()
                         if d.id == decision_id), None)
        if decision is None:
            abort(404)
        applied = run_step(lambda: kk.put_in_force(decision), decision)
        if applied is True:
            flash(_("Keputusan KK untuk %(client)s kini berlaku.",
                    client=decision.client.full_name), "success")
        elif applied is False:
            flash(_("Keputusan KK untuk %(client)s sudah berlaku.",
                    client=decision.client.full_name), "info")
        return redirect(self.get_url(".details_view", id=conference.id))

    @expose("/emergency/", methods=("POST",))
    def emergency_decision_view(self):
        """Confirm or cancel a pending emergency change at this meeting."""
        conference = self.get_one(request.args.get("id", ""))
        # Through the emergency change screen's own scope: 404 for a change it would hide.
        change = self.nested_one("emergency_change", request.form.get("change_id", ""))
        if run_step(lambda: kk.decide_emergency(
                change, conference, request.form.get("confirm") == "1"), change) is not FAILED:
            flash(_("Perubahan darurat untuk %(client)s: %(status)s.",
                    client=change.client.full_name,
                    status=EMERGENCY_STATUSES.label(change.status).lower()), "success")
        return redirect(self.get_url(".details_view", id=conference.id))

    @expose("/terminations/")
    def terminations_view(self):
        """Termination recommendations waiting for the head."""
        pending = kk.pending_terminations(decision_scope())
        return self.render("admin/termination_approvals.html", pending=pending,
                           summaries=kk.summaries_of(pending), reasons=TERMINATION_REASONS,
                           recommendations=DECISION_RECOMMENDATIONS,
                           may_approve=acting(Role.HEAD))

    @expose("/approve/", methods=("POST",))
    def approve_view(self):
        """The head approves or rejects a termination decided in a KK."""
        if not acting(Role.HEAD):
            abort(403)  # the head's own act, whatever else the role may write
        decision_id = parse_id(request.form.get("decision_id"))
        decision = db.session.get(ConferenceDecision, decision_id) if decision_id else None
        if decision is None:
            abort(404)
        approve = request.form.get("approve") == "1"
        if approve and request.form.get("confirmed") != "1":
            flash(_("Terminasi %(client)s belum disetujui: centang dulu bahwa Anda sudah "
                    "membaca keputusan KK dan ringkasan kasusnya.",
                    client=decision.client.full_name), "error")
            return redirect(self.get_url(".terminations_view"))
        if run_step(lambda: kk.decide_termination(
                decision, current_user._get_current_object(), approve),
                decision) is not FAILED:
            flash(_("Terminasi %(client)s %(what)s.", client=decision.client.full_name,
                    what=_("disetujui; tahap klien kini terminasi") if decision.approval
                    == "approved" else _("ditolak")), "success")
        return redirect(self.get_url(".terminations_view"))

    @expose("/review-due/")
    def review_due_view(self):
        """Clients whose plan is due for the three-monthly review, most overdue first; with
        ``?worker=<staff id>`` only that social worker's clients (the head's worklist)."""
        ids = caseload()
        where = [Client.id.in_(ids)] if ids is not None else []
        # Only for who reads every caseload: a social worker's list is theirs already.
        worker = db.session.get(Staff, parse_id(request.args.get("worker")) or 0) \
            if ids is None else None
        if worker is not None:
            where.append(Client.social_worker_id == worker.id)
        return self.render("admin/review_due.html", due=kk.review_due(where=where),
                           days=kk.REVIEW_DAYS, worker=worker)

    @expose("/minutes/")
    def minutes_view(self):
        conference = self.get_one(request.args.get("id", ""))
        return render_print(
            "print/minutes.html", conference=conference,
            minutes_readable=reads_minutes(conference), minutes_hidden=kk.MINUTES_HIDDEN,
            decisions=_visible_decisions(conference), recommendations=DECISION_RECOMMENDATIONS,
            reasons=TERMINATION_REASONS, kind=CONFERENCE_KINDS.label(conference.kind),
            handled=db.session.scalars(select(EmergencyChange).where(
                EmergencyChange.decided_at_id == conference.id)).all())

    def form_bookings(self, form, record_id):
        """A timed conference books its chair, attendees, room and the clients discussed."""
        if form.date.data is None:
            return []
        staff = {member.id: member.name for member in form.attendees.data or []}
        staff.update(staff_of(form.chair.data))
        return [Booking("conference", record_id, ("conference", record_id),
                        CONFERENCE_KINDS.label(form.kind.data), form.date.data,
                        form.start_time.data, form.end_time.data, staff, form.location.data,
                        frozenset(client.id for client in form.clients.data or []))]
