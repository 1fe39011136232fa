"""The service stages as an enforced state machine: which moves exist, who may make each,
and the evidence each needs (docs/lifecycle.md is the table in words).

Every change of a client's stage goes through ``move``: the move page, the head's approval of
a termination, the roster import. A refused move names every missing piece, each with the
screen where it is done. Every move is recorded (``StageMove``), which is the client's stage
timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import exists, func, select

from models import (
    CaseConference,
    Client,
    ConferenceDecision,
    PlanGoal,
    ServiceContract,
    ServicePlan,
    StageMove,
    User,
    db,
)
from models.choices import (
    ACTIVE_STAGES,
    ASSESSMENT_ASPECTS,
    STAGES,
    TERMINATION_REASONS,
    Recommendation,
    Role,
    Stage,
)
from models.conference import conference_client

from . import aftercare, assessment, selection
from .client_rules import client_problems
from .clients import issue_register_number
from .dates import today as panti_today
from .errors import Refusal
from .rules import in_future, not_before

NOTE_MAX = 500  # a move's note: a sentence or two (the case notes hold the story)
# Contracts that were signed (a later status keeps the signature).
SIGNED = ("signed", "active", "ended")


class MoveRefused(Refusal):
    """A move that may not be made now; ``missing`` names each piece of evidence lacking."""

    def __init__(self, message: str, missing: Iterable[Missing] = ()):
        self.missing = list(missing)
        super().__init__(" ".join([message, *(piece.message for piece in self.missing)]))


@dataclass(frozen=True)
class Missing:
    """A piece of evidence a move lacks, and the screen where it is done (an endpoint of
    the console and its arguments; the page links it where the reader may open it)."""

    message: str
    endpoint: str | None = None
    args: dict = field(default_factory=dict)


Evidence = Callable[[Client], list[Missing]]


def _admission_date(client: Client) -> list[Missing]:
    return [] if client.admission_date else [Missing(
        _("Tanggal masuk belum diisi."), "client.edit_view", {"id": client.id})]


def _room(client: Client) -> list[Missing]:
    """A room, and one the client may live in once admitted (the registration's rules)."""
    if not client.room_id:
        return [Missing(_("Kamar/asrama belum ditentukan."), "client.edit_view",
                        {"id": client.id})]
    return [Missing(problem.message, "client.edit_view", {"id": client.id})
            for problem in client_problems({"room": client.room_id, "sex": client.sex,
                                            "stage": Stage.ADMISSION}, current=client)]


def _social_worker(client: Client) -> list[Missing]:
    return [] if client.social_worker_id else [Missing(
        _("Pekerja sosial belum ditunjuk."), "client.edit_view", {"id": client.id})]


def _contract(kind: str, message) -> Evidence:
    def check(client: Client) -> list[Missing]:
        signed = db.session.scalar(select(exists().where(
            *ServiceContract.of_stay(client), ServiceContract.kind == kind,
            ServiceContract.status.in_(SIGNED))))
        return [] if signed else [Missing(str(message), "contract.index_view",
                                          {"search": client.register_number})]
    return check


def _assessment(client: Client) -> list[Missing]:
    missing = assessment.lacking(assessment.recorded_aspects([client.id])[client.id])
    names = ", ".join(ASSESSMENT_ASPECTS.label(code) for code in missing)
    return [Missing(_("Asesmen aspek %(aspects)s belum dicatat.", aspects=names),
                    "case_note.create_view", {})] if missing else []


def _plan_with_goals(client: Client) -> list[Missing]:
    goals = db.session.scalar(select(func.count(PlanGoal.id)).join(ServicePlan).where(
        *ServicePlan.of_stay(client)))
    return [] if goals else [Missing(_("Rencana pelayanan dengan tujuannya belum ada."),
                                     "service_plan.index_view", {})]


def _on_conference_agenda(client: Client) -> list[Missing]:
    listed = db.session.scalar(select(exists().where(
        conference_client.c.client_id == client.id,
        conference_client.c.conference_id == CaseConference.id,
        CaseConference.date >= (client.admission_date or date.min))))
    return [] if listed else [Missing(_("Klien belum masuk agenda konferensi kasus."),
                                      "conference.index_view", {})]


def _decision(recommendation: Recommendation, message) -> Evidence:
    def check(client: Client) -> list[Missing]:
        latest = db.session.scalars(
            select(ConferenceDecision).join(CaseConference)
            .where(*ConferenceDecision.of_stay(client),
                   ConferenceDecision.draft.is_(False))
            .order_by(CaseConference.date.desc(), ConferenceDecision.id.desc())).first()
        if latest is not None and latest.recommendation == recommendation:
            return []
        return [Missing(str(message), "conference.index_view", {})]
    return check


def _terminated(client: Client) -> list[Missing]:
    return [] if client.termination_date and client.termination_reason else [Missing(
        _("Tanggal dan alasan terminasi belum tercatat."))]


def _was_admitted(client: Client) -> list[Missing]:
    return [] if client.register_number else [Missing(
        _("Klien tidak pernah diterima di panti (keluar dari tahap 1)."))]


def _found_not_eligible(client: Client) -> list[Missing]:
    return [] if selection.not_eligible(client) else [Missing(
        _("Keputusan seleksi \"tidak memenuhi syarat\" belum ada."),
        "client_stage.selection_view", {"id": client.id})]


@dataclass(frozen=True)
class Move:
    """A move the machine allows: from, to, who may make it (``own``: the client's social
    worker as well) and the evidence it needs."""

    source: str | None
    target: str
    roles: frozenset[str]
    own: bool = True
    evidence: tuple[Evidence, ...] = ()


def _selected(client: Client) -> list[Missing]:
    return [] if selection.accepted(client) else [Missing(
        _("Seleksi belum diterima pimpinan."), "client_stage.selection_view",
        {"id": client.id})]


_ADMISSION = (_selected, _admission_date, _room, _social_worker,
              _contract("preliminary", _l("Kontrak pendahuluan yang ditandatangani belum ada.")))
MOVES: tuple[Move, ...] = (
    Move(Stage.APPROACH, Stage.ADMISSION, frozenset({Role.ADMIN, Role.HEAD}), own=False,
         evidence=_ADMISSION),
    Move(Stage.ADMISSION, Stage.ASSESSMENT, frozenset({Role.HEAD}),
         evidence=(_admission_date, _social_worker)),
    Move(Stage.ASSESSMENT, Stage.PLANNING, frozenset({Role.HEAD}), evidence=(_assessment,)),
    Move(Stage.PLANNING, Stage.CONTRACT, frozenset({Role.HEAD}), evidence=(_plan_with_goals,)),
    Move(Stage.CONTRACT, Stage.INTERVENTION, frozenset({Role.HEAD}), evidence=(
        _contract("primary", _l("Kontrak utama yang ditandatangani belum ada.")),)),
    Move(Stage.INTERVENTION, Stage.CASE_CONFERENCE, frozenset({Role.HEAD}),
         evidence=(_on_conference_agenda,)),
    Move(Stage.CASE_CONFERENCE, Stage.INTERVENTION, frozenset({Role.HEAD}), evidence=(
        _decision(Recommendation.CONTINUE, _l(
            "Keputusan KK terakhir bukan melanjutkan pelayanan.")),)),
    Move(Stage.CASE_CONFERENCE, Stage.RESOCIALIZATION, frozenset({Role.HEAD}), evidence=(
        _decision(Recommendation.PLACEMENT, _l(
            "Keputusan KK terakhir bukan rekomendasi penyaluran.")),)),
    Move(Stage.TERMINATION, Stage.AFTERCARE, frozenset({Role.HEAD}),
         evidence=(_terminated, _was_admitted)),
)

# Besides these, a client in the panti (ACTIVE_STAGES) is terminated when the head approves a
# KK's termination recommendation (services/conferences.decide_termination), and may leave:
# the exits the seeds allow from any stage in the panti, each a termination with its reason
# (not through a KK); "not eligible" only while the assessment is being made.
EXIT_REASONS = ("refused_absconded", "illness_referral", "own_will", "worker_breakdown")
EXIT_ONLY_FROM = {"not_eligible": (Stage.ASSESSMENT,)}
# A candidate (stage 1) leaves before admission: found not eligible at selection (the head's
# decision is its evidence), of their own will, or gone; the admin or the head records it.
CANDIDATE_EXITS: dict[str, tuple[Evidence, ...]] = {
    "not_eligible": (_found_not_eligible,), "own_will": (), "refused_absconded": ()}
CANDIDATE_EXIT_ROLES = frozenset({Role.ADMIN, Role.HEAD})


def exit_reasons(stage: str) -> list[str]:
    """The termination reasons a client in ``stage`` may leave with, outside a KK."""
    if stage not in ACTIVE_STAGES:
        return []
    return [*EXIT_REASONS, *(reason for reason, stages in EXIT_ONLY_FROM.items()
                             if stage in stages)]


def movers_text(role: str) -> str:
    """Which moves ``role`` may make, for the permission table (docs/permissions.md)."""
    if role == Role.HEAD:
        return "every move"
    moves = [f"{move.source} → {move.target}" for move in MOVES if role in move.roles]
    if role == Role.SOCIAL_WORKER:
        moves.insert(0, "own clients' moves and exits")
    if role in CANDIDATE_EXIT_ROLES:
        moves.append("a candidate's exit before admission")
    return ", ".join(moves) or "none"


def acting_user() -> User | None:
    """The logged-in user making a move, or None in a command (no request, no login)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _may(move_roles: frozenset[str], own: bool, client: Client, user: User | None) -> bool:
    if user is None:  # a command: it acts for the panti, as the head would
        return True
    if user.role in move_roles:
        return True
    return own and user.role == Role.SOCIAL_WORKER and user.staff_id is not None \
        and client.social_worker_id == user.staff_id


@dataclass
class Option:
    """A move the page offers: its target, whether this user may make it, and what is
    missing (empty: it can be made now)."""

    target: str
    allowed: bool
    missing: list[Missing]
    exit_reasons: list[str] = field(default_factory=list)
    who: str = ""  # who may make it, for a reader who may not


def _who(move_roles: frozenset[str], own: bool) -> str:
    names = [str(role.label) for role in Role if role in move_roles]
    if own:
        names.insert(0, _("pekerja sosial klien"))
    listed = names[0] if len(names) == 1 else _("%(some)s atau %(last)s",
                                                 some=", ".join(names[:-1]), last=names[-1])
    return _("Perpindahan ini dilakukan oleh %(who)s.", who=listed)


def options(client: Client, user: User | None) -> list[Option]:
    """The moves from the client's stage, in the machine's order, with their evidence."""
    found = [Option(move.target, _may(move.roles, move.own, client, user),
                    [piece for needed in move.evidence for piece in needed(client)],
                    who=_who(move.roles, move.own))
             for move in MOVES if move.source == client.stage]
    if client.stage == Stage.APPROACH:
        found.append(Option(Stage.TERMINATION, _may(CANDIDATE_EXIT_ROLES, False, client, user),
                            [], exit_reasons=list(CANDIDATE_EXITS),
                            who=_who(CANDIDATE_EXIT_ROLES, False)))
    reasons = exit_reasons(client.stage)
    if reasons:
        found.append(Option(Stage.TERMINATION, False, [Missing(
            _("Terminasi melalui rekomendasi KK dan persetujuan pimpinan."),
            "conference.terminations_view", {})]))
        found.append(Option(Stage.TERMINATION, _may(frozenset({Role.HEAD}), True, client, user),
                            [], exit_reasons=reasons, who=_who(frozenset({Role.HEAD}), True)))
    return found


def check(client: Client, target: str, user: User | None, *, reason: str | None = None,
          day: date | None = None, approved: bool = False) -> None:
    """Refuse (MoveRefused, naming everything missing) a move of ``client`` to ``target``
    that the machine does not allow now; nothing is changed. ``reason``: the termination
    reason of an exit; ``approved``: the head's approval of a KK's termination
    recommendation is making it; ``user`` None: a command, acting for the panti."""
    today = panti_today()
    day = day or today
    source = client.stage
    if target == source:
        raise MoveRefused(_("Klien sudah berada pada tahap %(stage)s.",
                            stage=STAGES.label(source)))
    ending = target == Stage.TERMINATION and source in ACTIVE_STAGES
    rule = next((m for m in MOVES if m.source == source and m.target == target), None)
    if target == Stage.TERMINATION and source == Stage.APPROACH:
        if reason not in CANDIDATE_EXITS:
            raise MoveRefused(_("Alasan ini tidak dapat dipakai untuk keluar dari tahap "
                                "%(stage)s.", stage=STAGES.label(source)))
        allowed = _may(CANDIDATE_EXIT_ROLES, False, client, user)
        missing = [piece for needed in CANDIDATE_EXITS[reason] for piece in needed(client)]
    elif ending and not approved:
        if reason is None:
            raise MoveRefused(_("Terminasi melalui rekomendasi KK dan persetujuan pimpinan, "
                                "atau keluar dengan alasannya."))
        if reason not in exit_reasons(source):
            raise MoveRefused(_("Alasan ini tidak dapat dipakai untuk keluar dari tahap "
                                "%(stage)s.", stage=STAGES.label(source)))
        allowed, missing = _may(frozenset({Role.HEAD}), True, client, user), []
    elif ending:
        allowed, missing = True, []
    elif rule is None:
        raise MoveRefused(_("Dari tahap %(source)s klien tidak dapat pindah ke tahap "
                            "%(target)s.", source=STAGES.label(source),
                            target=STAGES.label(target)))
    else:
        allowed = _may(rule.roles, rule.own, client, user)
        missing = [piece for needed in rule.evidence for piece in needed(client)]
    if not allowed:
        raise MoveRefused(_("Anda tidak berwenang memindahkan klien ini ke tahap %(target)s.",
                            target=STAGES.label(target)))
    if missing:
        raise MoveRefused(_("Belum dapat pindah ke tahap %(target)s:",
                            target=STAGES.label(target)), missing)
    if refused := in_future(day, today):
        raise MoveRefused(refused)
    if refused := not_before(day, client.admission_date, _("tanggal masuk")):
        raise MoveRefused(refused)


def move(client: Client, target: str, user: User | None, *, note: str | None = None,
         reason: str | None = None, day: date | None = None, actor: str | None = None,
         approved: bool = False) -> StageMove:
    """Move ``client`` to ``target`` after ``check`` (not committed) and record the move;
    a termination also sets the client's termination date and reason."""
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise MoveRefused(_("Catatan paling banyak %(n)s karakter (terisi %(m)s).",
                            n=NOTE_MAX, m=len(note)))
    check(client, target, user, reason=reason, day=day, approved=approved)
    day = day or panti_today()
    source = client.stage
    ending = target == Stage.TERMINATION
    if ending:
        client.termination_date = day
        client.termination_reason = reason
    if target == Stage.ADMISSION and client.register_number is None:
        issue_register_number(client)  # at admission, never earlier (docs/lifecycle.md)
    client.stage = target
    if target == Stage.AFTERCARE:
        aftercare.plan_visits(client)  # the visits at the months set in Pengaturan
    record = StageMove(client=client, from_stage=source, to_stage=target, moved_on=day,
                       moved_by_id=user.id if user is not None else None, actor=actor,
                       reason=reason if ending else None, note=note)
    db.session.add(record)
    return record


def moved_text(client: Client) -> str:
    """What a user is told after a move; after admission, the register number it issued."""
    if client.stage == Stage.ADMISSION:
        return _("%(client)s kini pada tahap %(stage)s dengan nomor induk %(n)s.",
                 client=client.full_name, stage=STAGES.label(client.stage),
                 n=client.register_number)
    return _("%(client)s kini pada tahap %(stage)s.", client=client.full_name,
             stage=STAGES.label(client.stage))


def timeline(client_id: int, stay: int | None = None) -> list[StageMove]:
    """The client's moves, oldest first: of every stay, or of the stay ``stay``."""
    return list(db.session.scalars(
        select(StageMove).where(StageMove.client_id == client_id,
                                *(() if stay is None else (StageMove.stay == stay,)))
        .order_by(StageMove.moved_at, StageMove.id)))


def describe(record: StageMove) -> str:
    """A move in a sentence for the timeline (the stage names and the reason)."""
    text = STAGES.label(record.to_stage)
    if record.reason:
        text += f" — {TERMINATION_REASONS.label(record.reason)}"
    return text


def begin(client: Client, day: date | None = None, actor: str | None = None,
          user: User | None = None) -> StageMove:
    """The first entry of a new client's timeline: where its record begins."""
    record = StageMove(client=client, from_stage=None, to_stage=client.stage,
                       moved_on=day or client.admission_date or panti_today(),
                       moved_by_id=user.id if user is not None else None, actor=actor)
    db.session.add(record)
    return record

