"""Benchmark: many users saving attendance sheets and registering clients at the same moment,
against real gunicorn workers (``python -m bench.concurrency``).

Builds a throw-away SQLite database (or ``BENCH_DATABASE_URL``, whose tables it drops),
starts ``gunicorn -w 4`` on a free port of 127.0.0.1 (loopback only), and runs one thread per
user through the real pages with their CSRF tokens:

* sheet users (half instructors, half tata usaha) open the sheet of a past training session
  and save a code for every client — several of them on the same few sessions, so saves of
  one sheet collide;
* client users (admins) take turns: they open *Tambah klien* and register a candidate (no
  register number yet), then admit one of the candidates prepared for the run on its
  *Pindah tahap* page, which issues the register number of its admission year (most this
  year, some last year) — so admissions at the same moment draw numbers together.

The run stops by itself after ``--seconds`` or ``--max-requests``, whichever comes first. It
reports per kind of save the requests, answers ≥ 500, refusals (a form shown again) and the
p50/p95 latency, then checks the database: register numbers unique and never reused, each
admitted candidate numbered, every registration a candidate without one, every saved sheet
complete. ``tests/test_concurrency.py`` runs a short burst of the same.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from services.dates import today as panti_today

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
PASSWORD = "uji-beban-kata-sandi"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CODE_FIELD = re.compile(r'name="code-(\d+)"')
# What a refused form shows: messages under fields, flashed alerts, the grid's error box.
MESSAGES = re.compile(
    r'class="invalid-feedback"[^>]*>(.*?)</div>|<div class="alert alert-danger[^"]*"[^>]*>'
    r'(.*?)</div>|data-testid="errors">(.*?)</div>', re.S)
CODES = ("H", "I", "S", "A")


# --- the data ---------------------------------------------------------------------------

@dataclass
class Plan:
    """Who logs in and what they work on."""

    sheet_users: list[tuple[str, list[int]]]  # (username, training session ids they save)
    client_users: list[str]
    rosters: dict[int, set[int]]  # session id → ids of the clients on its sheet
    issued_before: set[str]  # register numbers issued before the run (one to a deleted client)
    candidates: list[int] = field(default_factory=list)  # ids ready to be admitted


def seed(sheet_users: int, client_users: int, classes: int = 4, sessions_per_class: int = 3,
         clients_per_class: int = 10, candidates_ready: int = 300) -> Plan:
    """Accounts, classes with enrolled clients and past sessions (inside an app context, on
    empty tables). Register numbers come from the app's own numbering, and one client is
    deleted afterwards so its number must never come back."""
    from werkzeug.security import generate_password_hash

    from models import (
        Client,
        Enrollment,
        RegisterNumber,
        Room,
        Selection,
        ServiceContract,
        SkillType,
        Staff,
        TrainingClass,
        TrainingSession,
        User,
        db,
    )
    from services.clients import issue_register_number

    today = panti_today()
    # One cheap hash for every account: the run measures saving, not 70 scrypt logins.
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

    def account(username: str, role: str, position: str) -> tuple[str, Staff]:
        staff = Staff(name=f"Pegawai {username}", position=position)
        user = User(username=username, role=role, staff=staff, password_hash=password_hash)
        user.end_sessions()  # the session token a login cookie carries
        db.session.add(user)
        return username, staff

    instructors = [account(f"instruktur{i:02d}", "instructor", "instructor")
                   for i in range(max(1, sheet_users // 2))]
    sheet_admins = [account(f"tu{i:02d}", "admin", "administration")
                    for i in range(sheet_users - len(instructors))]
    registrars = [account(f"pendaftar{i:02d}", "admin", "administration")
                  for i in range(client_users)]
    classes = max(classes, len(instructors))  # every instructor teaches a class
    rosters: dict[int, set[int]] = {}
    by_class: list[list[int]] = []
    for k in range(classes):
        instructor = instructors[k % len(instructors)][1]
        klass = TrainingClass(
            name=f"Kelas Beban {k + 1}", skill_type=SkillType(name=f"Keterampilan {k + 1}"),
            instructor=instructor, location=f"Ruang {k + 1}",
            start_date=today - timedelta(days=60), end_date=today + timedelta(days=60),
            weekdays="1234567", start_time=clock(8), end_time=clock(10),
            capacity=clients_per_class)
        db.session.add(klass)
        clients = []
        for i in range(clients_per_class):
            person = Client(full_name=f"Peserta {k + 1}-{i + 1:02d}", sex="L",
                            stage="intervention", admission_date=today - timedelta(days=90))
            issue_register_number(person)
            db.session.add(person)
            db.session.flush()
            clients.append(person)
            db.session.add(Enrollment(training_class=klass, client=person,
                                      enrolled_on=today - timedelta(days=50)))
        sessions = [TrainingSession(training_class=klass, date=today - timedelta(days=s + 1),
                                    start_time=clock(8), end_time=clock(10))
                    for s in range(sessions_per_class)]
        db.session.add_all(sessions)
        db.session.flush()
        for session in sessions:
            rosters[session.id] = {c.id for c in clients}
        by_class.append([s.id for s in sessions])
    # Candidates with everything the move to admission needs, admitted during the run.
    room = Room(name="Asrama Beban", capacity=10_000, sex="C")
    worker = account("peksos00", "social_worker", "social_worker")[1]
    candidates = []
    rng = random.Random(7)
    for i in range(candidates_ready):
        year = today.year if rng.random() < 0.8 else today.year - 1
        person = Client(full_name=f"Calon Beban {i + 1:04d}", sex="L", stage="approach",
                        admission_date=date(year, 1, rng.randint(2, 28)), room=room,
                        social_worker=worker)
        db.session.add(person)
        db.session.flush()
        db.session.add(Selection(client_id=person.id, decision="accepted",
                                 decided_on=person.admission_date))
        db.session.add(ServiceContract(client_id=person.id, kind="preliminary", problem="p",
                                       goals="g", start_date=person.admission_date,
                                       end_date=person.admission_date + timedelta(days=30),
                                       status="signed", signed_date=person.admission_date,
                                       social_worker=worker))
        candidates.append(person.id)
    gone = Client(full_name="Klien Terhapus", sex="P", stage="admission",
                  admission_date=today)
    issue_register_number(gone)
    db.session.add(gone)
    db.session.flush()
    db.session.delete(gone)
    db.session.commit()
    issued = set(db.session.scalars(db.select(RegisterNumber.number)))
    every_session = [s for sessions in by_class for s in sessions]
    # An instructor saves the sheets of the classes they teach, the tata usaha any sheet:
    # saves of one sheet meet.
    users = [(name, [s for k, sessions in enumerate(by_class)
                     if k % len(instructors) == i for s in sessions])
             for i, (name, _staff) in enumerate(instructors)]
    users += [(name, every_session) for name, _staff in sheet_admins]
    return Plan(sheet_users=users, client_users=[name for name, _staff in registrars],
                rosters=rosters, issued_before=issued, candidates=candidates)


# --- the server -------------------------------------------------------------------------

def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn --workers N "app:create_app()"`` (or another ``app``, answering 200 on
    ``ready`` once up) on a free loopback port, as a subprocess with ``DATABASE_URL``; stopped
    (by its own pid) on leaving the ``with`` block. What the workers log goes to
    ``log_path``."""

    def __init__(self, database_url: str, log_path: Path, workers: int = 4,
                 app: str = "app:create_app()", ready: str = "/login"):
        self.database_url = database_url
        self.log_path = log_path
        self.workers = workers
        self.app, self.ready = app, ready
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        folder = tempfile.mkdtemp(prefix="panti-gunicorn-")
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "beban-uji",
               "UPLOAD_FOLDER": f"{folder}/uploads", "PYTHONUNBUFFERED": "1"}
        self._log = open(self.log_path, "wb")  # closed in __exit__
        self.process = subprocess.Popen(
            # --preload: the app is built once and the workers forked from it (each would
            # otherwise import it again, seconds of CPU on a busy machine); it opens no
            # database connection before the fork.
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--preload",
             "--bind", f"{LOOPBACK}:{self.port}", self.app],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)  # its own process group: master and workers end together
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            try:
                if Browser(self.port).request("GET", self.ready).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        return self

    def __exit__(self, *_exc) -> None:
        if self.process is not None and self.process.poll() is None:
            # The run is over and every answer was read, so nothing is lost by not waiting
            # for the interpreters to wind down (seconds each on a busy machine).
            group = os.getpgid(self.process.pid)
            os.killpg(group, signal.SIGINT)
            try:
                self.process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


# --- a browser ----------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    location: str
    body: str
    ms: float


class Browser:
    """One user's browser: keeps the session cookie, one connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict[str, str] | None = None
                ) -> Response:
        headers = {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=60)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        ms = (time.perf_counter() - start) * 1000
        for cookie in answer.msg.get_all("Set-Cookie") or []:
            name, _sep, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "01 Jan 1970" not in rest:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return Response(answer.status, urlsplit(answer.getheader("Location", "")).path,
                        data.decode("utf-8", "replace"), ms)

    def form_token(self, path: str) -> tuple[str, Response]:
        page = self.request("GET", path)
        match = CSRF.search(page.body)
        if page.status != 200 or not match:
            raise RuntimeError(f"no form on {path} (status {page.status})")
        return match.group(1), page

    def login(self, username: str) -> None:
        token, _page = self.form_token("/login")
        answer = self.request("POST", "/login", {"csrf_token": token, "username": username,
                                                 "password": PASSWORD, "next": ""})
        if answer.status != 302:
            raise RuntimeError(f"login of {username} answered {answer.status}")


def messages(html: str) -> list[str]:
    """The error messages a refused form shows."""
    found = []
    for groups in MESSAGES.findall(html):
        text = unescape(re.sub(r"<[^>]+>", " ", "".join(groups)))
        text = " ".join(text.replace("×", " ").split())
        if text:
            found.append(text)
    return found


# --- the load -----------------------------------------------------------------------------

@dataclass
class Save:
    """One POST a user made and what they got."""

    kind: str  # "sheet", "client" (a registration) or "admission"
    status: int
    ms: float
    refused: list[str] = field(default_factory=list)  # messages when the form came back
    detail: str = ""  # session id or client name
    location: str = ""  # where a saved form redirected to


@dataclass
class Result:
    saves: list[Save] = field(default_factory=list)
    requests: int = 0  # every HTTP request of the burst (form pages and saves)
    failures: list[str] = field(default_factory=list)  # connection errors, missing forms
    seconds: float = 0.0

    def of(self, kind: str) -> list[Save]:
        return [s for s in self.saves if s.kind == kind]


class Burst:
    """The users' threads, sharing a deadline and a request budget."""

    def __init__(self, port: int, plan: Plan, seconds: float, max_requests: int,
                 year: int | None = None):
        self.port, self.plan = port, plan
        self.seconds, self.max_requests = seconds, max_requests
        self.year = year or panti_today().year
        self.result = Result()
        self._lock = threading.Lock()
        self._deadline = 0.0
        self._candidates = list(plan.candidates)

    def _take(self, n: int) -> bool:
        """Spend ``n`` requests of the budget; False when the burst is over."""
        with self._lock:
            if time.monotonic() >= self._deadline or \
                    self.result.requests + n > self.max_requests:
                return False
            self.result.requests += n
            return True

    def _record(self, save: Save) -> None:
        with self._lock:
            self.result.saves.append(save)

    def _fail(self, text: str) -> None:
        with self._lock:
            self.result.failures.append(text)

    def _sheet_user(self, browser: Browser, sessions: list[int], rng: random.Random) -> None:
        while self._take(2):
            session_id = rng.choice(sessions)
            path = f"/admin/attendance_grid/record/?kind=training&id={session_id}"
            token, page = browser.form_token(path)
            ids = sorted(set(CODE_FIELD.findall(page.body)))
            fields = {"csrf_token": token, **{f"code-{i}": rng.choice(CODES) for i in ids}}
            answer = browser.request("POST", path, fields)
            self._record(Save("sheet", answer.status, answer.ms,
                              messages(answer.body) if answer.status == 200 else [],
                              str(session_id), answer.location))

    def _next_candidate(self) -> int | None:
        with self._lock:
            return self._candidates.pop(0) if self._candidates else None

    def _client_user(self, browser: Browser, n: int, rng: random.Random) -> None:
        count = 0
        while self._take(2):
            count += 1
            candidate = self._next_candidate() if count % 2 == 0 else None
            if candidate is not None:  # admit: the move issues the register number
                path = f"/admin/client_stage/?id={candidate}"
                token, _page = browser.form_token(path)
                answer = browser.request("POST", path, {"csrf_token": token,
                                                        "target": "admission"})
                self._record(Save("admission", answer.status, answer.ms,
                                  messages(answer.body) if answer.status == 200 else [],
                                  str(candidate), answer.location))
                continue
            token, _page = browser.form_token("/admin/client/new/")
            name = f"Klien Beban {n:02d}-{count:04d}"
            answer = browser.request("POST", "/admin/client/new/", {
                "csrf_token": token, "full_name": name, "sex": rng.choice("LP"),
                "religion": "__None", "referral_source": "__None", "room": "__None"})
            self._record(Save("client", answer.status, answer.ms,
                              messages(answer.body) if answer.status == 200 else [], name,
                              answer.location))

    def run(self) -> Result:
        """Log every user in (all at once), then let them all work until the deadline or
        the request budget."""
        jobs = [(name, "sheet", sessions) for name, sessions in self.plan.sheet_users]
        jobs += [(name, "client", i) for i, name in enumerate(self.plan.client_users)]
        def open_burst() -> None:  # run once, by the last one to arrive at the barrier
            self._deadline = time.monotonic() + self.seconds

        start = threading.Barrier(len(jobs) + 1, action=open_burst)

        def work(index: int) -> None:
            name, kind, arg = jobs[index]
            rng = random.Random(index)
            browser = Browser(self.port)
            try:
                browser.login(name)
            except Exception as exc:
                self._fail(f"{name}: login: {exc.__class__.__name__}: {exc}")
                start.wait()
                return
            start.wait()
            try:
                if kind == "sheet":
                    self._sheet_user(browser, arg, rng)
                else:
                    self._client_user(browser, arg, rng)
            except Exception as exc:  # a dropped connection or a missing form is a finding
                self._fail(f"{name}: {exc.__class__.__name__}: {exc}")

        threads = [threading.Thread(target=work, args=(i,), daemon=True)
                   for i in range(len(jobs))]
        for thread in threads:
            thread.start()
        start.wait(120)
        began = time.perf_counter()
        for thread in threads:
            thread.join(self.seconds + 120)
        self.result.seconds = time.perf_counter() - began
        return self.result


# --- what the database holds afterwards -----------------------------------------------------

@dataclass
class Afterwards:
    created: dict[str, str | None]  # name → register number, of the burst's registrations
    admitted: dict[int, str | None]  # id → register number, of the burst's admissions
    duplicates: list[str]  # register numbers held by two clients
    reused: list[str]  # numbers of the burst issued before it
    incomplete: dict[int, tuple[int, int]]  # saved session → (rows recorded, roster size)
    counters: dict[int, int]  # year → next number of its counter
    highest: dict[int, int]  # year → highest running number issued


def inspect_database(plan: Plan, result: Result) -> Afterwards:
    """Read back (inside an app context) what the burst left in the database."""
    from collections import Counter

    from sqlalchemy import func, select

    from models import Attendance, Client, RegisterCounter, RegisterNumber, db
    from services.clients import AUTO_FORMAT

    created = dict(db.session.execute(
        select(Client.full_name, Client.register_number)
        .where(Client.full_name.like("Klien Beban %"))).all())
    moved = {int(s.detail) for s in result.of("admission") if s.status == 302}
    admitted = dict(db.session.execute(
        select(Client.id, Client.register_number).where(Client.id.in_(moved))).all()) \
        if moved else {}
    numbers = Counter(db.session.scalars(select(Client.register_number).where(
        Client.register_number.is_not(None))))
    saved = {int(s.detail) for s in result.of("sheet") if s.status == 302}
    recorded = dict(db.session.execute(
        select(Attendance.session_id, func.count()).where(Attendance.session_id.in_(saved))
        .group_by(Attendance.session_id)).all()) if saved else {}
    highest: dict[int, int] = {}
    for number in db.session.scalars(select(RegisterNumber.number)):
        match = AUTO_FORMAT.match(number)
        if match:
            year = int(match.group(1))
            highest[year] = max(highest.get(year, 0), int(match.group(2)))
    return Afterwards(
        created=created,
        admitted=admitted,
        duplicates=sorted(n for n, k in numbers.items() if k > 1),
        reused=sorted(set(admitted.values()) & plan.issued_before),
        incomplete={s: (recorded.get(s, 0), len(plan.rosters[s])) for s in saved
                    if recorded.get(s, 0) != len(plan.rosters[s])},
        counters=dict(db.session.execute(
            select(RegisterCounter.year, RegisterCounter.next_number)).all()),
        highest=highest,
    )


# --- the benchmark --------------------------------------------------------------------------

def percentile(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(engine: str, result: Result) -> list[str]:
    """Markdown table rows of one run."""
    rows = []
    for kind, label in (("sheet", "attendance sheet saves"), ("client", "client registrations"),
                        ("admission", "admissions")):
        saves = result.of(kind)
        ms = [s.ms for s in saves]
        rows.append(
            f"| {engine} | {label} | {len(saves)} | {sum(s.status >= 500 for s in saves)} | "
            f"{sum(s.status == 200 for s in saves)} | {percentile(ms, 50):.0f} | "
            f"{percentile(ms, 95):.0f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=40_000)
    parser.add_argument("--sheet-users", type=int, default=20)
    parser.add_argument("--client-users", type=int, default=50)
    args = parser.parse_args()

    from bench import bench_app
    from models import db

    app = bench_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.drop_all()
        db.create_all()
        plan = seed(args.sheet_users, args.client_users)
        engine = db.engine.dialect.name
    log_path = Path(tempfile.mkdtemp(prefix="panti-bench-log-")) / "gunicorn.log"
    with Gunicorn(url, log_path) as server:
        result = Burst(server.port, plan, args.seconds, args.max_requests).run()
        log = server.log()
    with app.app_context():
        after = inspect_database(plan, result)
        db.session.remove()
        db.engine.dispose()
    print(f"{engine}: {result.requests} requests in {result.seconds:.1f} s, "
          f"{args.sheet_users} sheet users, {args.client_users} client users, 4 workers")
    print("| engine | save | count | ≥ 500 | refused | p50 ms | p95 ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in report(engine, result):
        print(row)
    refusals = [m for s in result.saves for m in s.refused]
    print(f"refusal messages: {sorted(set(refusals))[:5]}")
    print(f"'database is locked' in the server log: {log.count('database is locked')}; "
          f"tracebacks: {log.count('Traceback')}; client-side failures: {result.failures[:3]}")
    print(f"clients registered: {len(after.created)}, admitted: {len(after.admitted)}, "
          f"duplicate numbers: {after.duplicates}, "
          f"reused: {after.reused}, incomplete sheets: {after.incomplete}")
    print(f"counters {after.counters}, highest issued {after.highest}")


if __name__ == "__main__":
    main()
