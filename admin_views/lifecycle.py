"""Moving a client to another service stage (services/lifecycle.py decides)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from models import Client, ClientDocument, Selection, db
from models.choices import STAGES, TERMINATION_REASONS, Role, Stage
from services import lifecycle, selection
from services.dates import parse_date
from services.errors import Refusal
from services.inputs import parse_id
from services.permissions import FROM_RECORDS, readers, writers
from services.scopes import visible

from .base import SecureModelView, SecureView
from .stale import FAILED, run_step


def _day(text: str | None):
    """The move's day as typed (empty: today); a typed day that is no date is refused."""
    if not (text or "").strip():
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise Refusal(str(exc)) from None


class StageView(SecureView):
    """*Pindah tahap*: the moves the client's stage allows, what each still needs (each
    missing piece linked to where it is done, when the reader may open it), the exits with
    their reason, and the client's stage timeline."""

    def is_visible(self) -> bool:
        return self.endpoint not in FROM_RECORDS  # opened from the client's page

    def _client(self) -> Client:
        client_id = parse_id(request.values.get("id"))
        client = db.session.scalar(select(Client).where(
            Client.id == client_id, *visible(Client, current_user))) if client_id else None
        if client is None:
            abort(404)
        return client

    @expose("/", methods=("GET", "POST"))
    def index(self):
        client = self._client()
        user = current_user._get_current_object()
        if request.method == "POST":
            target = request.form.get("target", "")
            moved = run_step(lambda: lifecycle.move(
                client, target, user, note=request.form.get("note"),
                reason=request.form.get("reason") or None,
                day=_day(request.form.get("day"))), client)
            if moved is not FAILED:
                flash(lifecycle.moved_text(client), "success")
                return redirect(url_for("client.details_view", id=client.id))
        return self.render(
            "admin/client_stage.html", client=client, stages=STAGES,
            reasons=TERMINATION_REASONS, options=lifecycle.options(client, user),
            timeline=lifecycle.timeline(client.id), describe=lifecycle.describe,
            may_open=lambda endpoint: _may_open(endpoint, user.role))



    @expose("/selection/", methods=("GET", "POST"))
    def selection_view(self):
        """*Seleksi*: the four letters (received, waived or missing), the criteria and the
        head's decision for a candidate of stage 1."""
        client = self._client()
        user = current_user._get_current_object()
        if request.method == "POST":
            action = request.form.get("action")
            steps = {
                "criteria": lambda: selection.check_criteria(client, {
                    name: request.form.get(name) == "1" for name, _label in selection.CRITERIA},
                    user),
                "waive": lambda: selection.waive(client, parse_id(request.form.get("type_id")),
                                                 request.form.get("reason"), user),
                "decide": lambda: selection.decide(client, request.form.get("accept") == "1",
                                                   request.form.get("reason"), user),
            }
            if action not in steps:
                abort(400)
            if run_step(steps[action], client) is not FAILED:
                flash(_("Seleksi %(client)s disimpan.", client=client.full_name), "success")
                return redirect(self.get_url(".selection_view", id=client.id))
        record = db.session.scalar(select(Selection).where(
            *Selection.of_stay(client)))
        return self.render(
            "admin/client_selection.html", client=client, record=record,
            letters=selection.letters(client), criteria=selection.CRITERIA,
            missing=selection.missing(client), is_head=user.role == Role.HEAD,
            candidate=client.stage == Stage.APPROACH,
            may_upload=user.role in writers("client_document"),
            # A received letter's number and scan only to whom may see that document.
            shown_documents=set(db.session.scalars(select(ClientDocument.id).where(
                *ClientDocument.of_stay(client),
                *visible(ClientDocument, user)))))


def _may_open(endpoint: str | None, role: str) -> bool:
    """Whether ``role`` may open the page ``endpoint`` a missing piece links to (a page
    that writes needs the screen's write role, as the base view enforces)."""
    if endpoint is None:
        return False
    screen, _dot, page = endpoint.partition(".")
    wanted = writers if page in SecureModelView.WRITE_VIEWS else readers
    return role in wanted(screen)
