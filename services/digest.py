"""The daily digest e-mail (``flask send-digest``, run by cron): each user's worklist
(services/worklist.py) as counts per screen, with a link to each.

An e-mail leaves the panti's network and stays in mailboxes the panti does not control, so
it never carries case content: no client, room, partner or event names, no item's text, no
record's id in a link — only how many items are late, due today or coming on each screen,
and the address of that screen (opened after logging in, where the visibility rules apply).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime as rfc5322_date
from email.utils import formataddr, make_msgid
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_admin.model import BaseModelView
from flask_babel import gettext as _
from sqlalchemy import select

from models import User, db

from .accounts import email_problem
from .dates import format_date, now
from .errors import Refusal
from .pages import PAGE_TITLES
from .worklist import Item, worklist

SMTP_TIMEOUT = 30  # seconds: a mail server that does not answer fails that e-mail, not cron


class DigestError(Refusal):
    """The digests cannot be sent as asked (configuration, an unknown user)."""


@dataclass(frozen=True)
class Place:
    """A screen (or one page of it) where some of the user's items are done, with how many
    are late, due today and coming."""

    label: str
    url: str
    overdue: int = 0
    due_today: int = 0
    coming: int = 0


@dataclass(frozen=True)
class Digest:
    """One user's digest for ``day``: the places most urgent first, and the home page."""

    day: date
    places: tuple[Place, ...]
    home: str

    @property
    def overdue(self) -> int:
        return sum(place.overdue for place in self.places)

    @property
    def due_today(self) -> int:
        return sum(place.due_today for place in self.places)

    @property
    def coming(self) -> int:
        return sum(place.coming for place in self.places)


@dataclass
class Outcome:
    """What ``send_digests`` did; ``configured`` is False when no MAIL_SERVER is set (and
    then nothing else was done)."""

    configured: bool = True
    sent: list[str] = field(default_factory=list)
    nothing_due: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # inactive, or without an address
    failed: list[tuple[str, str]] = field(default_factory=list)  # (username, why)


def build_digest(user: User, day: date) -> Digest | None:
    """``user``'s worklist on ``day`` counted per place; None when it holds nothing."""
    items = worklist(user, day)
    if not items:
        return None
    base = _public_url()
    views = {view.endpoint: view for view in current_app.extensions["admin"][0]._views}
    counts: dict[str, list[int]] = {}  # in the worklist's order: the most urgent place first
    for item in items:
        tally = counts.setdefault(_place(item, views), [0, 0, 0])
        tally[0 if item.due < day else 1 if item.due == day else 2] += 1
    # No request under cron: the links are built as if the console were asked at PUBLIC_URL.
    with current_app.test_request_context(base_url=base):
        places = tuple(Place(_label(endpoint, views), url_for(endpoint, _external=True), *tally)
                       for endpoint, tally in counts.items())
        home = url_for("admin.index", _external=True)
    return Digest(day, places, home)


def _public_url() -> str:
    """PUBLIC_URL, which every link of an e-mail starts with; refused when not set."""
    base = current_app.config["PUBLIC_URL"]
    if not base:
        raise DigestError(_("PUBLIC_URL belum diatur: tautan dalam e-mail memerlukan alamat "
                            "konsol, misalnya http://panti.local:5000."))
    return base


def _place(item: Item, views: dict) -> str:
    """The page an item is counted under: its own page without arguments, or, for an item
    about one record (its link names an id), the screen's main page — an e-mail names no
    record, not even by its number."""
    if "id" not in item.args:
        return item.endpoint
    screen = item.endpoint.partition(".")[0]
    index = "index_view" if isinstance(views[screen], BaseModelView) else "index"
    return f"{screen}.{index}"


def _label(endpoint: str, views: dict) -> str:
    """The screen's name as the menu shows it, and the page's as the breadcrumbs do."""
    screen, _dot, method = endpoint.partition(".")
    name = str(views[screen].name)
    return f"{name} › {PAGE_TITLES[method]}" if method in PAGE_TITLES else name


def _urgency(overdue: int, due_today: int, coming: int) -> str:
    """"2 terlambat, 1 hari ini" (the parts that are not zero)."""
    parts = []
    if overdue:
        parts.append(_("%(n)s terlambat", n=overdue))
    if due_today:
        parts.append(_("%(n)s jatuh tempo hari ini", n=due_today))
    if coming:
        parts.append(_("%(n)s akan datang", n=coming))
    return ", ".join(parts)


def _sender() -> str:
    """MAIL_SENDER, else MAIL_USERNAME when it is an address, else noreply at the console's
    host."""
    config = current_app.config
    if config["MAIL_SENDER"]:
        return config["MAIL_SENDER"]
    if "@" in config["MAIL_USERNAME"]:
        return config["MAIL_USERNAME"]
    return f"noreply@{urlsplit(config['PUBLIC_URL']).hostname or 'localhost'}"


def compose(user: User, digest: Digest) -> EmailMessage:
    """The e-mail of ``digest`` to ``user``: subject and plain-text body, counts and links."""
    panti = current_app.config["INSTITUTION_NAME"]
    day = format_date(digest.day)
    lines = [
        _("Yth. %(name)s,", name=user.staff.name if user.staff else user.username),
        "",
        _("Ringkasan pekerjaan Anda di konsol %(panti)s, %(day)s:", panti=panti, day=day),
        _urgency(digest.overdue, digest.due_today, digest.coming) + ".",
        "",
    ]
    for place in digest.places:
        lines += [f"- {place.label}: "
                  + _urgency(place.overdue, place.due_today, place.coming),
                  f"  {place.url}"]
    lines += [
        "",
        _("Daftar lengkap, yang paling mendesak lebih dulu, ada di beranda konsol:"),
        digest.home,
        "",
        _("Demi kerahasiaan klien, e-mail ini hanya memuat jumlah dan tautan; rinciannya "
          "dibuka di konsol setelah masuk."),
        _("E-mail ini dikirim otomatis; mohon tidak dibalas."),
    ]
    message = EmailMessage()
    message["Subject"] = _("[%(panti)s] Pekerjaan %(day)s: %(counts)s", panti=panti, day=day,
                           counts=_urgency(digest.overdue, digest.due_today, digest.coming))
    sender = _sender()
    message["From"] = formataddr((panti, sender))
    message["To"] = user.email
    message["Date"] = rfc5322_date(now())  # the panti's time, as the console shows it
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to it
    message.set_content("\n".join(lines) + "\n", cte="quoted-printable")
    return message


def deliver(message: EmailMessage) -> None:
    """Send ``message`` through the configured SMTP server (STARTTLS or TLS, login if a
    username is set); smtplib's and the socket's errors pass to the caller."""
    config = current_app.config
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def send_digests(day: date, username: str | None = None) -> Outcome:
    """E-mail each active account with an address (or only ``username``'s) its digest of
    ``day``; one that fails is recorded and the others are still sent."""
    if not current_app.config["MAIL_SERVER"]:
        return Outcome(configured=False)
    _public_url()  # told at once, even on a day nobody has anything due
    query = select(User).order_by(User.username)
    if username is not None:
        query = query.where(User.username == username.strip().lower())
    users = db.session.scalars(query).all()
    if username is not None and not users:
        raise DigestError(_("Pengguna %(name)s tidak ditemukan.", name=username))
    outcome = Outcome()
    for user in users:
        if not user.is_active_account or not user.email:
            outcome.skipped.append(user.username)
            continue
        digest = build_digest(user, day)
        if digest is None:
            outcome.nothing_due.append(user.username)
            continue
        if problem := email_problem(user.email):  # stored some other way than the form
            outcome.failed.append((user.username, problem))
            continue
        try:
            # One connection per e-mail: a refused recipient or a dropped connection spoils
            # only that one, and a panti has tens of accounts, not thousands.
            deliver(compose(user, digest))
        except (smtplib.SMTPException, OSError) as exc:
            outcome.failed.append((user.username, _reason(exc)))
        else:
            outcome.sent.append(user.username)
    return outcome


def _reason(exc: Exception) -> str:
    """What the mail server (or the network) said, in one line."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {text.decode(errors='replace')}"
                         for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    return str(exc) or type(exc).__name__
