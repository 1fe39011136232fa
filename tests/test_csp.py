"""Content-Security-Policy: every script on a page is ours or nonced; no inline handler."""

from __future__ import annotations

import re

import pytest
from jinja2 import TemplateNotFound

from models import db
from tests.conftest import make_client

SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def _check_page(response) -> str:
    """Assert every script tag and inline handler of the page is allowed; return the nonce."""
    policy = _policy(response)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    html = response.get_data(as_text=True)
    for attrs in SCRIPT.findall(html):
        src = re.search(r'src="([^"]+)"', attrs)
        if src:
            assert src.group(1).startswith("/"), f"script from another host: {src.group(1)}"
        else:
            assert f'nonce="{nonce}"' in attrs, f"inline script without the nonce: {attrs}"
    assert HANDLER.findall(html) == [], "inline event handler on the page"
    assert "javascript:" not in html
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["object-src"] == "object-src 'none'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-hashes'" not in policy["script-src"]
    return nonce


def test_login_page_policy_and_a_fresh_nonce_per_response(client):
    first = _check_page(client.get("/login"))
    second = _check_page(client.get("/login"))
    assert first != second


def test_admin_pages_carry_data_attributes_instead_of_handlers(app, client, login_as):
    login_as("admin")
    with app.app_context():
        budi_id = make_client("Budi Santoso").id
        db.session.commit()
    list_page = client.get("/admin/client/")
    html = list_page.get_data(as_text=True)
    # The delete confirm and the bulk actions, bound by static/js/panti.js.
    assert 'data-confirm="' in html and 'data-model-action="' in html
    assert 'class="dropdown-item filter"' in html and "data-inert" in html  # filter menu
    _check_page(list_page)
    for url in ("/admin/", "/admin/client/new/", f"/admin/client/details/?id={budi_id}",
                "/admin/training_class/", "/admin/audit/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _check_page(response)
        html = response.get_data(as_text=True)
        assert "/static/js/panti.js" in html, url
        assert '<html lang="id">' in html and 'aria-label="Buka atau tutup menu"' in html


def test_plan_form_add_goal_button_has_no_inline_handler(client, login_as):
    login_as("social_worker")
    html = client.get("/admin/service_plan/new/").get_data(as_text=True)
    assert 'data-inline-add="goals"' in html
    assert "faForm.addInlineField" not in html


def test_a_handler_flask_admin_no_longer_writes_fails_loudly():
    from admin_views.templating import rewrite

    with pytest.raises(TemplateNotFound, match="expected handler not found"):
        rewrite("admin/actions.html", "<a onclick=\"somethingNew()\">")


def test_other_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_markup_built_from_an_f_string():
    """User data reaches HTML only through escaping: Markup(f"…{value}…") would bypass it."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [str(path.relative_to(root)) for folder in ("admin_views", "services", "forms")
                 for path in (root / folder).rglob("*.py")
                 if re.search(r"Markup\(\s*f[\"']", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_own_static_files_are_cached_and_named_by_their_content(app, client, login_as):
    """Browsers keep static files an hour; panti.js and panti.css carry a hash of their
    content, so an upgraded file is fetched at once."""
    import hashlib
    from pathlib import Path

    login_as("admin")
    page = client.get("/admin/").get_data(as_text=True)
    for name in ("js/panti.js", "css/panti.css"):
        digest = hashlib.sha256((Path(app.static_folder) / name).read_bytes()).hexdigest()
        assert f"/static/{name}?v={digest[:12]}" in page, name
    response = client.get(f"/static/css/panti.css?v={digest[:12]}")
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    response.close()
