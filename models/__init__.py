"""Typed models of the panti console, one module per domain."""

from . import client_search  # noqa: F401 (its text index is created with the client table)
from .aftercare import AftercareVisit
from .attendance import Attendance
from .audit import AuditEntry
from .base import Base, TimestampMixin, VersionMixin, db
from .calendar import Holiday
from .case_note import CaseNote
from .client import Client, RegisterCounter, RegisterNumber
from .conference import CaseConference
from .contract import ServiceContract
from .decision import ConferenceDecision, EmergencyChange
from .document import ClientDocument, DocumentType
from .evaluation import EvaluationActivity, WorkerEvaluation
from .guidance import GuidanceSchedule
from .name_key import ClientNameKey, DuplicateDecision
from .outreach import Intake, OutreachPerson, OutreachVisit
from .partner import NetworkPartner
from .placement import Placement
from .plan import PlanGoal, ServicePlan
from .recreation import RecreationActivity
from .referral import Referral
from .room import Room
from .selection import LetterWaiver, Selection
from .setting import Setting
from .staff import Staff
from .staff_report import StaffReport
from .stage_move import StageMove
from .stay import ClientStay
from .termination import AidItem, Termination
from .training import Enrollment, SkillType, TrainingClass, TrainingSession
from .user import User

__all__ = [
    "AidItem",
    "AftercareVisit",
    "Attendance",
    "AuditEntry",
    "Base",
    "CaseConference",
    "CaseNote",
    "Client",
    "ClientDocument",
    "ClientNameKey",
    "ClientStay",
    "ConferenceDecision",
    "DocumentType",
    "DuplicateDecision",
    "EmergencyChange",
    "EvaluationActivity",
    "Enrollment",
    "GuidanceSchedule",
    "Holiday",
    "Intake",
    "LetterWaiver",
    "NetworkPartner",
    "OutreachPerson",
    "OutreachVisit",
    "Placement",
    "PlanGoal",
    "RecreationActivity",
    "Referral",
    "RegisterCounter",
    "RegisterNumber",
    "Room",
    "Selection",
    "ServiceContract",
    "ServicePlan",
    "Setting",
    "SkillType",
    "StageMove",
    "Staff",
    "StaffReport",
    "Termination",
    "TimestampMixin",
    "TrainingClass",
    "TrainingSession",
    "VersionMixin",
    "User",
    "WorkerEvaluation",
    "db",
]
