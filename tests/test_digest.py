"""The daily digest e-mail (``flask send-digest``), delivered to a real SMTP server on
127.0.0.1 that the tests start: counts and links only, never a client's name."""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from models import ServiceContract, User, db
from services.dates import format_date
from services.dates import today as panti_today

from .conftest import field_errors, make_client, make_staff, post_form

TODAY = panti_today()
PUBLIC_URL = "http://panti.local:5000"
PASSWORD = "kata-sandi-panjang-sekali"
CLIENTS = ("Ahmad Yani", "Budi Utomo", "Cahya Nugraha")


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts and refuses the recipients
    listed in ``refused``, as a mail server refuses an unknown mailbox."""

    def __init__(self) -> None:
        self.received: list = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Kotak surat tidak dikenal"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> dict[str, tuple[object, str, str]]:
        """Recipient → (parsed message, its text, its raw form with soft line breaks joined)."""
        found = {}
        for envelope in self.received:
            raw = envelope.content.decode("ascii")
            message = message_from_bytes(envelope.content, policy=policy.default)
            for recipient in envelope.rcpt_tos:
                found[recipient] = (message, message.get_content().replace("\r\n", "\n"),
                                    raw.replace("=\r\n", "").replace("=\n", ""))
        return found


def _free_port() -> int:
    # The controller checks that its server answers by connecting to the port it was given,
    # so it needs a real one rather than 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_server():
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def mailbox(app, smtp_server, monkeypatch):
    """The SMTP server, emptied, and the app configured to send through it."""
    handler, port = smtp_server
    handler.received.clear()
    handler.refused.clear()
    for key, value in (("MAIL_SERVER", "127.0.0.1"), ("MAIL_PORT", port),
                       ("MAIL_USERNAME", ""), ("MAIL_PASSWORD", ""), ("MAIL_USE_TLS", False),
                       ("MAIL_USE_SSL", False), ("MAIL_SENDER", "sistem@panti.local"),
                       ("PUBLIC_URL", PUBLIC_URL)):
        monkeypatch.setitem(app.config, key, value)
    return handler


def _world(app) -> dict[str, str]:
    """Two social workers with accounts and addresses: Siti's Ahmad (assessment a day late)
    and Budi (assessment due today; contract ending in 10 days), Dewi's Cahya (assessment
    late). Returns each client's register number by name."""
    with app.app_context():
        siti = make_staff("Siti Rahayu", "social_worker")
        dewi = make_staff("Dewi Lestari", "social_worker")
        for username, staff in (("peksos", siti), ("dewi", dewi)):
            user = User(username=username, role="social_worker", staff=staff,
                        email=f"{username}@panti.local")
            user.set_password(PASSWORD)
            db.session.add(user)
        numbers = {}
        for name, days, worker, contract_days in (("Ahmad Yani", 29, siti, 120),
                                                  ("Budi Utomo", 28, siti, 10),
                                                  ("Cahya Nugraha", 40, dewi, 120)):
            person = make_client(name, stage="assessment", social_worker_id=worker.id,
                                 admission_date=TODAY - timedelta(days=days))
            numbers[name] = person.register_number
            db.session.add(ServiceContract(
                client_id=person.id, kind="preliminary", problem="p", goals="g",
                start_date=person.admission_date,
                end_date=TODAY + timedelta(days=contract_days), status="signed",
                signed_date=person.admission_date, social_worker_id=worker.id))
        db.session.commit()
        return numbers


def _send(app, *args: str):
    return app.test_cli_runner().invoke(args=["send-digest", *args])


def _links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def test_the_digest_arrives_with_counts_and_links_and_no_client_names(app, mailbox):
    numbers = _world(app)
    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "2 e-mail terkirim; 0 pengguna tanpa pekerjaan yang jatuh tempo." in result.output

    received = mailbox.messages()
    assert set(received) == {"peksos@panti.local", "dewi@panti.local"}
    message, text, raw = received["peksos@panti.local"]
    assert message["To"] == "peksos@panti.local"
    assert message["From"] == "Panti Sosial Bina Karya <sistem@panti.local>"
    assert message["Auto-Submitted"] == "auto-generated"
    day = format_date(TODAY)
    assert message["Subject"] == (f"[Panti Sosial Bina Karya] Pekerjaan {day}: 1 terlambat, "
                                  "1 jatuh tempo hari ini, 1 akan datang")
    assert "Yth. Siti Rahayu," in text
    # Per screen, the most urgent first; the contract is counted on the contract list, not
    # linked by its id.
    assert (f"- Catatan kasus › Jatuh tempo asesmen: 1 terlambat, 1 jatuh tempo hari ini\n"
            f"  {PUBLIC_URL}/admin/case_note/assessment-due/\n"
            f"- Kontrak pelayanan: 1 akan datang\n"
            f"  {PUBLIC_URL}/admin/contract/\n") in text
    assert _links(text) == [f"{PUBLIC_URL}/admin/case_note/assessment-due/",
                            f"{PUBLIC_URL}/admin/contract/", f"{PUBLIC_URL}/admin/"]

    other_message, other_text, other_raw = received["dewi@panti.local"]
    assert "- Catatan kasus › Jatuh tempo asesmen: 1 terlambat\n" in other_text
    # Neither one's own clients nor another worker's: no name, no register number, anywhere.
    for mail in (message, other_message):
        for name in CLIENTS:
            for shown in (name, numbers[name]):
                assert shown not in text and shown not in other_text
                assert shown not in raw and shown not in other_raw
                assert shown not in str(mail["Subject"])
    assert "Asesmen Fisik" not in text  # nor the text of an item


def test_nothing_is_sent_when_mail_server_is_not_configured(app, mailbox, monkeypatch):
    _world(app)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "E-mail belum dikonfigurasi (MAIL_SERVER kosong): tidak ada yang dikirim." \
        in result.output
    assert mailbox.received == []


def test_without_public_url_the_command_refuses_and_sends_nothing(app, mailbox, monkeypatch):
    _world(app)
    monkeypatch.setitem(app.config, "PUBLIC_URL", "")
    result = _send(app)
    assert result.exit_code == 1
    assert "PUBLIC_URL belum diatur" in result.output
    assert mailbox.received == []


def test_a_user_with_nothing_due_gets_nothing(app, mailbox):
    _world(app)
    with app.app_context():
        trainer = make_staff("Rina Marlina", "instructor")
        user = User(username="instruktur", role="instructor", staff=trainer,
                    email="instruktur@panti.local")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "2 e-mail terkirim; 1 pengguna tanpa pekerjaan yang jatuh tempo." in result.output
    assert "instruktur@panti.local" not in mailbox.messages()

    alone = _send(app, "--user", "instruktur")
    assert "0 e-mail terkirim; 1 pengguna tanpa pekerjaan yang jatuh tempo." in alone.output


def test_accounts_without_an_address_or_inactive_are_skipped(app, mailbox):
    _world(app)
    with app.app_context():
        db.session.scalar(select(User).filter_by(username="peksos")).email = None
        db.session.scalar(select(User).filter_by(username="dewi")).is_active_account = False
        db.session.commit()
    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "0 e-mail terkirim; 0 pengguna tanpa pekerjaan yang jatuh tempo." in result.output
    assert "2 akun dilewati (tidak aktif atau tanpa alamat e-mail)." in result.output
    assert mailbox.received == []


def test_user_option_sends_to_that_user_only(app, mailbox, monkeypatch):
    _world(app)
    # The console behind a path: the links keep it.
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://dinsos.example/panti")
    result = _send(app, "--user", "Dewi")
    assert result.exit_code == 0, result.output
    assert "1 e-mail terkirim" in result.output
    received = mailbox.messages()
    assert list(received) == ["dewi@panti.local"]
    assert _links(received["dewi@panti.local"][1]) == [
        "https://dinsos.example/panti/admin/case_note/assessment-due/",
        "https://dinsos.example/panti/admin/"]

    unknown = _send(app, "--user", "tidakada")
    assert unknown.exit_code == 1 and "Pengguna tidakada tidak ditemukan." in unknown.output


def test_date_option_counts_as_of_that_day(app, mailbox):
    _world(app)
    tomorrow = format_date(TODAY + timedelta(days=1))
    result = _send(app, "--user", "peksos", "--date", tomorrow)
    assert result.exit_code == 0, result.output
    message, text, _raw = mailbox.messages()["peksos@panti.local"]
    assert message["Subject"].endswith(f"Pekerjaan {tomorrow}: 2 terlambat, 1 akan datang")
    assert "- Catatan kasus › Jatuh tempo asesmen: 2 terlambat\n" in text

    wrong = _send(app, "--date", "31/02/2026")
    assert wrong.exit_code == 1
    assert "Tanggal 31/02/2026 tidak ada di kalender." in wrong.output
    assert len(mailbox.received) == 1  # the one above


def test_a_refused_recipient_is_reported_and_the_others_still_get_theirs(app, mailbox):
    _world(app)
    mailbox.refused.add("dewi@panti.local")  # "dewi" is sent to first (by username)
    result = _send(app)
    assert result.exit_code == 1
    assert "Gagal mengirim ke dewi: 550 5.1.1 Kotak surat tidak dikenal" in result.output
    assert "1 e-mail terkirim" in result.output
    assert "1 e-mail gagal dikirim." in result.output
    assert list(mailbox.messages()) == ["peksos@panti.local"]


def test_an_unreachable_server_fails_each_e_mail_with_the_reason(app, mailbox, monkeypatch):
    _world(app)
    monkeypatch.setitem(app.config, "MAIL_PORT", _free_port())  # nobody listens there
    result = _send(app)
    assert result.exit_code == 1
    assert result.output.count("Gagal mengirim ke ") == 2
    assert "2 e-mail gagal dikirim." in result.output


INVALID = "Alamat e-mail tidak valid; tulis satu alamat seperti nama@dinsos.go.id."
MALFORMED = [(address, [INVALID]) for address in (
    "bukan-alamat", "rina@", "rina@dinsos", "rina marlina@dinsos.go.id",
    # a second recipient, or a display name, in the To header
    "rina@dinsos.go.id, kepala@dinsos.go.id", "<rina@dinsos.go.id>",
    "rina..m@dinsos.go.id", "rina@-dinsos.go.id")]
MALFORMED.append(("x" * 250 + "@a.id", [INVALID, "Isian tidak boleh lebih dari 254 karakter."]))


@pytest.mark.parametrize(("address", "messages"), MALFORMED)
def test_the_account_form_refuses_a_malformed_address(app, client, login_as, address,
                                                      messages):
    login_as("admin")
    with app.app_context():
        rina = make_staff("Rina Marlina", "instructor")
        db.session.commit()
        rina_id = rina.id
        accounts = db.session.scalar(select(func.count()).select_from(User))
    response = post_form(client, "/admin/user/new/", {
        "username": "rina.m", "role": "instructor", "staff": str(rina_id), "email": address,
        "is_active_account": "y", "new_password": "sandi-baru-rina-2026"})
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True), "email") == messages
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == accounts


def test_editing_an_account_with_a_malformed_address_keeps_the_stored_one(app, client,
                                                                          login_as):
    login_as("admin")
    with app.app_context():
        user = User(username="rina.m", role="staff", email="rina@dinsos.go.id")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        user_id = user.id
    url = f"/admin/user/edit/?id={user_id}"
    response = post_form(client, url, {"username": "rina.m", "role": "staff",
                                       "email": "rina@dinsos", "is_active_account": "y",
                                       "new_password": ""})
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True), "email") == [INVALID]
    with app.app_context():
        assert db.session.get(User, user_id).email == "rina@dinsos.go.id"
