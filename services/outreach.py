"""Outreach (penjangkauan): a person met on a visit becomes a client of stage 1 in one step,
carrying what was recorded, through the registration's own rules and duplicate check; and
the weeks of an intake's outreach month still without a visit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from models import Client, DuplicateDecision, Intake, OutreachPerson, OutreachVisit, User, db
from models.choices import OUTREACH_PLACES, Stage

from . import duplicates, lifecycle, stays
from .client_rules import client_problems
from .dates import format_date
from .dates import today as panti_today
from .errors import Refusal


class EnrolRefused(Refusal):
    """A person met who cannot be registered now, with the reason."""


def registration(person: OutreachPerson) -> dict:
    """The registration a person met would get: name, sex, how they arrived."""
    visit = person.visit
    seen = [_("Ditemui saat penjangkauan %(day)s di %(place)s (%(kind)s).",
              day=format_date(visit.date), place=visit.place,
              kind=OUTREACH_PLACES.label(visit.place_kind))]
    if person.estimated_age:
        seen.append(_("Perkiraan umur %(n)s tahun.", n=person.estimated_age))
    if person.description:
        seen.append(person.description)
    if person.condition:
        seen.append(person.condition)
    return {"full_name": person.name, "sex": person.sex, "stage": Stage.APPROACH,
            "referral_source": "outreach", "arrival_condition": " ".join(seen)}


def _compared(person: OutreachPerson, values: dict) -> dict:
    """What the duplicate check compares: the estimated age stands in for a birth date it
    can compare (within two years)."""
    if not person.estimated_age:
        return values
    today = panti_today()
    return {**values, "birth_date": date(today.year - person.estimated_age, 7, 1)}


def matches(person: OutreachPerson, where: Iterable = ()) -> list[duplicates.Match]:
    """The clients the person met may be (``where``: who the reader may see); none once
    registered, or without a name to compare."""
    if person.client_id is not None or not person.name or not person.sex:
        return []
    return duplicates.likely_same(_compared(person, registration(person)),
                                  today=panti_today(), where=where)


def enrol(person: OutreachPerson, user: User | None, *, different_from: Iterable[int] = (),
          same_as: int | None = None) -> Client:
    """Register ``person`` as a client of stage 1 (not committed): refused when already
    registered, without a name or sex, or against a registration rule. When the roster may
    already hold them, the user chooses, as on the registration form: a different person
    (``different_from``: every match shown; the choice is recorded), or the same person
    whose stay ended (``same_as``), who is admitted again with what was recorded."""
    if person.client_id is not None:
        number = person.client.register_number
        raise EnrolRefused(_("%(name)s sudah didaftarkan sebagai klien %(n)s.",
                             name=person.name, n=number) if number else
                           _("%(name)s sudah didaftarkan sebagai calon klien.",
                             name=person.name))
    if not person.name or not person.sex:
        raise EnrolRefused(_("Isi nama dan jenis kelamin orang ini dulu (ubah data "
                             "penjangkauan)."))
    values = registration(person)
    problems = client_problems(values)
    if problems:
        raise EnrolRefused(" ".join(problem.message for problem in problems))
    found = matches(person)
    shown = [str(match.client) for match in found]
    if same_as is not None:
        client = next((m.client for m in found if m.client.id == same_as), None)
        if client is None:
            raise EnrolRefused(_("Klien itu tidak termasuk kemiripan orang ini."))
        stays.readmit(client, user, shown=shown, note=_(
            "Ditemui lagi saat penjangkauan %(day)s di %(place)s.",
            day=format_date(person.visit.date), place=person.visit.place))
        client.referral_source = values["referral_source"]
        client.arrival_condition = values["arrival_condition"]
        person.client = client
        return client
    if found and not {m.client.id for m in found} <= set(different_from):
        raise EnrolRefused(_(
            "Mungkin sudah terdaftar: %(who)s. Pilih di bawah namanya: orang yang berbeda, "
            "atau orang yang sama yang diterima kembali.", who="; ".join(shown)))
    client = Client(**values)  # a candidate: the register number comes with admission
    db.session.add(client)
    lifecycle.begin(client, user=user)
    person.client = client
    if found:
        db.session.flush()  # the new client's id, for the recorded choice
        db.session.add(DuplicateDecision(client_id=client.id, shown=", ".join(shown)[:255],
                                         decided_by_id=user.id if user is not None else None))
    return client


# An intake's first month is its outreach month: a visit every week (DOMAIN.md, stage 1).
OUTREACH_WEEKS = 4


@dataclass(frozen=True)
class DueWeek:
    """A week of an intake's outreach month that has begun without a visit."""

    intake: Intake
    week: int  # 1 to OUTREACH_WEEKS
    first: date
    last: date


def weeks_without_visit(today: date) -> list[DueWeek]:
    """The weeks of the intakes' outreach months begun by ``today`` with no visit recorded in
    them, by week's end (two queries whatever the number of intakes and visits)."""
    earliest = today - timedelta(days=7 * OUTREACH_WEEKS - 1)
    intakes = db.session.scalars(select(Intake).where(
        Intake.starts_on.between(earliest, today)).order_by(Intake.starts_on)).all()
    if not intakes:
        return []
    visited = set(db.session.scalars(select(OutreachVisit.date).where(
        OutreachVisit.date.between(intakes[0].starts_on, today))))
    due = []
    for intake in intakes:
        for week in range(OUTREACH_WEEKS):
            first = intake.starts_on + timedelta(days=7 * week)
            if first > today:
                break
            last = first + timedelta(days=6)
            if not any(first + timedelta(days=n) in visited for n in range(7)):
                due.append(DueWeek(intake, week + 1, first, last))
    return sorted(due, key=lambda d: (d.last, d.intake.number))

