"""Hostile input on every route: never a 5xx, never half-saved.

The app is walked from ``app.url_map``: every route as every role (real ids and hostile
ids), every query parameter a view reads (discovered by recording what the views ask of
``request.args``) with every class of hostile value, and every field of every form
(discovered by parsing the rendered form) with every class of hostile value. The demo data
gives real records. It is sampled so the whole file stays fast: the full cross product of
routes × roles × parameters × values would take minutes.
"""

from __future__ import annotations

import re
import time
from datetime import date
from datetime import time as dt_time
from html.parser import HTMLParser
from itertools import cycle

import pytest
from flask import Request, got_request_exception
from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict

from models import (
    AuditEntry,
    GuidanceSchedule,
    RecreationActivity,
    SkillType,
    Staff,
    TrainingClass,
    db,
)
from seed.demo import ACCOUNTS, load_demo
from services.schedule import PATTERN_SPAN, guidance_bookings, weekly_days
from services.training import generate_sessions

from .conftest import field_errors, make_staff, post_form

DEMO_PASSWORD = "panti-demo"
ROLES = {role: username for username, role, _key in ACCOUNTS} | {"anonymous": None}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

# Each class of value a client can send that once broke something somewhere.
HOSTILE = {
    "huge": "9" * 25,  # beyond 64 bits
    "int64": str(2**63),  # just past PostgreSQL's bigint
    "negative": "-7",
    "arabic_digits": "١٢",  # passes str.isdigit(); int() reads it as 12
    "nul": "1\x00",
    "control": "a\x1bb",
    "long": "x" * 5000,
    "year_9999": "9999-12-31",
    "year_0001": "0001-01-01",
    "datetime_9999": "9999-12-31 23:59:00",
    "month_9999": "9999-12",
    "bad_date": "2026-02-30",
    "path": "../../../etc/passwd",
    "rtl": "\u202eabc\u202c",
    "sql": "1' OR '1'='1' --",
    "html": '"><script>alert(1)</script>',
}


# --- discovering what a view reads --------------------------------------------------------

class _Recorded:
    keys: set[str] = set()


class RecordingDict(ImmutableMultiDict):
    """request.args / request.form that note every key a view asks for."""

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        _Recorded.keys.add(key)
        return super().get(key, default, type)

    def __getitem__(self, key):
        _Recorded.keys.add(key)
        return super().__getitem__(key)

    def getlist(self, key, type=None):  # noqa: A002
        _Recorded.keys.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        _Recorded.keys.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingDict


# --- reading forms as a browser does -------------------------------------------------------

class FormReader(HTMLParser):
    """The fields of the page's forms and the values a browser would submit unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method":
                               (a.get("method") or "get").lower(), "fields": {}, "kinds": {}})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            form["kinds"].setdefault(name, kind)
            values = form["fields"].setdefault(name, [])
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    values.append(a.get("value") or "y")
            else:
                values.append(a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._options = name, []
            form["kinds"][name] = "select"
            form["fields"].setdefault(name, [])
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = name
            form["kinds"][name] = "textarea"
            form["fields"][name] = [""]

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            chosen = [v for v, selected in self._options if selected]
            self.forms[-1]["fields"][self._select] = chosen
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> list[dict]:
    reader = FormReader()
    reader.feed(html)
    return [f for f in reader.forms if f["method"] == "post"]


# --- the walk ---------------------------------------------------------------------------

@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(DEMO_PASSWORD)
        db.session.commit()
    app.request_class = RecordingRequest
    # A 5xx comes back as an answer (not raised) so one walk reports all of them.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    got_request_exception.connect(_remember, app)
    yield
    got_request_exception.disconnect(_remember, app)
    app.config["PROPAGATE_EXCEPTIONS"] = None
    app.request_class = Request


def _remember(_sender, exception, **_extra):
    Failures.last = f"{type(exception).__name__}: {str(exception)[:200]}"


def login(app, role):
    client = app.test_client()
    if ROLES[role] is not None:
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        answer = client.post("/login", data={"csrf_token": token, "username": ROLES[role],
                                             "password": DEMO_PASSWORD})
        assert answer.status_code == 302, role
    return client


def table_snapshot() -> dict[str, int]:
    """Row counts of every table but the audit log (one query)."""
    tables = [t for t in db.metadata.sorted_tables if t.name != AuditEntry.__tablename__]
    counts = db.session.execute(select(*[
        select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables
    ])).one()
    return dict(zip([t.name for t in tables], counts, strict=True))


def real_ids(app) -> dict[str, str]:
    """endpoint → the id of one real record of its model (the first one)."""
    ids = {}
    with app.app_context():
        for view in app.extensions["admin"][0]._views:
            model = getattr(view, "model", None)
            if model is not None:
                first = db.session.scalar(select(func.min(model.id)))
                if first is not None:
                    ids[view.endpoint] = str(first)
    return ids


PATH_VALUES = {"export_type": "csv", "report": "roster", "filename": "foto.jpg"}


def routes(app):
    """(rule, endpoint, methods) of every route but static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static"):
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        found.append((rule, rule.endpoint, methods))
    return sorted(found, key=lambda r: r[0].rule)


def build_url(rule, value: str | None = None) -> str:
    url = rule.rule
    for name in rule.arguments:
        filler = value if value is not None else PATH_VALUES.get(name, "1")
        url = re.sub(rf"<(?:[^:>]+:)?{name}>", filler.replace("/", "%2F")
                     if "path:" not in rule.rule else filler, url)
    return url


def params_for(endpoint: str, ids: dict[str, str]) -> dict[str, str]:
    """Real values for the usual id parameters of ``endpoint``."""
    view = endpoint.split(".")[0]
    return {"id": ids.get(view, "1"), "client_id": ids.get("client", "1"),
            "class_id": ids.get("training_class", "1"), "staff_id": ids.get("staff", "1")}


class Failures(list):
    """5xx answers collected over a walk, reported together at its end."""

    last = ""

    def check(self, answer, what: str) -> None:
        if answer.status_code >= 500:
            self.append(f"{what} → {answer.status_code} {Failures.last}")

    def assert_none(self) -> None:
        assert not self, f"{len(self)} answers ≥ 500:\n" + "\n".join(self[:60])


def test_every_route_as_every_role_with_real_and_hostile_ids(app, demo):
    """Each route once per role, in turn with real ids and with a hostile one (path
    variables, ids in the query string and in the posted form): never a 5xx."""
    ids = real_ids(app)
    failures = Failures()
    values = cycle(HOSTILE.items())
    requests = 0
    for turn, role in enumerate(ROLES):
        client = login(app, role)
        page = client.get("/password" if role != "anonymous" else "/login")
        token = CSRF.search(page.get_data(as_text=True)).group(1)
        for number, (rule, endpoint, methods) in enumerate(routes(app)):
            if endpoint == "auth.logout":
                continue  # would end the walk's own session
            real = params_for(endpoint, ids)
            use_real = (number + turn) % 2 == 0
            label, hostile = ("real ids", None) if use_real else next(values)
            query = real if use_real else dict.fromkeys(real, hostile)
            url = build_url(rule, hostile)
            if "GET" in methods:
                answer = client.get(url, query_string=query)
            else:
                hostile = hostile or real["id"]
                answer = client.post(url, query_string=query, data={
                    "csrf_token": token, "rowid": hostile, "action": "delete",
                    "step": hostile, "change_id": hostile, "decision_id": hostile,
                    "token": hostile, "list_form_pk": hostile, "full_name": hostile})
            requests += 1
            failures.check(answer, f"{role} {rule.rule} {label}")
    failures.assert_none()
    assert requests > 1000


def test_every_query_parameter_with_every_hostile_value(app, demo):
    """Every query parameter a GET view reads (recorded while the view runs), and
    Flask-Admin's list parameters, get every class of hostile value at least once."""
    ids = real_ids(app)
    head = login(app, "head")  # reads every screen (case content included)
    admin = login(app, "admin")
    list_params = ("page", "page_size", "sort", "desc", "search", "flt0_0", "flt1_1")
    plan = []
    for rule, endpoint, methods in routes(app):
        if "GET" not in methods or rule.arguments - set(PATH_VALUES):
            continue
        url = build_url(rule)
        for client in (head, admin):
            _Recorded.keys = set()
            first = client.get(url, query_string=params_for(endpoint, ids))
            if first.status_code == 200:
                break
        keys = set(_Recorded.keys) - {"csrf_token"}
        if endpoint.endswith(".index_view"):
            keys |= set(list_params)
        elif endpoint.endswith(".ajax_lookup"):
            keys |= {"name", "query", "offset", "limit"}
        if keys:
            plan.append((client, url, endpoint, sorted(keys)))

    # Flask-Admin's list parameters are parsed once for every list: all values on one list,
    # a rotating sample on the others. A view's own parameters get all values everywhere.
    rotate = cycle(HOSTILE.items())
    failures = Failures()
    requests = 0
    for client, url, endpoint, keys in plan:
        generic = endpoint.split(".")[1] in ("index_view", "ajax_lookup", "details_view",
                                             "edit_view", "history_view", "create_view")
        exhaustive = not generic or endpoint.startswith("client.")
        for key in keys:
            samples = HOSTILE.items() if exhaustive else [next(rotate), next(rotate)]
            for label, value in samples:
                query = params_for(endpoint, ids)
                if key == "name" and endpoint.endswith(".ajax_lookup"):
                    query["name"] = "client"
                query[key] = value
                answer = client.get(url, query_string=query)
                requests += 1
                failures.check(answer, f"GET {url}?{key}={label}")
    failures.assert_none()
    assert requests > 300  # the walk really covered the parameters


def form_pages(app, ids):
    """(role, url) of every page with a form to fuzz: an edit form of a real record and a
    create form per screen, the hand-written step pages, the login and the password page."""
    pages = [("anonymous", "/login"), ("admin", "/password")]
    for rule, endpoint, methods in routes(app):
        if "POST" not in methods or "GET" not in methods or rule.arguments:
            continue
        if endpoint.startswith(("auth.", "audit.")):
            continue
        view, name = endpoint.split(".")
        query = ""
        if name in ("edit_view",) or view in ("contract", "conference") and name in (
                "sign_view", "decision_view"):
            query = f"?id={ids.get(view, '1')}"
        pages.append((None, rule.rule + query))
    return pages


def writable_form(app, clients, url):
    """The first role whose page at ``url`` shows a form to post, with that form."""
    for role, client in clients.items():
        answer = client.get(url)
        if answer.status_code != 200:
            continue
        for form in page_forms(answer.get_data(as_text=True)):
            if "csrf_token" in form["fields"] and len(form["fields"]) > 1 and \
                    not form["action"].startswith("/logout"):
                return role, client, form
    return None, None, None


def test_every_form_field_with_every_hostile_value(app, demo):
    """Every field of every form, one at a time, gets every class of hostile value while
    the rest of the form holds what the page showed. The answer is never a 5xx, and a
    refusal (the form shown again) leaves every table and the edited record unchanged."""
    ids = real_ids(app)
    clients = {role: login(app, role) for role in ("admin", "head", "social_worker",
                                                    "instructor", "staff")}
    clients["anonymous"] = app.test_client()
    posts = 0
    checked_fields = 0
    failures = Failures()
    for role_hint, url in form_pages(app, ids):
        pool = {role_hint: clients[role_hint]} if role_hint else clients
        role, client, form = writable_form(app, pool, url)
        if form is None:
            continue
        action = form["action"] or url
        baseline = {name: list(values) for name, values in form["fields"].items()}
        for name in baseline:
            if name in ("csrf_token", "next") and url != "/login":
                continue
            checked_fields += 1
            for label, value in HOSTILE.items():
                data = {**baseline, name: [value]}
                with app.app_context():
                    before = table_snapshot()
                answer = client.post(action, data=data)
                posts += 1
                failures.check(answer, f"{role} POST {action} {name}={label}")
                if answer.status_code == 200 and url != "/login":
                    with app.app_context():
                        assert table_snapshot() == before, \
                            f"{role} POST {action} {name}={label} refused but half-saved"
    failures.assert_none()
    assert checked_fields > 100 and posts > 1500


def test_nul_byte_on_login_is_refused_before_the_database(app, demo):
    """A NUL byte in the login form (before anyone is authenticated) answers 400."""
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"csrf_token": token, "username": "admin\x00",
                                         "password": DEMO_PASSWORD})
    assert answer.status_code == 400
    assert "karakter yang tidak diizinkan" in answer.get_data(as_text=True)


# --- the causes, one by one ---------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("12", 12), (str(2**63 - 1), 2**63 - 1), (str(2**63), None), ("9" * 25, None),
    ("١٢", None), ("²", None), ("-1", None), ("0", None), ("007", None), (" 7", None),
    ("7\x00", None), ("", None), (None, None), (12, 12), (True, None),
])
def test_one_id_parser_for_every_id(raw, expected):
    from services.inputs import parse_id

    assert parse_id(raw) == expected


def test_an_id_beyond_64_bits_or_in_non_ascii_digits_is_not_found(app, client, login_as):
    """A record id in any other form than its own ASCII digits answers 404, even where the
    digits would read as a real id ("١٢" is 12 to int())."""
    login_as("admin")
    with app.app_context():
        for n in range(12):
            make_staff(f"Pegawai {n}", "caregiver")
        db.session.commit()
        twelve = db.session.scalar(select(func.max(Staff.id)))
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in str(twelve))
    assert client.get(f"/admin/staff/details/?id={twelve}").status_code == 200
    for raw in (arabic, "9" * 25, str(2**63), "-1", f"+{twelve}", f"{twelve}.0"):
        for url in ("/admin/staff/details/", "/admin/staff/edit/", "/admin/staff/history/",
                    "/admin/attendance_grid/record/", "/admin/calendar/"):
            answer = client.get(url, query_string={"id": raw, "staff_id": raw})
            assert answer.status_code == (200 if "calendar" in url else 404), (url, raw)
    answer = client.get("/admin/staff/ajax/lookup/",
                        query_string={"name": "x", "query": "", "offset": "9" * 25})
    assert answer.status_code in (200, 404)


def test_a_huge_or_negative_page_number_shows_a_list(app, client, login_as):
    login_as("admin")
    with app.app_context():
        make_staff("Siti Rahayu", "caregiver")
        db.session.commit()
    for page in ("9" * 25, str(2**63), "-5", "١٢"):
        html = client.get("/admin/staff/", query_string={"page": page}).get_data(as_text=True)
        assert "<table" in html, page
    # The first page of the list, not an error: the record is on it for a negative page.
    assert "Siti Rahayu" in client.get("/admin/staff/?page=-5").get_data(as_text=True)


def test_a_control_character_anywhere_answers_400_and_saves_nothing(app, client, login_as):
    login_as("admin")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Staff))
    answer = post_form(client, "/admin/staff/new/", {"name": "Siti\x00Rahayu",
                                                     "position": "caregiver"})
    assert answer.status_code == 400
    assert "karakter yang tidak diizinkan" in answer.get_data(as_text=True)
    assert client.get("/admin/staff/?search=a%00b").status_code == 400
    assert client.get("/admin/staff/?search=a%1Bb").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Staff)) == before
    # Tab and line breaks are ordinary text (a textarea sends CR LF).
    assert client.get("/admin/staff/?search=a%09b%0D%0Ac").status_code == 200
    answer = post_form(client, "/admin/staff/new/", {"name": "Siti\tRahayu",
                                                     "position": "caregiver"})
    assert answer.status_code == 302


def test_a_date_beyond_2100_is_refused_next_to_the_field(app, client, login_as):
    """Year 9999 and year 1 in a one-off event, the end of a class or a weekly schedule:
    the message is next to the field, nothing is saved."""
    login_as("admin")
    with app.app_context():
        leader = make_staff("Rina Kartikasari", "caregiver")
        db.session.commit()
        leader_id = leader.id
    form = {"kind": "outing", "title": "Wisata", "start_time": "07:00", "end_time": "15:00",
            "place": "Kebun Raya", "leader": str(leader_id)}
    for day in ("9999-12-31", "0001-01-01", "2101-01-01"):
        html = post_form(client, "/admin/recreation/new/", {**form, "date": day}
                         ).get_data(as_text=True)
        assert field_errors(html, "date") == ["Tanggal harus antara 01/01/1900 dan 31/12/2100."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RecreationActivity)) == 0


def _class_form(skill_id: int, end: str) -> dict:
    return {"name": "Menjahit Lanjutan", "skill_type": str(skill_id),
            "location": "Ruang Jahit", "start_date": "2026-01-05", "end_date": end,
            "weekdays": ["1", "2", "3", "4", "5", "6", "7"], "start_time": "08:00",
            "end_time": "11:00", "capacity": "10"}


def test_a_class_lasts_at_most_two_years_and_saves_in_bounded_time(app, client, login_as):
    """A class ending in 2500 is refused (the date), one ending in 2099 too (the span); a
    class of two years every day saves, and generating its sessions is bounded."""
    login_as("admin")
    with app.app_context():
        skill = SkillType(name="Menjahit")
        db.session.add(skill)
        db.session.commit()
        skill_id = skill.id
    html = post_form(client, "/admin/training_class/new/", _class_form(skill_id, "2500-12-31")
                     ).get_data(as_text=True)
    assert field_errors(html, "end_date") == ["Tanggal harus antara 01/01/1900 dan 31/12/2100."]
    html = post_form(client, "/admin/training_class/new/", _class_form(skill_id, "2099-12-31")
                     ).get_data(as_text=True)
    assert field_errors(html, "end_date") == [
        "Kelas paling lama 2 tahun: tanggal selesai paling lambat 07/01/2028. Buat kelas "
        "baru untuk angkatan berikutnya."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TrainingClass)) == 0
    started = time.process_time()
    answer = post_form(client, "/admin/training_class/new/", _class_form(skill_id, "2028-01-07"))
    assert answer.status_code == 302
    with app.app_context():
        klass = db.session.scalars(select(TrainingClass)).one()
        assert len(generate_sessions(klass).created) == 733  # every day of two years
        db.session.rollback()
    assert time.process_time() - started < 10  # CPU seconds, whatever else runs


def test_weekly_patterns_expand_at_most_two_years_ahead(app, ctx):
    """Whatever its end, a weekly pattern is expanded over two years at most: a weekly
    guidance schedule valid until 2100 books about 105 meetings, not 3,900."""
    schedule = GuidanceSchedule(guidance_type="social_group", title="Bimbingan kelompok",
                                weekday=2, start_time=dt_time(8), end_time=dt_time(10),
                                valid_until=date(2100, 12, 31))
    meetings = guidance_bookings(schedule, date(2026, 1, 1))
    assert 100 < len(meetings) <= 105
    assert meetings[-1].day <= date(2026, 1, 1) + PATTERN_SPAN
    days = list(weekly_days(1, date(9999, 6, 1), date.max, set()))
    assert days[-1] == date(9999, 12, 27)  # the end of the calendar, no overflow
    assert list(weekly_days(5, date.max, date.max, set())) == [date.max]  # a Friday
