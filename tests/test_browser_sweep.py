"""Every page of every role in a real browser, on the demo data, at a phone's width.

Each role follows its own menu, and on each screen opens the list, a record's details, its
history, its form (new and edit) and every further page of the console those pages link
to. A page fails on a Content-Security-Policy violation, a console error, a failed request,
English text that Flask-Admin or a library would show by default, or a page wider than a
phone's screen (390 px).

Chromium costs about a tenth of a second of CPU per page here, so it renders each *kind* of
page once; every other page is fetched with the role's own session and read as HTML: its
answer, its text, and what could break the policy (a script without the page's nonce, an
inline handler, a ``javascript:`` link).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from html import unescape
from urllib.parse import urlsplit

import pytest
from flask import template_rendered

from models import db
from seed.demo import ACCOUNTS
from tests.conftest import PASSWORD

from .test_browser import WATCH_CSP

DEMO_DAY = date(2026, 11, 22)
PHONE = {"width": 390, "height": 844}
# Words that only reach a page as an untranslated default (Flask-Admin, WTForms, Select2,
# the date picker); the console's own texts are Indonesian.
ENGLISH = re.compile(
    r"\b(List|Create|Edit|Delete|Save and|Cancel|Search|Add Filter|Actions|Details|Home|"
    r"Previous|Next|Submit|Apply|Close|Loading|Please|Select all|No items|There are no|"
    r"Are you sure|Choose|Toggle|Record was|Not a valid|This field|Invalid|"
    r"January|February|March|April|June|July|August|October|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# Routes that do something rather than show a page, or send a file.
NOT_PAGES = re.compile(r"/(delete|action|approve|logout|download|scan|photo|file|export/[a-z]+/|"
                       r"ajax)/?")
MAX_PAGES = 150  # a bound on the walk, far above the kinds of page a role has


def _pattern(url: str) -> str:
    """The kind of page a URL is: its path with ids and dates taken out."""
    parts = urlsplit(url)
    query = "&".join(sorted(re.sub(r"=.*", "", pair) for pair in parts.query.split("&")
                            if pair and not pair.startswith(("page", "sort", "desc", "flt",
                                                              "search", "url"))))
    return re.sub(r"\d+", "N", parts.path) + "?" + query


# Controls that change the page without submitting it, each tried once per page: the
# filter menu, the bulk-action menu, adding an inline row, the date and time pickers,
# a Select2 search. What they show is read with the rest of the page.
CONTROLS = (
    "a.dropdown-toggle:has-text('Tambah filter')",
    "a.dropdown-toggle:has-text('Dengan yang dipilih')",
    "[data-inline-add]",
)


# The widgets are the same on every list and every form: tried on the first pages of each
# kind (list, details, form, history, each custom screen), seen on all.
TRIES_PER_KIND = 3


def _kind(url: str) -> str:
    route = urlsplit(url).path.rstrip("/").split("/")[-1]
    return route if route in ("new", "edit", "details", "history") else "list"


def _use_controls(page) -> None:
    for selector in CONTROLS:
        control = page.locator(selector).first
        if control.count() and control.is_visible():
            control.click()
            if "filter" in selector:
                choice = page.locator("a.filter").first
                if choice.count() and choice.is_visible():
                    choice.click()
            page.keyboard.press("Escape")  # close a menu left open
    for role in ("datepicker", "datetimepicker", "timepicker"):
        picker = page.locator(f"input[data-role={role}]").first
        if picker.count() and picker.is_visible():
            picker.click()
            page.locator(".daterangepicker:visible").first.wait_for(state="visible")
            page.keyboard.press("Escape")
            # The pickers close on a press outside them (no navigation, unlike a click).
            page.evaluate("document.body.dispatchEvent("
                          "new MouseEvent('mousedown', {bubbles: true}))")
    search = page.locator("form .select2-container:not(.select2-container-disabled)"
                          ":not(.filter-op)").first
    if search.count() and search.is_visible():
        search.click()
        page.keyboard.type("a")
        page.locator(".select2-drop-active").first.wait_for(state="visible")
        page.keyboard.press("Escape")


def _checked_in_browser(page, url: str, tried: dict[str, int],
                        problems: list[str]) -> list[str] | None:
    """Open ``url`` in Chromium and check it; its links (None: it did not open)."""
    response = page.goto(url, wait_until="load")
    if response is None or response.status >= 400:
        # A link a role is shown must open for it.
        problems.append(f"{url}: answered {response.status if response else 'nothing'}")
        return None
    width, links = page.evaluate(
        "() => [document.documentElement.scrollWidth, Array.from("
        "document.querySelectorAll(\"a[href^='/admin/']\"), e => e.getAttribute('href'))]")
    if width > PHONE["width"] + 1:
        problems.append(f"{url}: {width} px wide on a {PHONE['width']} px phone")
    if url.startswith("/admin/calendar/") and page.locator("table.calendar").count() and \
            page.locator("table.calendar thead").is_visible():
        problems.append(f"{url}: the calendar is not an agenda on a phone")
    kind = _kind(url)
    if tried.get(kind, 0) < TRIES_PER_KIND:
        tried[kind] = tried.get(kind, 0) + 1
        _use_controls(page)
        if page.url != response.url:
            # A control that navigates would leave the text below read from a page half loaded.
            problems.append(f"{url}: a control that should not submit went to {page.url}")
            page.wait_for_load_state("load")
    text = page.evaluate(
        "() => document.body.innerText + ' ' + Array.from(document.querySelectorAll("
        "'[placeholder], [title], [aria-label]'), e => [e.getAttribute('placeholder'), "
        "e.getAttribute('title'), e.getAttribute('aria-label')].filter(Boolean).join(' '))"
        ".join(' ')")
    problems += [f"{url}: English text {found!r}"
                 for found in {m.group(0) for m in ENGLISH.finditer(text)}]
    return links


SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
DATA_ROLE = re.compile(r'\bdata-role="([^"]+)"|\b(data-[a-z-]+)')


def _make_up(html: str) -> frozenset[str]:
    """What a page runs in a browser: the scripts it loads and the widgets and behaviours
    they bind (``data-role`` values, ``data-*`` attributes). Two pages of one make-up differ
    only in their data."""
    scripts = {m.group(1) for attrs in SCRIPT.findall(html)
               if (m := re.search(r'src="([^"?]+)', attrs))}
    return frozenset(scripts | {role or name for role, name in DATA_ROLE.findall(html)})


def _fetched(context, url: str, problems: list[str]) -> str | None:
    """``url`` fetched with this role's session, read as Chromium would not: its answer, its
    text, and anything the policy would block; its HTML (None: it did not open)."""
    response = context.request.get(url, max_redirects=0)
    if response.status >= 400:
        problems.append(f"{url}: answered {response.status}")
        return None
    html = response.text()
    text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
    attributes = " ".join(re.findall(r'(?:placeholder|title|aria-label)="([^"]*)"', html))
    problems += [f"{url}: English text {found!r}"
                 for found in {m.group(0) for m in ENGLISH.finditer(text + " " + attributes)}]
    nonce = re.search(r"'nonce-([^']+)'", response.headers.get("content-security-policy", ""))
    problems += [f"{url}: a script without the page's nonce"
                 for attrs in SCRIPT.findall(html)
                 if "src=" not in attrs and not (nonce and f'nonce="{nonce.group(1)}"' in attrs)]
    if HANDLER.search(html) or "javascript:" in html:
        problems.append(f"{url}: an inline handler or javascript: link")
    return html


def _links(html: str | None) -> list[str]:
    return [unescape(link) for link in re.findall(r'href="(/admin/[^"]*)"', html or "")]


def _make_up_key(url: str, html: str, templates: list[str]) -> tuple:
    """Pages Chromium need not render twice: pages of one kind, template and make-up,
    whatever their screen. Two lists, two details pages or two forms of one make-up differ
    in their data and labels only: the same scripts bind the same widgets, a form's fields
    take the screen's width, and a wide table scrolls in its own box."""
    kind = "form" if _kind(url) in ("new", "edit") else _kind(url)
    return (kind, tuple(templates), _make_up(html))


@contextmanager
def _templates_rendered(app) -> Iterator[list[str]]:
    """The names of the templates the app renders inside the block (the live server runs
    in this process)."""
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    with template_rendered.connected_to(record, app):
        yield names


# Each role walks every page it reaches. Chromium renders each kind of page once (the first
# role to reach it: the widgets and scripts of a list, a form, a details page are the same
# for every role); a role reaching that kind again fetches it over HTTP with its own session
# and has its answer and text checked.
@pytest.mark.cpu_budget(20)  # the server renders some three hundred pages for five roles
def test_every_page_of_every_role_works_in_the_browser(app, live_server, chromium):
    from seed.demo import load_demo

    with app.app_context():
        load_demo(PASSWORD, today=DEMO_DAY)
        db.session.commit()
    problems: list[str] = []
    rendered: set[str] = set()
    made_up: set[tuple] = set()  # the make-ups of the pages Chromium ran
    tried: dict[str, int] = {}
    reached: dict[str, int] = {}
    for username, _role, _staff in ACCOUNTS:
        context = chromium.new_context(viewport=PHONE, base_url=live_server)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.add_init_script(WATCH_CSP)
        page.on("console", lambda m, page=page: problems.append(
            f"{page.url}: console: {m.text}")
            if m.type == "error" and "favicon" not in m.text else None)
        page.on("response", lambda r, page=page: problems.append(
            f"{page.url}: {r.status} {r.url}") if r.status >= 500 else None)
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(live_server + "/admin/")

        seen = {_pattern("/admin/")}
        queue = ["/admin/"]
        reached[username] = 0
        while queue and reached[username] < MAX_PAGES:
            url = queue.pop(0)
            reached[username] += 1
            kind = _kind(url)
            if _pattern(url) in rendered:
                links = _links(_fetched(context, url, problems))
            else:
                # Read first: a page of a make-up Chromium already ran is not rendered again.
                with _templates_rendered(app) as templates:
                    html = _fetched(context, url, problems)
                links = _links(html)
                rendered.add(_pattern(url))
                key = _make_up_key(url, html or "", templates)
                if html is not None and (key not in made_up
                                         or tried.get(kind, 0) < TRIES_PER_KIND):
                    _checked_in_browser(page, url, tried, problems)
                    made_up.add(key)
            for link in links or ():
                if NOT_PAGES.search(link.split("?")[0]) or link.startswith("/admin/static"):
                    continue
                if _pattern(link) not in seen:
                    seen.add(_pattern(link))
                    queue.append(link)
        context.close()
    assert all(count >= 5 for count in reached.values()), reached
    assert problems == [], f"{len(problems)} problems on {reached} pages:\n" + \
        "\n".join(problems[:60])
