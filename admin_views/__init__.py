"""The admin: one place that reads as the console's menu."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from models import (
    AftercareVisit,
    Attendance,
    AuditEntry,
    CaseConference,
    CaseNote,
    Client,
    ClientDocument,
    DocumentType,
    EmergencyChange,
    Enrollment,
    GuidanceSchedule,
    Holiday,
    Intake,
    NetworkPartner,
    OutreachVisit,
    Placement,
    RecreationActivity,
    Referral,
    Room,
    ServiceContract,
    ServicePlan,
    Setting,
    SkillType,
    Staff,
    StaffReport,
    Termination,
    TrainingClass,
    TrainingSession,
    User,
    WorkerEvaluation,
    db,
)
from models.choices import CONTRACT_STATUSES, MONTHS, WEEKDAYS
from services import versions
from services.attendance_summary import format_rate
from services.dates import format_date, format_month, format_time, month_key
from services.permissions import readers
from services.schedule import EVENT_KINDS

from .activities import GuidanceScheduleView, RecreationActivityView
from .aftercare import AftercareVisitView
from .attendance import AttendanceGridView, AttendanceSummaryView
from .audit import AuditLogView
from .audit_labels import AuditWords
from .base import SecureIndexView, SecureModelView
from .calendar import CalendarView
from .case_notes import CaseNoteView
from .clients import ClientView
from .conferences import CaseConferenceView
from .contracts import ServiceContractView
from .converters import user_datetime
from .dashboard import DashboardView
from .documents import ClientDocumentView, DocumentTypeView
from .emergency_changes import EmergencyChangeView
from .evaluations import WorkerEvaluationView
from .exports import ExportCenterView
from .imports import RosterImportView
from .lifecycle import StageView
from .navigation import bell, main_menu
from .outreach import IntakeView, OutreachView
from .partners import NetworkPartnerView
from .placements import PlacementView
from .plans import ServicePlanView
from .referrals import ReferralView
from .rooms import RoomView
from .settings import SettingView
from .staff import StaffView, UserView
from .staff_reports import StaffReportView
from .terminations import TerminationView
from .training import (
    AttendanceView,
    EnrollmentView,
    HolidayView,
    SkillTypeView,
    TrainingClassView,
    TrainingSessionView,
)

TRANSLATIONS = str(Path(__file__).resolve().parent.parent / "translations")


def register_admin_views(admin: Admin) -> None:
    """The menu, grouped the way the panti works."""
    admin.add_view(DashboardView(name=_l("Dasbor"), endpoint="dashboard"))
    admin.add_view(CalendarView(name=_l("Kalender"), endpoint="calendar"))
    admin.add_view(AttendanceGridView(name=_l("Presensi"), endpoint="attendance_grid"))
    admin.add_view(ExportCenterView(name=_l("Unduh laporan"), endpoint="export"))
    clients = _l("Klien")
    admin.add_view(ClientView(Client, db, name=_l("Buku induk klien"), category=clients,
                              endpoint="client"))
    admin.add_view(RosterImportView(name=_l("Impor buku induk"), category=clients,
                                    endpoint="client_import"))
    admin.add_view(StageView(name=_l("Pindah tahap"), category=clients,
                             endpoint="client_stage"))
    admin.add_view(OutreachView(OutreachVisit, db, name=_l("Penjangkauan"), category=clients,
                                endpoint="outreach"))
    admin.add_view(ClientDocumentView(ClientDocument, db, name=_l("Dokumen klien"),
                                      category=clients, endpoint="client_document"))
    admin.add_view(CaseNoteView(CaseNote, db, name=_l("Catatan kasus"), category=clients,
                                endpoint="case_note"))
    admin.add_view(ServicePlanView(ServicePlan, db, name=_l("Rencana pelayanan"),
                                   category=clients, endpoint="service_plan"))
    admin.add_view(ServiceContractView(ServiceContract, db, name=_l("Kontrak pelayanan"),
                                       category=clients, endpoint="contract"))
    admin.add_view(CaseConferenceView(CaseConference, db, name=_l("Konferensi kasus"),
                                      category=clients, endpoint="conference"))
    admin.add_view(EmergencyChangeView(EmergencyChange, db, name=_l("Perubahan darurat"),
                                       category=clients, endpoint="emergency_change"))
    admin.add_view(ReferralView(Referral, db, name=_l("Rujukan"), category=clients,
                                endpoint="referral"))
    admin.add_view(PlacementView(Placement, db, name=_l("Penyaluran"), category=clients,
                                 endpoint="placement"))
    admin.add_view(TerminationView(Termination, db, name=_l("Terminasi"), category=clients,
                                   endpoint="termination"))
    admin.add_view(AftercareVisitView(AftercareVisit, db, name=_l("Bimbingan lanjut"),
                                      category=clients, endpoint="aftercare"))
    admin.add_view(StaffReportView(StaffReport, db, name=_l("Laporan staf"), category=clients,
                                   endpoint="staff_report"))
    admin.add_view(WorkerEvaluationView(WorkerEvaluation, db,
                                        name=_l("Evaluasi unjuk kerja peksos"),
                                        category=clients, endpoint="worker_evaluation"))

    training = _l("Pelatihan")
    admin.add_view(TrainingClassView(TrainingClass, db, name=_l("Kelas keterampilan"),
                                     category=training, endpoint="training_class"))
    admin.add_view(EnrollmentView(Enrollment, db, name=_l("Peserta kelas"), category=training,
                                  endpoint="enrollment"))
    admin.add_view(TrainingSessionView(TrainingSession, db, name=_l("Pertemuan"),
                                       category=training, endpoint="training_session"))
    admin.add_view(AttendanceView(Attendance, db, name=_l("Kehadiran"), category=training,
                                  endpoint="attendance"))
    admin.add_view(AttendanceSummaryView(name=_l("Rekap kehadiran"), category=training,
                                         endpoint="attendance_summary"))

    schedule = _l("Bimbingan & kegiatan")
    admin.add_view(GuidanceScheduleView(GuidanceSchedule, db, name=_l("Jadwal bimbingan"),
                                        category=schedule, endpoint="guidance"))
    admin.add_view(RecreationActivityView(RecreationActivity, db, name=_l("Kegiatan rekreasi"),
                                          category=schedule, endpoint="recreation"))

    admin.add_view(NetworkPartnerView(NetworkPartner, db, name=_l("Mitra jaringan"),
                                      endpoint="partner"))

    master = _l("Data induk")
    admin.add_view(StaffView(Staff, db, name=_l("Pegawai"), category=master, endpoint="staff"))
    admin.add_view(RoomView(Room, db, name=_l("Kamar & asrama"), category=master,
                            endpoint="room"))
    admin.add_view(DocumentTypeView(DocumentType, db, name=_l("Jenis dokumen"),
                                    category=master, endpoint="document_type"))
    admin.add_view(SkillTypeView(SkillType, db, name=_l("Jenis keterampilan"), category=master,
                                 endpoint="skill_type"))
    admin.add_view(HolidayView(Holiday, db, name=_l("Hari libur"), category=master,
                               endpoint="holiday"))
    admin.add_view(IntakeView(Intake, db, name=_l("Angkatan"), category=master,
                              endpoint="intake"))
    admin.add_view(SettingView(Setting, db, name=_l("Pengaturan"), category=master,
                               endpoint="setting"))
    admin.add_view(UserView(User, db, name=_l("Akun pengguna"), category=master,
                            endpoint="user"))
    words = AuditWords([view for view in admin._views if isinstance(view, SecureModelView)])
    admin.add_view(AuditLogView(AuditEntry, db, name=_l("Log audit"), category=master,
                                endpoint="audit", words=words))


def month_name(day) -> str:
    """"Februari 2026"."""
    return f"{MONTHS.label(str(day.month))} {day.year}"


def build_admin(app: Flask) -> Admin:
    """Create the Admin inside the factory (a module-level Admin breaks a second app)."""
    admin = Admin(
        app,
        name=app.config["INSTITUTION_NAME"],
        index_view=SecureIndexView(name=_l("Beranda"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/panti_base.html", fluid=True),
        translations_path=TRANSLATIONS,
    )
    register_admin_views(admin)
    app.add_template_filter(user_datetime, "user_datetime")
    # Templates show dates and times through the one dates module, never a strftime of their own.
    app.add_template_filter(format_date, "format_date")
    app.add_template_filter(format_time, "format_time")
    app.add_template_filter(month_key, "month_key")
    app.add_template_filter(format_month, "format_month")
    app.add_template_global(EVENT_KINDS.label, "kind_label")
    app.add_template_global(format_rate, "percent")
    app.add_template_global(month_name, "month_name")
    app.add_template_global(main_menu, "main_menu")
    app.add_template_global(readers, "screen_readers")  # a link only for who may open it
    app.add_template_global(bell, "bell")
    app.add_template_global(CONTRACT_STATUSES.label, "contract_status")
    app.add_template_global([label for _code, label in WEEKDAYS.pairs], "weekday_names")
    # The hidden seen_version of a step form on a details page (services/versions.py).
    app.add_template_global(lambda record: versions.token(record.row_version),
                            "version_token")
    return admin
