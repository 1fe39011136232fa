"""Outreach (penjangkauan): a person met on a visit becomes a client of stage 1 in one step,
carrying what was recorded, through the registration's own rules and duplicate check; and
the weeks of an intake's outreach month still without a visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from models import Client, Intake, OutreachPerson, OutreachVisit, User, db
from models.choices import OUTREACH_PLACES, Stage

from . import duplicates, lifecycle
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


def enrol(person: OutreachPerson, user: User | None) -> Client:
    """Register ``person`` as a client of stage 1 (not committed): refused when already
    registered, without a name or sex, against a registration rule, or when the roster may
    already hold them (then the registration form, which shows the matches, is the way)."""
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
    today = panti_today()
    # The estimated age stands in for a birth date the check can compare (within two years).
    compared = {**values, "birth_date": date(today.year - person.estimated_age, 7, 1)} \
        if person.estimated_age else values
    matches = duplicates.likely_same(compared, today=today)
    if matches:
        raise EnrolRefused(_(
            "Mungkin sudah terdaftar: %(who)s. Bila orang yang berbeda, daftarkan lewat Buku "
            "induk klien (kemiripan ditampilkan di sana); bila orang yang sama yang sudah "
            "keluar, terima kembali dari halaman kliennya.",
            who="; ".join(str(m.client) for m in matches)))
    client = Client(**values)  # a candidate: the register number comes with admission
    db.session.add(client)
    lifecycle.begin(client, user=user)
    person.client = client
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

