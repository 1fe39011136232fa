"""Demo placements (penyaluran): the first clients in stage 9 and 10 who reached their goals,
placed back with their family, in a job found through the BLK, or in their own business."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import NetworkPartner, Placement, db
from models.choices import Stage

from .base import Demo

# kind, partner, address, contact, plan, meeting summary
PLACES = (
    ("family", None, "Kp. Sukamaju RT 02/05, Garut", "Kakak kandung, 0812-2233-4455",
     "Kembali tinggal bersama kakak; membantu warung keluarga.",
     "Keluarga bersedia menerima; kakak menyediakan kamar dan modal warung kecil."),
    ("job", "BLK Kota Bandung", "Bengkel Las Sinar Jaya, Jl. Kiaracondong 120, Bandung",
     "Pak Ujang (pemilik), 0813-2020-1122",
     "Bekerja sebagai tukang las harian sesudah lulus kelas las.",
     "Pemilik bengkel menerima masa percobaan tiga bulan, upah harian."),
    ("own_business", None, "Jl. Cicadas Pasar 15, Bandung", "0857-1000-2233",
     "Berjualan gorengan dengan paket bantuan usaha ekonomis produktif.",
     "Lokasi jualan disepakati dengan RT setempat."),
)


def ensure_placements(demo: Demo) -> int:
    """A placement for the first clients who ended with their goals achieved (found by
    client and kind, so a second load adds nothing)."""
    partners = {p.name: p for p in db.session.scalars(select(NetworkPartner))}
    have = set(db.session.execute(select(Placement.client_id, Placement.kind)).tuples())
    placed = [c for c in demo.clients
              if c.stage in (Stage.TERMINATION, Stage.AFTERCARE)
              and c.termination_reason == "goals_achieved" and c.termination_date]
    for client, (kind, partner, address, contact, plan, summary) in zip(
            placed, PLACES, strict=False):
        if (client.id, kind) in have:
            continue
        db.session.add(Placement(
            client_id=client.id, social_worker_id=client.social_worker_id, kind=kind,
            partner=partners.get(partner or ""), address=address, contact=contact,
            start_date=client.termination_date - timedelta(days=3), plan=plan,
            meeting_summary=summary))
    return min(len(placed), len(PLACES))
