"""Hostile input on every route: never a 5xx, never half-saved.

The app is walked from ``app.url_map``: every route as every role (real ids and hostile
ids), every query parameter a view reads (discovered by recording what the views ask of
``request.args``) with every class of hostile value, and every field of every form
(discovered by parsing the rendered form) with every class of hostile value. The demo data
gives real records. It is sampled so the whole file stays fast: the full cross product of
routes × roles × parameters × values would take minutes.
"""

from __future__ import annotations

import os
import random
import re
from collections import defaultdict
from html.parser import HTMLParser
from itertools import cycle

import pytest
from flask import Request, got_request_exception
from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict

from models import AuditEntry, ServiceContract, TrainingSession, User, db
from models.conference import conference_client
from seed.demo import ACCOUNTS, load_demo
from services.dates import today as panti_today
from services.permissions import MATRIX, readers, writers

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

# The default run samples; FUZZ_FULL=1 sends the whole cross product (minutes), FUZZ_SEED
# picks another sample.
FULL = os.environ.get("FUZZ_FULL") == "1"
SEED = int(os.environ.get("FUZZ_SEED", "11"))


@pytest.fixture
def _clean_database():
    """The walks share one demo load (module scope) instead of emptying tables per test."""
    yield


@pytest.fixture(scope="module")
def walk(app):
    """The demo data, a logged-in client per role, and 5xx answers returned (not raised) so
    one walk reports them all."""
    with app.app_context():
        load_demo(DEMO_PASSWORD)
        # The demo's draft contracts belong to a social worker without a login: give one
        # to the demo social worker so the signing form can be walked.
        draft = db.session.scalars(select(ServiceContract).where(
            ServiceContract.status == "draft").order_by(ServiceContract.id)).first()
        worker = db.session.scalar(select(User.staff_id).where(User.role == "social_worker"))
        draft.client.social_worker_id = draft.social_worker_id = worker
        db.session.commit()
    app.request_class = RecordingRequest
    app.config["PROPAGATE_EXCEPTIONS"] = False
    got_request_exception.connect(_remember, app)
    clients = {role: login(app, role) for role in ROLES}
    yield Walk(app, clients, real_ids(app))
    got_request_exception.disconnect(_remember, app)
    app.config["PROPAGATE_EXCEPTIONS"] = None
    app.request_class = Request
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


class Walk:
    def __init__(self, app, clients, ids):
        self.app, self.clients, self.ids = app, clients, ids
        self.tokens = {}
        for role, client in clients.items():
            page = client.get("/password" if role != "anonymous" else "/login")
            self.tokens[role] = CSRF.search(page.get_data(as_text=True)).group(1)


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
        found.append((rule, rule.endpoint, sorted(rule.methods - {"HEAD", "OPTIONS"})))
    return sorted(found, key=lambda r: r[0].rule)


def build_url(rule, value: str | None = None) -> str:
    """The rule with its path variables filled: a sensible value, or ``value``."""
    url = rule.rule
    for name in rule.arguments:
        filler = PATH_VALUES.get(name, "1") if value is None else value
        if "path:" not in rule.rule:
            filler = filler.replace("/", "%2F")
        url = re.sub(rf"<(?:[^:>]+:)?{name}>", lambda _m, f=filler: f, url)
    return url


def params_for(endpoint: str, ids: dict[str, str]) -> dict[str, str]:
    """Real values for the usual id parameters of ``endpoint``."""
    view = endpoint.split(".")[0]
    return {"id": ids.get(view, "1"), "client_id": ids.get("client", "1"),
            "class_id": ids.get("training_class", "1"), "staff_id": ids.get("staff", "1")}


def ajax_name(app, endpoint: str) -> str:
    """The name of one of the view's pickers (the lookup answers 404 for any other)."""
    view = next(v for v in app.extensions["admin"][0]._views
                if v.endpoint == endpoint.split(".")[0])
    return next(iter(getattr(view, "_form_ajax_refs", None) or {}), "x")


def value_plan(keys: list, rng: random.Random, every_key: bool = True) -> list[tuple]:
    """(key, label, value) to send: every key with every value (FUZZ_FULL); else each key
    once (``every_key``) or half the values from a seeded start, spread over the keys, so
    that over the parameters every value is sent many times."""
    values = list(HOSTILE.items())
    if FULL:
        return [(key, label, value) for key in keys for label, value in values]
    keys = rng.sample(keys, len(keys))
    count = len(keys) if every_key else len(values) // 2
    start = rng.randrange(len(values))
    return [(keys[i % len(keys)], *values[(start + i) % len(values)]) for i in range(count)]


class Failures(list):
    """5xx answers collected over a walk, reported together at its end."""

    last = ""

    def check(self, answer, what: str) -> None:
        if answer.status_code >= 500:
            self.append(f"{what} → {answer.status_code} {Failures.last}")

    def assert_none(self) -> None:
        assert not self, f"{len(self)} answers ≥ 500:\n" + "\n".join(self[:60])


WRITE_NAMES = ("create_view", "edit_view", "delete_view", "action_view", "ajax_update",
               "ajax_lookup")


def roles_for(endpoint: str) -> tuple[list[str], list[str]]:
    """(roles the permission matrix lets through to ``endpoint``, roles it refuses)."""
    view, _sep, name = endpoint.partition(".")
    if view in ("admin", "auth", "root", "favicon") or view not in MATRIX:
        return [r for r in ROLES if r != "anonymous"], []
    allowed = writers(view) if name in WRITE_NAMES else readers(view)
    return ([r for r in ROLES if r in allowed],
            [r for r in ROLES if r not in allowed and r != "anonymous"])


@pytest.mark.cpu_budget(8)  # every route as six roles, with real and hostile ids
def test_every_route_as_every_role_with_real_and_hostile_ids(walk):
    """Every route with hostile ids (path variables, query string, posted form): as a
    visitor, as a role that may open it and as one that may not, rotating over the roles
    and the values (FUZZ_FULL: every role, with real and with every hostile id). The
    real ids are visited by the parameter walk. Never a 5xx."""
    failures = Failures()
    values = cycle(HOSTILE.items())
    turn = cycle(range(7))
    requests = 0
    for rule, endpoint, methods in routes(walk.app):
        if endpoint == "auth.logout":
            continue  # would end the walk's own session
        allowed, refused = roles_for(endpoint)
        step = next(turn)
        if FULL:
            visits = [(role, item) for role in ROLES for item in HOSTILE.items()]
        else:
            roles = ["anonymous"] + [group[step % len(group)]
                                     for group in (allowed, refused) if group]
            visits = [(role, next(values)) for role in roles]
        for role, (label, hostile) in visits:
            client = walk.clients[role]
            url = build_url(rule, hostile)
            query = dict.fromkeys(params_for(endpoint, walk.ids), hostile)
            if "GET" in methods:
                answer = client.get(url, query_string=query)
            else:
                answer = client.post(url, query_string=query, data={
                    "csrf_token": walk.tokens[role], "rowid": hostile, "action": "delete",
                    "step": hostile, "change_id": hostile, "decision_id": hostile,
                    "token": hostile, "list_form_pk": hostile, "full_name": hostile})
            requests += 1
            failures.check(answer, f"{role} {methods} {rule.rule} {label}")
            answer.close()  # a file sent (a scan, a photo) is closed with its response
    failures.assert_none()
    assert requests > 2 * 200


LIST_PARAMS = ("page", "page_size", "sort", "desc", "search", "flt0_0", "flt1_1")


@pytest.mark.cpu_budget(15)  # every field or parameter of every screen (29 now), 12 values each
def test_every_query_parameter_with_every_hostile_value(walk):
    """Every query parameter a GET view reads (recorded while the view runs with real ids),
    and Flask-Admin's list and picker parameters, get hostile values: half the classes per
    parameter from a seeded start (FUZZ_FULL: every class on every route)."""
    readers = ("head", "admin", "social_worker", "instructor")  # head reads case content
    by_key: dict[str, list[tuple]] = defaultdict(list)
    for rule, endpoint, methods in routes(walk.app):
        if "GET" not in methods or rule.arguments - set(PATH_VALUES):
            continue
        url = build_url(rule)
        query = params_for(endpoint, walk.ids)
        if endpoint.endswith(".ajax_lookup"):
            query["name"] = ajax_name(walk.app, endpoint)
        for role in readers:
            _Recorded.keys = set()
            answer = walk.clients[role].get(url, query_string=query)
            answer.close()
            if answer.status_code == 200:
                break
        else:
            continue
        keys = set(_Recorded.keys) - {"csrf_token"}
        if endpoint.endswith(".index_view"):
            keys |= set(LIST_PARAMS)
        elif endpoint.endswith(".ajax_lookup"):
            keys |= {"name", "query", "offset", "limit"}
        for key in keys:
            by_key[key].append((role, url, endpoint))

    rng = random.Random(SEED)
    failures = Failures()
    requests = 0
    for key, places in sorted(by_key.items()):
        for (role, url, endpoint), label, value in value_plan(places, rng, every_key=False):
            query = params_for(endpoint, walk.ids)
            if endpoint.endswith(".ajax_lookup"):
                query["name"] = ajax_name(walk.app, endpoint)
            query[key] = value
            answer = walk.clients[role].get(url, query_string=query)
            requests += 1
            failures.check(answer, f"{role} GET {url}?{key}={label}")
            answer.close()
    failures.assert_none()
    assert len(by_key) > 15 and requests >= len(by_key) * (len(HOSTILE) // 2)
    assert {"id", "page", "search", "day", "month", "offset", "limit"} <= set(by_key)


def sheet_and_decision_pages(app) -> list[tuple[None, str]]:
    """The attendance sheet of a past training session, a KK decision page and the signing
    page of a draft contract: forms whose URL needs more than the first record's id."""
    with app.app_context():
        contract_id = db.session.scalar(
            select(func.min(ServiceContract.id)).where(ServiceContract.status == "draft"))
        session_id = db.session.scalar(select(func.max(TrainingSession.id)).where(
            TrainingSession.date <= panti_today()))
        conference_id, client_id = db.session.execute(select(
            conference_client.c.conference_id, conference_client.c.client_id).limit(1)).one()
    return [(None, f"/admin/attendance_grid/record/?kind=training&id={session_id}"),
            (None, f"/admin/conference/decision/?id={conference_id}&client_id={client_id}"),
            (None, f"/admin/contract/sign/?id={contract_id}")]


def form_pages(app, ids):
    """(role, url) of every page with a form to fuzz: an edit form of a real record and a
    create form per screen, the hand-written step pages, the login and the password page."""
    pages = [("anonymous", "/login"), ("admin", "/password"), *sheet_and_decision_pages(app)]
    for rule, endpoint, methods in routes(app):
        if "POST" not in methods or "GET" not in methods or rule.arguments:
            continue
        if endpoint.startswith(("auth.", "audit.")):
            continue
        view, name = endpoint.split(".")
        query = ""
        if name in ("decision_view", "sign_view") or (view, name) == ("attendance_grid",
                                                                        "record"):
            continue  # sheet_and_decision_pages
        if name == "edit_view":
            query = f"?id={ids.get(view, '1')}"
        pages.append((None, rule.rule + query))
    return pages


def writable_form(walk, roles, url):
    """The first of ``roles`` whose page at ``url`` shows a form to post, with the form."""
    for role in roles:
        answer = walk.clients[role].get(url)
        if answer.status_code != 200:
            continue
        for form in page_forms(answer.get_data(as_text=True)):
            if "csrf_token" in form["fields"] and len(form["fields"]) > 1 and \
                    not form["action"].startswith("/logout"):
                return role, form
    return None, None


@pytest.mark.cpu_budget(15)  # every field or parameter of every screen (29 now), 12 values each
def test_every_form_field_with_every_hostile_value(walk):
    """Every field of every form gets a hostile value, one field at a time, while the rest
    of the form holds what the page showed (so the value reaches the save); the values
    rotate, so each class reaches a dozen fields (FUZZ_FULL: every field gets every
    value). The answer is never a 5xx, and a refusal (the form shown again) leaves every
    table as it was."""
    rng = random.Random(SEED + 1)
    values = cycle(rng.sample(list(HOSTILE.items()), len(HOSTILE)))
    failures = Failures()
    fields = posts = saved = 0
    fuzzed = set()
    writers = ("admin", "head", "social_worker", "instructor", "staff")
    for role_hint, url in form_pages(walk.app, walk.ids):
        role, form = writable_form(walk, (role_hint,) if role_hint else writers, url)
        if form is None:
            continue
        client = walk.clients[role]
        fuzzed.add(url.split("?")[0])
        action = form["action"] or url
        baseline = {name: list(values) for name, values in form["fields"].items()}
        names = [n for n in baseline if n != "csrf_token" and (n != "next" or url == "/login")]
        fields += len(names)
        with walk.app.app_context():
            before = table_snapshot()
        plan = value_plan(names, rng) if FULL else [(n, *next(values)) for n in names]
        for name, label, value in plan:
            answer = client.post(action, data={**baseline, name: [value]})
            posts += 1
            saved += answer.status_code == 302
            failures.check(answer, f"{role} POST {action} {name}={label}")
            with walk.app.app_context():
                after = table_snapshot()
            if answer.status_code == 200 and url != "/login" and after != before:
                failures.append(f"{role} POST {action} {name}={label}: refused but "
                                f"half-saved {set(after.items()) ^ set(before.items())}")
            before = after
    failures.assert_none()
    assert fields > 150 and posts >= fields
    # The forms were really filled in: some hostile text was saved as plain text...
    assert saved > 0
    # ...and the pages that once broke were among them.
    assert {"/login", "/password", "/admin/client/edit/", "/admin/training_class/edit/",
            "/admin/guidance/new/", "/admin/recreation/edit/", "/admin/conference/edit/",
            "/admin/attendance_grid/record/", "/admin/conference/decision/",
            "/admin/contract/sign/"} <= fuzzed


def test_nul_byte_on_login_is_refused_before_the_database(walk):
    """A NUL byte in the login form (before anyone is authenticated) answers 400."""
    client = walk.app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"csrf_token": token, "username": "admin\x00",
                                         "password": DEMO_PASSWORD})
    assert answer.status_code == 400
    assert "karakter yang tidak diizinkan" in answer.get_data(as_text=True)
