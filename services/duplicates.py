"""Is this person already in the roster? The duplicate check of registration.

Gepeng are often brought in again after a street sweep, usually without an identity card,
and their names are written differently each time (Muhammad, Muhamad, Moch., M.; Achmad and
Ahmad; the old spelling's oe, dj, tj; "bin"/"binti" and the father's name). A name is reduced
to **keys** — its normalised words, and the NIK, family card and guardian phone numbers —
stored per client (``client_name_key``, indexed), so the check reads only the clients that
share a key, however large the roster. Each is then scored on what matches: NIK, family
card, guardian phone, the name, birth date or age within two years, birthplace, sex. A
shared common name and nothing else is not a match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, event, func, insert, inspect, select

from models import Client, ClientNameKey, db

# Spellings of one name, written as its first form (after the letters below are normalised).
SAME_NAME = {
    "muhamad": ("muhamad", "mohamad", "muhamat", "mohamat", "mhd", "moh", "moc", "muh", "md",
                "m", "mohd", "muhd", "mamad"),
    "ahmad": ("ahmad", "ahmat", "akhmad", "ahmed"),
    "abdul": ("abdul", "abd", "abdu"),
    "siti": ("siti", "st"),
    "nurul": ("nurul", "nur", "nurl"),
    "yusuf": ("yusuf", "yusup", "jusuf", "yusup"),
}
ALIASES = {spelling: name for name, spellings in SAME_NAME.items() for spelling in spellings}
# Words that join a person's name to their parent's ("Ahmad bin Yusuf"): not names.
PARTICLES = {"bin", "binti", "bt", "bte", "b"}
# The old spelling (ejaan lama) and other letters written both ways, in this order.
LETTERS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"), ("ch", "h"),
           ("kh", "h"), ("th", "t"), ("ph", "f"), ("dz", "z"), ("q", "k"), ("v", "f"))
# Scores of the evidence; a match is shown from THRESHOLD on.
THRESHOLD = 50
MAX_SHOWN = 5
MAX_CANDIDATES = 300  # clients sharing the most keys, read and scored per check


def _fold(text: str) -> str:
    """Lower case, accents off, only letters, digits and single spaces."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def name_words(name: str | None) -> list[str]:
    """The words of a name as the check compares them: ``"Moch. Achmad bin Joesoef"`` →
    ``["muhamad", "ahmad", "yusuf"]``."""
    words = []
    for word in _fold(name or "").split():
        if word in PARTICLES or word.isdigit():
            continue
        for old, new in LETTERS:
            word = word.replace(old, new)
        word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters: Muhammad, Hassan
        if word.endswith("y") and len(word) > 2:
            word = word[:-1] + "i"  # Yanty, Yanti
        words.append(ALIASES.get(word, word))
    return words


def phone_key(phone: str | None) -> str | None:
    """A phone number as digits from its leading 0 (``+62 812-…`` and ``0812…`` alike)."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 8 else None


def keys(values: Mapping[str, Any]) -> set[str]:
    """What a client is found by: its name's words, NIK, family card, guardian phone."""
    found = {f"n:{word}" for word in name_words(values.get("full_name")) if len(word) > 1}
    if values.get("nik"):
        found.add(f"i:{values['nik']}")
    if values.get("family_card_number"):
        found.add(f"k:{values['family_card_number']}")
    if phone := phone_key(values.get("guardian_phone")):
        found.add(f"t:{phone}")
    return found


KEY_FIELDS = ("full_name", "nik", "family_card_number", "guardian_phone")


def index(client_ids_values: Iterable[tuple[int, Mapping[str, Any]]],
          execute=None) -> None:
    """Store (again) the keys of these clients: one DELETE and one INSERT for all of them
    (``execute``: the session's by default; a flush hook passes its connection's)."""
    pairs = list(client_ids_values)
    if not pairs:
        return
    execute = execute or db.session.execute
    table = ClientNameKey.__table__
    execute(delete(table).where(table.c.client_id.in_([client_id for client_id, _v in pairs])))
    rows = [{"client_id": client_id, "key": key}
            for client_id, values in pairs for key in sorted(keys(values))]
    if rows:
        execute(insert(table), rows)


@dataclass(frozen=True)
class Match:
    """An existing client who may be the person being registered, and why."""

    client: Client
    score: int
    reasons: list[str]


def score(new: Mapping[str, Any], old: Client, today: date) -> tuple[int, list[str]]:
    """How likely ``old`` is the person ``new`` describes, with the reasons in words."""
    points, reasons = 0, []
    if new.get("nik") and new["nik"] == old.nik:
        points += 100
        reasons.append(_("NIK sama"))
    if new.get("family_card_number") and new["family_card_number"] == old.family_card_number:
        points += 40
        reasons.append(_("Nomor KK sama"))
    phone = phone_key(new.get("guardian_phone"))
    if phone and phone == phone_key(old.guardian_phone):
        points += 30
        reasons.append(_("Telepon wali sama"))
    mine, theirs = set(name_words(new.get("full_name"))), set(name_words(old.full_name))
    shared = mine & theirs
    if mine and mine == theirs:
        points += 40
        reasons.append(_("Nama sama"))
    elif shared and (shared == mine or shared == theirs):
        points += 30
        reasons.append(_("Nama mirip"))
    elif len(shared) * 2 >= max(len(mine), len(theirs)) > 0:
        points += 20
        reasons.append(_("Sebagian nama sama"))
    born, their_born = new.get("birth_date"), old.birth_date
    if born is not None and their_born is not None:
        if born == their_born:
            points += 30
            reasons.append(_("Tanggal lahir sama"))
        elif abs(born.year - their_born.year) <= 2:
            points += 10
            reasons.append(_("Umur selisih paling banyak 2 tahun"))
        else:
            points -= 30
    place = _fold(new.get("birth_place") or "")
    if place and place == _fold(old.birth_place or ""):
        points += 15
        reasons.append(_("Tempat lahir sama"))
    if new.get("sex") and old.sex and new["sex"] != old.sex:
        points -= 60
    return points, reasons


def likely_same(values: Mapping[str, Any], *, today: date, exclude: int | None = None,
                where: Iterable = ()) -> list[Match]:
    """The clients most likely to be the person ``values`` describes, best first (at most
    MAX_SHOWN, each at least THRESHOLD; ``where``: who the reader may see): one query
    whatever the size of the roster."""
    wanted = keys(values)
    if not wanted:
        return []
    shared = (select(ClientNameKey.client_id)
              .where(ClientNameKey.key.in_(sorted(wanted)))
              .group_by(ClientNameKey.client_id)
              .order_by(func.count().desc(), ClientNameKey.client_id)
              .limit(MAX_CANDIDATES))
    if exclude is not None:
        shared = shared.where(ClientNameKey.client_id != exclude)
    clients = db.session.scalars(select(Client).where(Client.id.in_(shared), *where)).all()
    found = []
    for client in clients:
        points, reasons = score(values, client, today)
        if points >= THRESHOLD:
            found.append(Match(client, points, reasons))
    found.sort(key=lambda match: (-match.score, match.client.id))
    return found[:MAX_SHOWN]


def _keep_keys(session, _flush_context) -> None:
    """After a flush: the keys of every client created, or whose name, NIK, family card or
    guardian phone changed (the form, commands, the demo). The roster import writes in bulk
    and calls ``index`` itself."""
    changed = [client for client in (*session.new, *session.dirty)
               if isinstance(client, Client) and client.id is not None
               and (client in session.new or any(
                   inspect(client).attrs[name].history.has_changes() for name in KEY_FIELDS))]
    # Core on the flush's connection: no ORM events, no flush inside the flush.
    index([(client.id, {name: getattr(client, name) for name in KEY_FIELDS})
           for client in changed], session.connection().execute)


def install(database) -> None:
    """Keep every client's keys as it is saved through ``database.session`` (called by
    ``create_app``, like the audit hooks)."""
    if not event.contains(database.session, "after_flush", _keep_keys):
        event.listen(database.session, "after_flush", _keep_keys)
