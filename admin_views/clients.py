"""Client registration (buku induk klien) and the client's photo."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_from_directory
from flask_admin import expose
from flask_admin.contrib.sqla.filters import (
    DateBetweenFilter,
    FilterEqual,
    FilterLike,
    IntEqualFilter,
)
from flask_admin.contrib.sqla.validators import Unique
from flask_admin.form.upload import FileUploadField, ImageUploadField
from flask_admin.helpers import is_form_submitted
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.validators import Length, StopValidation

from forms.validators import strip_spaces, strip_text
from models import Client, ClientDocument, DuplicateDecision, Room, db
from models.choices import (
    AFTERCARE_KINDS,
    ASSESSMENT_ASPECTS,
    CASE_NOTE_KINDS,
    DECISION_RECOMMENDATIONS,
    PLACEMENT_KINDS,
    REFERRAL_SOURCES,
    REFERRAL_STATUSES,
    RELIGIONS,
    SEXES,
    SKILL_LEVELS,
    STAFF_REPORT_KINDS,
    STAGES,
    TERMINATION_REASONS,
    Stage,
)
from models.client_search import SEARCHED
from services import client_search, duplicates, lifecycle, stays
from services.attendance_summary import one_client_by_class
from services.case_file import case_file
from services.client_rules import TEXT_LIMITS, client_problems
from services.dates import format_date
from services.dates import today as panti_today
from services.inputs import parse_id
from services.permissions import readers, writers
from services.scopes import visible, works_on
from services.uploads import (
    PhotoRefused,
    reencoded_photo,
    remove_on_commit,
    write_with_transaction,
)

from .base import SecureModelView, role_in
from .converters import choice_formatter
from .form_rules import LikelyMatches, Section, sections
from .pickers import staff_picker
from .rule_forms import RuleChecked
from .stale import FAILED, run_step

CLIENT_LABELS = {
    "register_number": _l("Nomor induk"),
    "cohort": _l("Angkatan"),
    "full_name": _l("Nama lengkap"),
    "sex": _l("Jenis kelamin"),
    "birth_place": _l("Tempat lahir"),
    "birth_date": _l("Tanggal lahir"),
    "religion": _l("Agama"),
    "nik": _l("NIK"),
    "family_card_number": _l("Nomor KK"),
    "address": _l("Alamat sesuai KTP"),
    "district_of_origin": _l("Kabupaten/kota asal"),
    "guardian_name": _l("Nama orang tua/wali"),
    "guardian_relation": _l("Hubungan wali"),
    "guardian_phone": _l("Telepon wali"),
    "referral_source": _l("Diserahkan oleh"),
    "arrival_condition": _l("Kondisi saat datang"),
    "belongings": _l("Barang & dokumen bawaan"),
    "admission_date": _l("Tanggal masuk"),
    "stage": _l("Tahap pelayanan"),
    "social_worker": _l("Pekerja sosial"),
    "social_worker.name": _l("Pekerja sosial"),
    "room": _l("Kamar/asrama"),
    "room.name": _l("Kamar/asrama"),
    "termination_date": _l("Tanggal terminasi"),
    "termination_reason": _l("Alasan terminasi"),
    "photo": _l("Foto"),
}

# The registration record in the order of the paper buku induk (form and details page).
REGISTRATION_FIELDS = (
    "register_number",
    "cohort",
    "full_name",
    "photo",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "nik",
    "family_card_number",
    "address",
    "district_of_origin",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "referral_source",
    "arrival_condition",
    "belongings",
    "admission_date",
    "stage",
    "social_worker",
    "room",
    "termination_date",
    "termination_reason",
)

MOVED_FIELDS = ("stage", "termination_date", "termination_reason")


@dataclass(frozen=True)
class ShownMatch:
    """A likely match as the registration form shows it."""

    client: Client
    reasons: list[str]
    url: str
    details: str
    readmit_url: str | None = None  # "same person: admit again", for a stay that ended

PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "webp")


def _photo_dir() -> str:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "photos"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


class PhotoField(ImageUploadField):
    """Flask-Admin's image field (its preview widget, its "delete" box), but the upload is
    checked by size and content and re-encoded during validation (services/uploads.py, never
    Flask-Admin's unbounded Image.open), and the file follows the transaction: written under
    a generated name only when the record is saved, removed again if the save fails; a
    replaced photo is deleted only once the change is committed."""

    photo: bytes | None = None  # the re-encoded upload, once validated

    def pre_validate(self, form) -> None:
        FileUploadField.pre_validate(self, form)  # the extension
        self.photo = None
        if not self._is_uploaded_file(self.data):
            return
        data = self.data
        try:
            data.stream.seek(0, os.SEEK_END)
            size = data.stream.tell()
            data.stream.seek(0)
            limit = current_app.config["PHOTO_MAX_BYTES"]
            if size > limit:
                raise StopValidation(_("Ukuran foto %(size)s KB melebihi batas %(limit)s KB.",
                                       size=size // 1024, limit=limit // 1024))
            self.photo = reencoded_photo(data.stream, limit)
        except PhotoRefused as exc:
            raise StopValidation(str(exc)) from exc
        finally:
            data.close()  # a large upload sits in a temporary file until closed

    def populate_obj(self, obj, name: str) -> None:
        folder = Path(_photo_dir())
        old = getattr(obj, name, None)
        if self._should_delete or self.photo is not None:
            if old:
                remove_on_commit(db.session, folder / old)
            setattr(obj, name, None)
        if self.photo is not None:
            filename = f"{uuid.uuid4().hex}.jpg"  # never the uploaded, user-chosen name
            write_with_transaction(db.session, folder / filename, self.photo)
            setattr(obj, name, filename)


def _client_sections() -> list:
    return sections(
        Section(_l("Identitas"), ("cohort", "full_name", "photo", "sex", "birth_place",
                                  "birth_date", "religion", "nik", "family_card_number")),
        Section(_l("Asal & rujukan"), ("address", "district_of_origin", "referral_source",
                                       "arrival_condition", "belongings")),
        Section(_l("Keluarga / wali"), ("guardian_name", "guardian_relation",
                                        "guardian_phone")),
        Section(_l("Penempatan & pelayanan"), ("admission_date", "social_worker", "room")),
    )


class ClientView(RuleChecked, SecureModelView):
    """The client roster: registration data, stage, room and social worker."""

    rules = client_problems
    rules_skip = ("photo", "social_worker")

    # The room's occupancy (a count per row) is not shown here, so not computed.
    list_options = (joinedload(Client.social_worker),
                    joinedload(Client.room).defer(Room.occupancy))
    column_list = (
        "register_number",
        "full_name",
        "sex",
        "cohort",
        "stage",
        "district_of_origin",
        "social_worker.name",
        "room.name",
        "admission_date",
    )
    column_details_list = REGISTRATION_FIELDS
    details_template = "admin/client_details.html"
    column_labels = CLIENT_LABELS
    # What the search box reads (services/client_search.py answers through the engines' text
    # index; the list makes the box and its placeholder from these).
    column_searchable_list = SEARCHED
    column_sortable_list = (
        "register_number",
        "full_name",
        "cohort",
        "stage",
        "district_of_origin",
        ("social_worker.name", "social_worker.name"),
        ("room.name", "room.name"),
        "admission_date",
    )
    column_default_sort = ("register_number", True)
    column_filters = (
        FilterEqual(Client.stage, _l("Tahap pelayanan"), options=STAGES.choices),
        FilterEqual(Client.sex, _l("Jenis kelamin"), options=SEXES.choices),
        IntEqualFilter(Client.cohort, _l("Angkatan")),
        DateBetweenFilter(Client.admission_date, _l("Tanggal masuk")),
        FilterLike(Client.district_of_origin, _l("Kabupaten/kota asal")),
        "social_worker.name",
        "room.name",
    )
    column_formatters = {
        "sex": choice_formatter(SEXES),
        "stage": choice_formatter(STAGES),
        "religion": choice_formatter(RELIGIONS),
        "referral_source": choice_formatter(REFERRAL_SOURCES),
        "termination_reason": choice_formatter(TERMINATION_REASONS),
    }
    column_formatters_detail = {
        **column_formatters,
        # A candidate's page says why there is no number yet.
        "register_number": lambda _v, _c, model, _n: model.register_number or _(
            "Belum ada (diberikan saat penerimaan)"),
    }

    # The stage and the termination are set by moves (services/lifecycle.py), not typed; the
    # register number is issued by the move to admission, never typed or changed.
    form_columns = tuple(name for name in REGISTRATION_FIELDS
                         if name not in MOVED_FIELDS and name != "register_number")
    # The registration in the sections of the paper buku induk.
    form_create_rules = [LikelyMatches(), *_client_sections()]
    form_edit_rules = _client_sections()
    form_choices = {
        "sex": SEXES.choices,
        "religion": RELIGIONS.choices,
        "stage": STAGES.choices,
        "referral_source": REFERRAL_SOURCES.choices,
        "termination_reason": TERMINATION_REASONS.choices,
    }
    form_overrides = {"photo": PhotoField}
    form_ajax_refs = {"social_worker": staff_picker("social_worker", "social_worker")}
    form_args = {
        # The domain rules (NIK, dates, phone, room, termination, lengths) are those of
        # services.client_rules, applied in validate_form for the form and the import alike.
        "full_name": {"filters": [strip_text]},
        "nik": {
            "description": _l("16 angka sesuai KTP; kosongkan bila klien tidak punya KTP."),
            "filters": [strip_spaces],
        },
        "family_card_number": {"filters": [strip_spaces]},
        "cohort": {"description": _l("Nomor urut angkatan.")},
        "photo": {
            "base_path": _photo_dir,
            "allowed_extensions": PHOTO_EXTENSIONS,
            "endpoint": "client.photo",
            "description": _l("JPG/PNG/WebP, maks. 2 MB."),
        },
    }

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """Each word typed found in the register number, name, NIK, birthplace or district,
        through the engine's text index (services/client_search.py)."""
        for condition in client_search.conditions(search):
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # Lengths are a rule of client_problems (same words in the form and the import);
        # the browser still gets the limit as maxlength.
        for name, limit in TEXT_LIMITS.items():
            unbound = getattr(form_class, name, None)
            if unbound is None:
                continue
            unbound.kwargs["validators"] = [v for v in unbound.kwargs.get("validators") or ()
                                            if not isinstance(v, Length)]
            unbound.kwargs["render_kw"] = {**(unbound.kwargs.get("render_kw") or {}),
                                           "maxlength": limit}
        # A NIK held by another client: the rule names that client ("Sudah ada." would not).
        form_class.nik.kwargs["validators"] = [
            v for v in form_class.nik.kwargs.get("validators") or () if not isinstance(v, Unique)]
        return form_class

    def rule_values(self, form) -> dict:
        """The form's values, and the stage the client is in (not a field: the room's
        rules count only clients living in the panti)."""
        record = getattr(form, "_obj", None)
        return {**super().rule_values(form),
                "stage": record.stage if record is not None else Stage.APPROACH}

    def validate_form(self, form) -> bool:
        """The form's checks and the client rules; then a new registration meets the
        duplicate check (services/duplicates.py): likely matches are shown on the form and
        it saves only once the user ticks that this is a different person."""
        valid = super().validate_form(form)
        if not valid or not is_form_submitted() or not isinstance(form, self._create_form_class):
            return valid
        values = self.rule_values(form)
        matches = duplicates.likely_same(values, today=panti_today(),
                                         where=visible(Client, current_user))
        if not matches:
            return True
        shown = {str(match.client.id) for match in matches}
        if request.form.get("different_person") == "1" \
                and shown <= set(request.form.getlist("shown")):
            form.different_from = [str(match.client) for match in matches]
            return True
        form.likely_matches = [ShownMatch(
            match.client, match.reasons,
            self.get_url(".details_view", id=match.client.id),
            " · ".join(part for part in (
                f"{match.client.birth_place or ''} {format_date(match.client.birth_date)}".strip(),
                STAGES.label(match.client.stage)) if part),
            self.get_url(".readmit_view", id=match.client.id)
            if stays.ended(match.client) and stays.may_readmit(current_user) else None)
            for match in matches]
        return False

    def after_model_change(self, form, model, is_created):
        """Record the "different person" choice made against the matches shown."""
        super().after_model_change(form, model, is_created)
        different = getattr(form, "different_from", None)
        if is_created and different:
            db.session.add(DuplicateDecision(
                client_id=model.id, shown=", ".join(different)[:255],
                decided_by_id=current_user.id))
            db.session.commit()

    def on_model_change(self, form, model, is_created):
        if is_created:
            # The stage is not a field: a new client begins at the first stage and moves on
            # through the stage machine (services/lifecycle.py, the "Pindah tahap" page).
            model.stage = Stage.APPROACH
            lifecycle.begin(model, user=current_user._get_current_object())

    @expose("/details/")
    def details_view(self):
        """The registration details, with the client's attendance rate across classes."""
        client_id = parse_id(request.args.get("id"))
        if client_id is not None:
            self._template_args["attendance"] = one_client_by_class(client_id)
            self._template_args["timeline"] = lifecycle.timeline(client_id)
            self._template_args["describe"] = lifecycle.describe
            self._template_args["may_move"] = role_in(writers("client_stage"))
            # The documents only to those who may read them, and only those they may see.
            self._template_args["documents"] = db.session.scalars(
                select(ClientDocument).options(joinedload(ClientDocument.document_type))
                .where(ClientDocument.client_id == client_id,
                       *visible(ClientDocument, current_user))
                .order_by(ClientDocument.issued_on.desc(), ClientDocument.id.desc())
            ).all() if role_in(readers("client_document")) else None
            self._template_args["may_add_document"] = role_in(writers("client_document"))
            # The case's printed forms, for who works on the case (services/scopes.caseload).
            self._template_args["case_forms"] = role_in(readers("case_note")) and \
                works_on(client_id)
            self._template_args["this_month"] = panti_today()
            client = db.session.get(Client, client_id)
            if client is not None:
                self._template_args["earlier_stays"] = stays.earlier(client)
                self._template_args["stages"] = STAGES
                self._template_args["termination_reasons"] = TERMINATION_REASONS
                self._template_args["may_readmit"] = \
                    stays.ended(client) and stays.may_readmit(current_user)
        return super().details_view()

    @expose("/readmit/", methods=("POST",))
    def readmit_view(self):
        """*Terima kembali*: the person whose stay ended begins a new stay (services/stays.py),
        from the client page or from the duplicate check's "same person" on a registration
        form (which posts the matches it showed, recorded with the choice)."""
        if not stays.may_readmit(current_user):
            abort(403)
        client = self.get_one(request.args.get("id", ""))  # 404 outside the reader's scope
        user = current_user._get_current_object()
        shown = [str(found) for found in (
            db.session.get(Client, parse_id(raw)) for raw in request.form.getlist("shown"))
            if found is not None]
        started = run_step(lambda: stays.readmit(client, user, note=request.form.get("note"),
                                                 shown=shown))
        # No version check: the rule itself refuses a second re-admission (the stay is open
        # again), and two at the same moment meet the client's row version.
        if started is not FAILED:
            flash(_("%(client)s diterima kembali: masa tinggal ke-%(n)s dimulai pada tahap 1. "
                    "Lengkapi data kedatangan, lalu seleksi.", client=client.full_name,
                    n=client.stay), "success")
        return redirect(self.get_url(".details_view", id=client.id))

    @expose("/case-file/")
    def case_file_view(self):
        """The client's case file (file pelayanan), parts a–m, each part only what the
        reader may see; prints on A4."""
        client = self.get_one(request.args.get("id", ""))  # 404 outside the reader's scope
        number = parse_id(request.args.get("stay")) if request.args.get("stay") else None
        file = case_file(client, current_user, number)
        if file is None or (request.args.get("stay") and number is None):
            abort(404)  # no such stay of this client
        return self.render(
            "admin/case_file.html", file=file,
            writable={screen for screen in ("case_note", "client_document", "referral",
                                            "placement", "aftercare", "conference",
                                            "staff_report")
                      if role_in(writers(screen))},
            stages=STAGES, sexes=SEXES, religions=RELIGIONS, aspects=ASSESSMENT_ASPECTS,
            kinds=CASE_NOTE_KINDS, recommendations=DECISION_RECOMMENDATIONS,
            reasons=TERMINATION_REASONS, referral_statuses=REFERRAL_STATUSES,
            placement_kinds=PLACEMENT_KINDS, aftercare_kinds=AFTERCARE_KINDS,
            report_kinds=STAFF_REPORT_KINDS, skill_levels=SKILL_LEVELS,
            describe=lifecycle.describe)

    @expose("/photo/<path:filename>")
    def photo(self, filename: str):
        """Serve a client's photo to those who may see that client (never from static/)."""
        client = self.get_query().filter(Client.photo == filename).one_or_none()
        if client is None:
            abort(404)
        response = send_from_directory(_photo_dir(), client.photo)
        response.headers["Cache-Control"] = "private, max-age=300"
        return response
