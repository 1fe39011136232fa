"""The names of the console's pages beyond a screen's list: the breadcrumbs show them, and the
digest e-mail names the place of a user's items with them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# A view method → the page's name.
PAGE_TITLES = {
    "create_view": _l("Tambah"),
    "edit_view": _l("Ubah"),
    "history_view": _l("Riwayat perubahan"),
    "sign_view": _l("Penandatanganan"),
    "decision_view": _l("Keputusan KK"),
    "attention_view": _l("Perlu tindak lanjut"),
    "terminations_view": _l("Persetujuan terminasi"),
    "review_due_view": _l("Jatuh tempo peninjauan"),
    "assessment_due_view": _l("Jatuh tempo asesmen"),
    "record": _l("Daftar hadir"),
}
