"""Benchmark: clicks, submits and page loads of the daily tasks, done in Chromium.

On the demo data (a throw-away SQLite file), through the console's own pages at a desktop's
width, starting on the home page after login, the way a user would: the menu, the buttons,
Select2 pickers (open, then pick: two clicks; typing to search is typing). Typing into a
field is not a click. Counts:

* register a client (admin): name, sex, stage, admission date, room, social worker;
* a weekly guidance schedule (admin) whose first choice of time clashes: the refusal lists
  the conflicts and free slots, one slot is taken;
* plan → draft contract → signed → printed (social worker): a new plan with two goals.

Prints a Markdown table (figures go to docs/performance.md). Needs Debian's Chromium.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from bench import bench_app
from models import Client, GuidanceSchedule, Room, ServicePlan, User, db
from models.choices import ACTIVE_STAGES
from services.dates import today as panti_today

PASSWORD = "bench-password"
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Task:
    """A user's actions on a page, counted."""

    page: object
    clicks: int = 0
    submits: int = 0
    loads: int = 0

    def click(self, selector: str, submit: bool = False) -> None:
        self.page.click(selector)
        self.clicks += 1
        self.submits += submit

    def menu(self, category: str, item: str) -> None:
        self.click(f"a.dropdown-toggle:has-text('{category}')")
        self.click(f".dropdown-menu a:has-text('{item}')")

    def pick(self, field_id: str, text: str, search: str | None = None) -> None:
        """A Select2 choice: open it (a click), type to search if it is an AJAX picker,
        click the option (a click)."""
        self.click(f"#s2id_{field_id}")
        if search:
            self.page.keyboard.type(search)
        self.page.wait_for_selector(f".select2-result-label:has-text('{text}')")
        self.click(f".select2-result-label:has-text('{text}')")

    def type(self, selector: str, text: str) -> None:
        self.page.fill(selector, text)


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # the table is the output
        pass


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _logged_in(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")
    task = Task(page)
    page.on("load", lambda _page: setattr(task, "loads", task.loads + 1))
    return context, task


def register_client(task: Task, room: str, worker: str) -> None:
    task.menu("Klien", "Buku induk klien")
    task.click("a:has-text('Tambah')")
    task.type("#full_name", "Slamet Riyadi")
    task.pick("sex", "Laki-laki")
    task.type("#admission_date", panti_today().strftime("%d/%m/%Y"))
    task.pick("stage", "2. Penerimaan")
    task.pick("room", room)
    task.pick("social_worker", worker, search=worker.split()[0])
    task.click("input[type=submit][value='Simpan']", submit=True)
    task.page.wait_for_selector("text=Slamet Riyadi")


def guidance_schedule(task: Task, clash: GuidanceSchedule, staff: str) -> None:
    task.menu("Bimbingan & kegiatan", "Jadwal bimbingan")
    task.click("a:has-text('Tambah')")
    task.pick("guidance_type", "Bimbingan sosial")
    task.type("#title", "Bimbingan kelompok baru")
    weekdays = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
    task.pick("weekday", weekdays[clash.weekday - 1])
    task.type("#start_time", clash.start_time.strftime("%H:%M"))
    task.type("#end_time", clash.end_time.strftime("%H:%M"))
    task.pick("staff", staff, search=staff.split()[0])
    task.type("#location", "Ruang Bimbingan 2")
    task.click("input[type=submit][value='Simpan']", submit=True)
    task.page.wait_for_selector("[data-slot-start]")  # refused: the conflicts, free slots
    task.click("[data-slot-start] >> nth=0")
    task.click("input[type=submit][value='Simpan']", submit=True)
    task.page.wait_for_selector("text=Bimbingan kelompok baru")


def plan_to_print(task: Task, client: str) -> None:
    task.menu("Klien", "Rencana pelayanan")
    task.click("a:has-text('Tambah')")
    task.pick("client", client, search=client.split()[0])
    task.type("#problems", "Tidak punya tempat tinggal dan pekerjaan tetap.")
    for index, goal in enumerate(("Mandiri secara ekonomi", "Kembali ke keluarga")):
        task.click("#goals-button")
        task.type(f"#goals-{index}-goal", goal)
    task.click("input[type=submit][value='Simpan']", submit=True)
    task.click(f"a:has-text('{client}') >> nth=0")
    task.click("button:has-text('Buat draf kontrak')", submit=True)
    task.page.wait_for_selector("text=Draf kontrak dibuat")  # the draft's form, to review
    task.click(".nav-tabs a:has-text('Rincian')")
    task.click("a:has-text('Tandatangani') >> nth=0")
    task.click("#signed_by_client")
    task.click("#signed_by_worker")
    task.click("button:has-text('Simpan tanda tangan')", submit=True)
    task.page.wait_for_selector("text=Cetak")
    with task.page.context.expect_page() as printed:
        task.click("a:has-text('Cetak') >> nth=0")
    printed.value.wait_for_load_state()


def main() -> None:
    from seed.demo import load_demo

    app = bench_app()
    with app.app_context():
        db.create_all()
        load_demo(PASSWORD)
        db.session.commit()
        room = db.session.scalar(select(Room.name).where(Room.sex.in_(("L", "C")))
                                 .order_by(Room.name))
        worker_user = db.session.scalar(select(User).where(User.username == "peksos"))
        worker = worker_user.staff.name
        clash = db.session.scalar(select(GuidanceSchedule).where(
            GuidanceSchedule.weekday.is_not(None)).order_by(GuidanceSchedule.id))
        clash_staff = clash.staff.name
        planned = select(ServicePlan.client_id)
        client = db.session.scalar(select(Client.full_name).where(
            Client.social_worker_id == worker_user.staff_id, Client.id.not_in(planned),
            Client.stage.in_(ACTIVE_STAGES)).order_by(Client.full_name))
        if client is None:  # every client of the demo worker has a plan: give them one more
            free = db.session.scalar(select(Client).where(Client.id.not_in(planned),
                                                          Client.stage.in_(ACTIVE_STAGES)))
            free.social_worker_id = worker_user.staff_id
            client = free.full_name
            db.session.commit()
        db.session.expunge_all()
    server, base = _serve(app)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for name, username, run in (
                ("register a client", "admin", lambda t: register_client(t, room, worker)),
                ("a guidance schedule whose first time clashes", "admin",
                 lambda t: guidance_schedule(t, clash, clash_staff)),
                ("plan with two goals → draft contract → signed → printed", "peksos",
                 lambda t: plan_to_print(t, client))):
            context, task = _logged_in(browser, base, username)
            task.loads = 0
            run(task)
            rows.append((name, task))
            context.close()
        browser.close()
    server.shutdown()
    print("| task | clicks | submits | page loads |")
    print("|---|---:|---:|---:|")
    for name, task in rows:
        print(f"| {name} | {task.clicks} | {task.submits} | {task.loads} |")


if __name__ == "__main__":
    main()
