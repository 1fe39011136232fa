"""Outreach (penjangkauan): a person met on a visit becomes a client of stage 1 in one step,
carrying what was recorded, through the registration's own rules and duplicate check."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from models import Client, OutreachPerson, User, db
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
            "induk klien (kemiripan ditampilkan di sana).",
            who="; ".join(str(m.client) for m in matches)))
    client = Client(**values)  # a candidate: the register number comes with admission
    db.session.add(client)
    lifecycle.begin(client, user=user)
    person.client = client
    return client
