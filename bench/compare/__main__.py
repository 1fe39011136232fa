"""Benchmark: the console's list pages beside stock Flask-Admin, Django admin (where Django is
installed) and the floor page, at a province's scale (issue 17; ``make bench``).

Builds the database of ``bench/scale.py`` (or, with ``BENCH_REUSE=1``, uses the one at
``BENCH_DATABASE_URL`` as it is), starts each app under gunicorn with one worker over it, and
requests each list page from each app in turn — one round after the other, the apps in a
rotating order, so a busy moment of the machine falls on all of them — ``BENCH_ROUNDS``
times after a warm-up round. Prints the median milliseconds per page and the ratios.

Then the throughput mode: ``wrk`` (one thread, ``BENCH_CONNECTIONS`` connections,
``BENCH_SECONDS`` seconds) on each app's client list, where wrk is installed (``apt-get
install wrk``); requests per second and the console's share of the floor's.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import bench_app
from bench.compare import TABLES
from bench.compare.django_admin import available as django_available
from bench.concurrency import Browser, Gunicorn
from bench.scale import PASSWORD, build

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "9"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))


def _database(app) -> str:
    if not os.environ.get("BENCH_REUSE"):
        started = time.perf_counter()
        held = build(app)
        print(f"built {', '.join(f'{n:,} {table}' for table, n in held.items())} in "
              f"{time.perf_counter() - started:.0f} s")
    return app.config["SQLALCHEMY_DATABASE_URI"]


def _servers(url: str, folder: Path) -> dict[str, tuple[Gunicorn, dict[str, str]]]:
    """Each app's server (not started) and its list page of each table."""
    servers = {
        "floor": (Gunicorn(url, folder / "floor.log", 1, "bench.compare.floor:create_app()",
                           "/floor/staff/"),
                  {table: f"/floor/{table}/" for table in TABLES}),
        "console": (Gunicorn(url, folder / "console.log", 1),
                    {table: f"/admin/{table}/" for table in TABLES}),
        "stock FA": (Gunicorn(url, folder / "stock.log", 1,
                              "bench.compare.stock_admin:create_app()", "/admin/staff/"),
                     {table: f"/admin/{table}/" for table in TABLES}),
    }
    if django_available():
        from bench.compare.django_admin import URLS, prepare

        prepare(url)
        servers["Django"] = (Gunicorn(url, folder / "django.log", 1,
                                      "bench.compare.django_admin:create_app()",
                                      "/admin/login/"), URLS)
    return servers


def _logged_in(name: str, port: int) -> Browser:
    browser = Browser(port)
    if name == "console":
        token, _page = browser.form_token("/login")
        answer = browser.request("POST", "/login", {"csrf_token": token, "username": "admin",
                                                    "password": PASSWORD, "next": ""})
        assert answer.status == 302, f"console login answered {answer.status}"
    elif name == "Django":
        from bench.compare.django_admin import login

        login(browser)
    return browser


def _rounds(browsers: dict[str, Browser], pages: dict[str, dict[str, str]]
            ) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {}
    names = list(browsers)
    for round_ in range(ROUNDS + 1):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        for table in TABLES:
            for name in order:
                answer = browsers[name].request("GET", pages[name][table])
                assert answer.status == 200, f"{name} {pages[name][table]}: {answer.status}"
                if round_:  # the first round warms caches and plans
                    times.setdefault((name, table), []).append(answer.ms)
    return times


def _wrk(port: int, path: str, cookies: dict[str, str]) -> float | None:
    """Requests per second wrk gets from ``path``."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s"]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    done = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True,
                          text=True, timeout=SECONDS + 60)
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if re.search(r"Non-2xx or 3xx responses", done.stdout) or not found:
        print(f"wrk on {path}: {done.stdout[-500:]}")
        return None
    return float(found.group(1))


def main() -> int:
    app = bench_app()
    url = _database(app)
    folder = Path(tempfile.mkdtemp(prefix="panti-compare-"))
    servers = _servers(url, folder)
    started = []
    try:
        for server, _pages in servers.values():
            started.append(server.__enter__())
        browsers = {name: _logged_in(name, server.port)
                    for name, (server, _pages) in servers.items()}
        pages = {name: urls for name, (_server, urls) in servers.items()}
        print(f"{url.split(':', 1)[0]}; {ROUNDS} rounds; load average "
              f"{os.getloadavg()[0]:.1f}")
        times = _rounds(browsers, pages)
        names = list(servers)
        header = " | ".join(f"{name} ms" for name in names)
        ratios = [name for name in names if name not in ("console", "floor")]
        print(f"\n| list page | {header} | "
              + " | ".join(f"console / {name}" for name in [*ratios, "floor"]) + " |")
        print("|---|" + "---:|" * (len(names) + len(ratios) + 1))
        for table in TABLES:
            median = {name: statistics.median(times[name, table]) for name in names}
            cells = [f"{median[name]:.0f}" for name in names]
            cells += [f"{median['console'] / median[name]:.2f}" for name in [*ratios, "floor"]]
            print(f"| {table} | " + " | ".join(cells) + " |")
        if shutil.which("wrk"):
            print(f"\nThroughput of the client list (wrk, {CONNECTIONS} connections, "
                  f"{SECONDS} s, one gunicorn worker each):\n")
            rates = {}
            for name, (server, urls) in servers.items():
                rates[name] = _wrk(server.port, urls["client"], browsers[name].cookies)
                print(f"- {name}: {rates[name] or 0:.0f} requests/s")
            if rates.get("console") and rates.get("floor"):
                print(f"- console / floor: {rates['console'] / rates['floor']:.2f}")
        else:
            print("\nno throughput figures: wrk is not installed (apt-get install wrk)")
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    finally:
        for server in reversed(started):
            server.__exit__(None, None, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
