"""Moving a client to another service stage (services/lifecycle.py decides)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from models import Client, db
from models.choices import STAGES, TERMINATION_REASONS
from services import lifecycle
from services.dates import parse_date
from services.errors import Refusal
from services.inputs import parse_id
from services.permissions import FROM_RECORDS, readers, writers
from services.scopes import visible

from .base import SecureView
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
                flash(_("%(client)s kini pada tahap %(stage)s.", client=client.full_name,
                        stage=STAGES.label(client.stage)), "success")
                return redirect(url_for("client.details_view", id=client.id))
        return self.render(
            "admin/client_stage.html", client=client, stages=STAGES,
            reasons=TERMINATION_REASONS, options=lifecycle.options(client, user),
            timeline=lifecycle.timeline(client.id), describe=lifecycle.describe,
            may_open=lambda endpoint: _may_open(endpoint, user.role))


def _may_open(endpoint: str | None, role: str) -> bool:
    """Whether ``role`` may open the page ``endpoint`` a missing piece links to."""
    if endpoint is None:
        return False
    screen, _dot, page = endpoint.partition(".")
    wanted = writers if page in ("create_view", "edit_view") else readers
    return role in wanted(screen)
