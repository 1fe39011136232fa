"""Staff (pegawai) and login accounts."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import PasswordField
from wtforms.validators import Length, Optional, StopValidation, ValidationError

from forms.validators import phone_number, strip_spaces, strip_text
from models import Staff, User, db
from models.choices import POSITIONS, ROLES
from services.accounts import email_problem, grant_problem, password_problem, username_problem
from services.integrity import unique_message

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import staff_picker


class StaffView(SecureModelView):
    """Employees and other people who serve clients."""

    column_list = ("employee_number", "name", "position", "phone", "is_core_member", "active")
    column_details_list = column_list
    column_labels = {
        "employee_number": _l("NIP / nomor pegawai"),
        "name": _l("Nama"),
        "position": _l("Jabatan"),
        "phone": _l("Telepon"),
        "is_core_member": _l("Anggota inti KK"),
        "active": _l("Aktif"),
    }
    column_searchable_list = ("name", "employee_number")
    column_sortable_list = ("employee_number", "name", "position")
    column_default_sort = "name"
    column_filters = (
        FilterEqual(Staff.position, _l("Jabatan"), options=POSITIONS.choices),
        BooleanEqualFilter(Staff.is_core_member, _l("Anggota inti KK")),
        BooleanEqualFilter(Staff.active, _l("Aktif")),
    )
    column_formatters = {"position": choice_formatter(POSITIONS)}
    column_formatters_detail = column_formatters
    form_columns = ("employee_number", "name", "position", "phone", "is_core_member", "active")
    form_choices = {"position": POSITIONS.choices}
    form_args = {
        "employee_number": {"filters": [strip_spaces],
                            "description": _l("NIP bagi ASN; boleh kosong.")},
        "name": {"filters": [strip_text]},
        "phone": {"validators": [Optional(), phone_number], "filters": [strip_text]},
    }


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _username(form, field):
    if field.data and (problem := username_problem(field.data)):
        raise ValidationError(problem)


def _email(form, field):
    if field.data and (problem := email_problem(field.data)):
        raise ValidationError(problem)


def _password_rules(form, field):
    creating = getattr(form, "_obj", None) is None
    if not field.data:
        if creating:
            raise ValidationError(_("Kata sandi wajib diisi untuk akun baru."))
        return
    if problem := password_problem(field.data, form.username.data):
        raise ValidationError(problem)


def _role_grantable(form, field):
    """Only a role the user may grant (services.accounts.grantable_roles), and only on an
    account whose present role they may grant: the admin can neither make a head nor take
    over a head's account by resetting its password."""
    record = getattr(form, "_obj", None)
    problem = (grant_problem(record.role, current_user) if record is not None else None) \
        or grant_problem(field.data, current_user)
    if problem:
        raise StopValidation(problem)


def _one_account_per_staff(form, field):
    """A staff member has one account: picking one who has another would quietly take the
    staff member off that account (the link is one-to-one), so it is refused instead."""
    record = getattr(form, "_obj", None)
    if field.data is None:
        return
    with db.session.no_autoflush:
        other = db.session.scalar(select(User.id).where(User.staff_id == field.data.id))
    if other is not None and (record is None or other != record.id):
        raise StopValidation(str(unique_message("user_account", ["staff_id"])))


class UserView(SecureModelView):
    """Login accounts with their role; the password is only ever set, never shown."""

    list_options = (joinedload(User.staff),)
    column_list = ("username", "role", "staff", "email", "is_active_account",
                   "must_change_password", "last_login_at")
    column_details_list = column_list
    column_labels = {
        "username": _l("Nama pengguna"),
        "role": _l("Peran"),
        "staff": _l("Pegawai"),
        "email": _l("E-mail"),
        "is_active_account": _l("Aktif"),
        "must_change_password": _l("Wajib ganti kata sandi"),
        "last_login_at": _l("Terakhir masuk"),
        "new_password": _l("Kata sandi baru"),
    }
    column_searchable_list = ("username",)
    column_sortable_list = ("username", "role", "last_login_at")
    column_default_sort = "username"
    column_filters = (
        FilterEqual(User.role, _l("Peran"), options=ROLES.choices),
        BooleanEqualFilter(User.is_active_account, _l("Aktif")),
    )
    column_formatters = {"role": choice_formatter(ROLES)}
    column_formatters_detail = column_formatters
    form_columns = ("username", "role", "staff", "email", "is_active_account",
                    "must_change_password")
    form_choices = {"role": ROLES.choices}
    form_ajax_refs = {"staff": staff_picker("staff")}
    form_args = {
        "username": {"validators": [_username, Length(max=50)], "filters": [_lower]},
        "role": {"validators": [_role_grantable]},
        "staff": {"validators": [_one_account_per_staff]},
        "email": {"validators": [Optional(), _email],
                  "filters": [strip_text],
                  "description": _l("Untuk e-mail ringkasan pekerjaan harian (hanya jumlah "
                                    "dan tautan); boleh kosong.")},
    }

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        record = self.get_one(request.args.get("id", ""))
        if problem := grant_problem(record.role, current_user):
            flash(problem, "error")  # the account is out of this user's reach
            return redirect(self.get_url(".details_view", id=record.id))
        return super().edit_view()

    def on_model_delete(self, model):
        if problem := grant_problem(model.role, current_user):
            raise ValidationError(problem)

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.new_password = PasswordField(
            _l("Kata sandi baru"),
            validators=[_password_rules],
            description=_l("Minimal 10 karakter. Kosongkan saat mengubah bila tidak diganti."),
        )
        return form_class

    def on_model_change(self, form, model, is_created):
        if form.new_password.data:
            model.set_password(form.new_password.data)  # also ends the user's sessions
        elif not model.is_active_account:
            model.end_sessions()  # a deactivated account is logged out everywhere now
