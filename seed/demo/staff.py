"""Demo staff (with their NIP) and one login per role."""

from __future__ import annotations

from sqlalchemy import select

from models import Staff, User, db
from services.accounts import create_account

# key, name, position, NIP (18 digits: birth date, appointment month, sex, sequence), phone,
# core member of the case-conference team. Instructors come from the BLK: no NIP.
STAFF: tuple[tuple[str, str, str, str | None, str, bool], ...] = (
    ("head", "Drs. Bambang Sutrisno, M.Si.", "head", "196805121994031004", "081221457890", True),
    ("admin", "Rina Kartikasari, S.E.", "administration", "198503172010012015", "081320987654",
     False),
    ("sw1", "Dedi Supriadi, S.Sos.", "social_worker", "198207092008011007", "081394562231",
     True),
    ("sw2", "Rosmawati Simanjuntak, S.Tr.Sos.", "social_worker", "199001232015032002",
     "081265430912", True),
    ("sw3", "Andi Muhammad Yusuf, S.Sos.", "social_worker", "198711302011011003",
     "085242118076", True),
    ("inst1", "Ujang Sudrajat", "instructor", None, "081322671045", False),
    ("inst2", "Sri Wahyuni", "instructor", None, "085721093348", False),
    ("inst3", "Ratna Sari Lubis", "instructor", None, "081370552816", False),
    ("caregiver", "Sumarni", "caregiver", "197604182006042011", "082118830457", False),
    ("dorm", "Joko Susilo", "dorm_officer", "197909252009011004", "081572204613", False),
    ("doctor", "dr. Maria Ulfa Panjaitan", "doctor", "198406142009022003", "081397718820", True),
    ("nurse", "Nurhasanah Daeng Baji, A.Md.Kep.", "nurse", "199208082019022004",
     "085299164571", False),
    ("psych", "Dian Purnamasari, M.Psi., Psikolog", "psychologist", "198902272014022001",
     "081802236671", True),
    ("cleric", "Ust. Ahmad Fauzi, S.Pd.I.", "religious_teacher", None, "087823419960", False),
)
SOCIAL_WORKERS = ("sw1", "sw2", "sw3")

# username, role, staff key
ACCOUNTS = (
    ("admin", "admin", "admin"),
    ("kepala", "head", "head"),
    ("peksos", "social_worker", "sw1"),
    ("instruktur", "instructor", "inst1"),
    ("staf", "staff", "caregiver"),
)


def ensure_staff() -> dict[str, Staff]:
    """The demo staff by key, found by name (or by NIP when renamed) or created."""
    names = [row[1] for row in STAFF]
    nips = [row[3] for row in STAFF if row[3]]
    by_name = {s.name: s for s in db.session.scalars(select(Staff).where(Staff.name.in_(names)))}
    by_nip = {
        s.employee_number: s
        for s in db.session.scalars(select(Staff).where(Staff.employee_number.in_(nips)))
    }
    staff: dict[str, Staff] = {}
    for key, name, position, nip, phone, core in STAFF:
        member = by_name.get(name) or (by_nip.get(nip) if nip else None)
        if member is None:
            member = Staff(name=name, position=position, employee_number=nip, phone=phone,
                           is_core_member=core, active=True)
            db.session.add(member)
        staff[key] = member
    return staff


def ensure_accounts(password: str, staff: dict[str, Staff]) -> int:
    """One login per role; an existing username is left exactly as it is."""
    usernames = [row[0] for row in ACCOUNTS]
    db.session.flush()  # staff ids, to see who is already linked to a login
    existing = set(db.session.scalars(select(User.username).where(User.username.in_(usernames))))
    linked = set(db.session.scalars(select(User.staff_id).where(User.staff_id.is_not(None))))
    for username, role, key in ACCOUNTS:
        if username in existing:
            continue
        member = staff[key]
        # staff_id is unique: a member who already has another login is not linked twice.
        create_account(username, role, password, staff=None if member.id in linked else member)
        linked.add(member.id)
    return len(ACCOUNTS)
