"""Demo referrals (rujukan): the first social worker's clients referred to the Puskesmas
(answered), to legal aid (no answer after three weeks: on their worklist) and to the BLK
(received, its two weeks not over)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import NetworkPartner, Referral, db
from models.choices import ACTIVE_STAGES

from .base import Demo

# partner, days ago, reason, status, feedback (days after, text)
REFERRALS = (
    ("Puskesmas Kecamatan Cibeunying Kidul", 40,
     "Batuk lebih dari dua minggu dan berat badan turun; mohon pemeriksaan dahak (TB).",
     "completed", (5, "Pemeriksaan dahak negatif; diberi obat batuk dan vitamin.")),
    ("LBH Bandung", 21,
     "Belum memiliki KTP dan akta kelahiran; mohon pendampingan pengurusan dokumen "
     "kependudukan.", "sent", None),
    ("BLK Kota Bandung", 6,
     "Lulus kelas las di panti; mohon kesempatan pelatihan lanjutan las listrik.",
     "received", None),
)


def ensure_referrals(demo: Demo) -> int:
    """The referrals, found by client, partner and day or added, for the clients of the
    first social worker living in the panti."""
    worker = demo.staff.get("sw1")
    clients = [c for c in demo.clients if worker is not None and c.social_worker_id ==
               worker.id and c.stage in ACTIVE_STAGES and c.admission_date is not None]
    partners = {p.name: p for p in db.session.scalars(select(NetworkPartner))}
    have = set(db.session.execute(select(Referral.client_id, Referral.partner_id,
                                         Referral.referred_on)).tuples())
    for index, (partner_name, days, reason, status, feedback) in enumerate(REFERRALS):
        partner = partners.get(partner_name)
        day = demo.today - timedelta(days=days)
        eligible = [c for c in clients if c.admission_date <= day]
        if partner is None or not eligible:
            continue
        client = eligible[index % len(eligible)]
        if (client.id, partner.id, day) in have:
            continue
        db.session.add(Referral(
            client_id=client.id, partner_id=partner.id, social_worker_id=worker.id,
            referred_on=day, reason=reason, status=status,
            feedback=feedback[1] if feedback else None,
            feedback_on=day + timedelta(days=feedback[0]) if feedback else None))
    return len(REFERRALS)
