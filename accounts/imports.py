"""Import users and their roles from a spreadsheet (registered with clusters' importers).

New accounts get no password: after the import commits, each new user receives an e-mail with a
link to choose one (accounts.emails.send_account_invitation, sent by a Celery task), so no administrator ever knows or
sends a password.

An existing user name is an error, unless the row describes the same person: the same e-mail
and the same name (ignoring case and diacritics), and an account the importing administrator
manages. Then the row adds the role to that account, or is skipped with a note when the account
already holds that role at that organization, so importing the same file twice changes nothing.
One user may take several rows, one per role, when every row gives the same name and e-mail.
"""

import re
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.imports.base import LOOKUP_CHUNK, Importer, OrganizationIndex, register
from clusters.spreadsheets import Row
from clusters.text import clean_text, fold

from . import services
from .tasks import send_account_invitation_task
from .models import Role, RoleAssignment, User
from .permissions import is_central_admin
from .selectors import users_for

USERNAME = "Tên đăng nhập"
FULL_NAME = "Họ và tên"
EMAIL = "E-mail"
ROLE = "Vai trò"
ORGANIZATION = "Mã đơn vị"

# The spreadsheet contract's names of the roles: data, not translations.
ROLE_LABELS = {
    "Cán bộ thi đua đơn vị": Role.UNIT_STAFF,
    "Thủ trưởng đơn vị": Role.UNIT_HEAD,
    "Cụm trưởng / Khối trưởng": Role.GROUP_LEADER,
    "Thẩm định (Ban Tổ chức cán bộ)": Role.APPRAISER,
    "Thành viên Hội đồng TĐKT": Role.COUNCIL_MEMBER,
    "Quản trị": Role.ADMIN,
    "Lãnh đạo": Role.LEADERSHIP,
}
_ROLE_ALIASES = {
    "can bo lam cong tac thi dua cua don vi": Role.UNIT_STAFF,
    "cum truong": Role.GROUP_LEADER,
    "khoi truong": Role.GROUP_LEADER,
    "tham dinh": Role.APPRAISER,
    "thanh vien hoi dong thi dua, khen thuong": Role.COUNCIL_MEMBER,
    "quan tri vien": Role.ADMIN,
    **{value: value for value in Role.values},
}
ROLES_BY_FOLD = {fold(label): role for label, role in ROLE_LABELS.items()} | _ROLE_ALIASES
# The roles a provincial alliance's administrator may give (as on the user form).
LOCAL_ROLES = (Role.UNIT_STAFF, Role.UNIT_HEAD, Role.GROUP_LEADER, Role.ADMIN)
CENTRAL_ONLY_ROLES = (Role.APPRAISER, Role.COUNCIL_MEMBER, Role.LEADERSHIP)
_USERNAME = re.compile(r"^[A-Za-z0-9@.+_-]+$")


@dataclass
class UserRow:
    row: int
    username: str
    full_name: str
    email: str
    role: str
    organization_id: int
    existing_id: int | None

    @property
    def key(self) -> str:
        return self.username.lower()


@register
class UserImporter(Importer):
    kind = "users"
    label = gettext_lazy("Users")
    headers = (USERNAME, FULL_NAME, EMAIL, ROLE, ORGANIZATION)
    example = ("nguyenthihoa", "Nguyễn Thị Hoà", "hoa.nguyen@example.vn", "Cán bộ thi đua đơn vị",
               "HTX-HA-NOI-001")
    outcomes = {
        "create": gettext_lazy("New accounts"),
        "add_role": gettext_lazy("Roles added to existing accounts"),
        "skip": gettext_lazy("Already holding the role, skipped"),
    }
    template_name = "mau-nhap-nguoi-dung.xlsx"

    @classmethod
    def instructions(cls):
        return [
            (USERNAME, _("Required. Unaccented letters, digits and @ . + - _, at most 150 "
                         "characters.")),
            (FULL_NAME, _("Required. At most 150 characters.")),
            (EMAIL, _("Required. Each new account receives an e-mail at this address with a link "
                      "to choose its password.")),
            (ROLE, _("Required. One of: %(roles)s. Provincial administrators may give only: "
                     "%(local)s.") % {"roles": "; ".join(ROLE_LABELS),
                                      "local": "; ".join(_local_labels())}),
            (ORGANIZATION, _("Required. The code of the organization where the role is held, "
                             "within your scope.")),
            ("", _("Several rows may give several roles to one user, with the same name and "
                   "e-mail. An existing user name is accepted only for the same person (same name "
                   "and e-mail): the role is then added to that account.")),
        ]

    # --- validation ----------------------------------------------------------------------------

    def check(self, rows):
        self.local_only = not is_central_admin(self.user)
        self.orgs = OrganizationIndex(self.user, (row[ORGANIZATION] for row in rows))
        self._load_existing(rows)
        self.first_of_user: dict[str, UserRow] = {}
        self.seen_roles: dict[tuple, int] = {}
        self.seen_emails: dict[str, tuple[str, int]] = {}
        self.planned_keys: set[str] = set()
        for row in rows:
            self._check_row(row)

    def _load_existing(self, rows) -> None:
        names = sorted({clean_text(row[USERNAME]).lower() for row in rows} - {""})
        emails = sorted({clean_text(row[EMAIL]).lower() for row in rows} - {""})
        self.users_by_name: dict[str, User] = {}
        self.users_by_email: dict[str, User] = {}
        for start in range(0, len(names), LOOKUP_CHUNK):
            for user in User.objects.annotate(key=Lower("username")).filter(
                    key__in=names[start:start + LOOKUP_CHUNK]):
                self.users_by_name[user.key] = user
        for start in range(0, len(emails), LOOKUP_CHUNK):
            for user in User.objects.annotate(key=Lower("email")).filter(
                    key__in=emails[start:start + LOOKUP_CHUNK]):
                self.users_by_email[user.key] = user
        ids = sorted({u.pk for u in self.users_by_name.values()})
        self.manageable: set[int] = set()
        self.current_roles: set[tuple] = set()
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start:start + LOOKUP_CHUNK]
            self.manageable.update(users_for(self.user).filter(pk__in=chunk)
                                   .values_list("pk", flat=True))
            self.current_roles.update(RoleAssignment.objects.current().filter(user_id__in=chunk)
                                      .values_list("user_id", "role", "organization_id"))

    def _check_row(self, row: Row) -> None:
        username = self._username(row)
        full_name = self.text_cell(row, FULL_NAME, max_length=150, required=True)
        email = self._email(row)
        role = self._role(row)
        org = self.orgs.resolve(self, row, ORGANIZATION)
        if org is not None and role in CENTRAL_ONLY_ROLES and not org.is_central:
            self.error(row, ROLE, _("This role can be given only at the Vietnam Cooperative "
                                    "Alliance body or one of its departments."))
        if self.row_has_errors(row):
            return
        new = UserRow(row.number, username, full_name, email, role, org.pk, None)
        if not self._same_user_as_earlier_rows(row, new) or not self._existing_account(row, new):
            return
        first = self.seen_roles.setdefault((new.key, role, org.pk), row.number)
        if first != row.number:
            self.error(row, ROLE, _("Rows %(first)s and %(second)s give the same role at the same "
                                    "organization to “%(username)s”.")
                       % {"first": first, "second": row.number, "username": username})
            return
        if new.existing_id and (new.existing_id, role, org.pk) in self.current_roles:
            self.note(row, ROLE, _("“%(username)s” already holds this role at %(org)s; this row "
                                   "is skipped.") % {"username": username, "org": org.code})
            self.plan.count("skip")
            return
        self.plan.actions.append(new)
        self.plan.count("add_role" if new.existing_id or new.key in self.planned_keys else "create")
        self.planned_keys.add(new.key)

    def _username(self, row: Row) -> str:
        username = self.text_cell(row, USERNAME, max_length=150, required=True)
        if username and not _USERNAME.match(username):
            self.error(row, USERNAME, _("A user name contains only unaccented letters, digits and "
                                        "@ . + - _; “%(value)s” does not.") % {"value": username})
        return username or ""

    def _email(self, row: Row) -> str:
        email = (self.text_cell(row, EMAIL, max_length=254, required=True) or "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(row, EMAIL, _("“%(value)s” is not a valid e-mail address.")
                           % {"value": email})
        return email

    def _role(self, row: Row) -> str:
        value = clean_text(row[ROLE])
        if not value:
            self.error(row, ROLE, _("Required; this cell is empty."))
            return ""
        role = ROLES_BY_FOLD.get(fold(value))
        if role is None:
            self.error(row, ROLE, _("Unknown role “%(value)s”. Use one of: %(choices)s.")
                       % {"value": value[:60], "choices": "; ".join(ROLE_LABELS)})
            return ""
        if self.local_only and role not in LOCAL_ROLES:
            self.error(row, ROLE, _("With your role you may give only these roles: %(roles)s.")
                       % {"roles": "; ".join(_local_labels())})
            return ""
        return role

    def _same_user_as_earlier_rows(self, row: Row, new: UserRow) -> bool:
        first = self.first_of_user.setdefault(new.key, new)
        if first is not new and (first.email, fold(first.full_name)) != (new.email,
                                                                         fold(new.full_name)):
            self.error(row, USERNAME, _("User name “%(username)s” is in rows %(first)s and "
                                        "%(second)s with a different name or e-mail.")
                       % {"username": new.username, "first": first.row, "second": row.number})
            return False
        owner_key, owner_row = self.seen_emails.setdefault(new.email, (new.key, row.number))
        if owner_key != new.key:
            self.error(row, EMAIL, _("E-mail %(email)s is given to two different users, in rows "
                                     "%(first)s and %(second)s.")
                       % {"email": new.email, "first": owner_row, "second": row.number})
            return False
        return True

    def _existing_account(self, row: Row, new: UserRow) -> bool:
        """Match the row with an existing account; False after recording why it cannot be."""
        user = self.users_by_name.get(new.key)
        email_owner = self.users_by_email.get(new.email)
        if user is None:
            if email_owner is not None:
                self.error(row, EMAIL, _("E-mail %(email)s is already used by another account.")
                           % {"email": new.email})
                return False
            return True
        same_person = (user.email.lower() == new.email
                       and fold(user.full_name) == fold(new.full_name))
        if not same_person or user.pk not in self.manageable:
            self.error(row, USERNAME, _("User name “%(username)s” is already taken by another "
                                        "account. Use another user name; to give a role to that "
                                        "account, write its name and e-mail exactly as "
                                        "recorded.") % {"username": new.username})
            return False
        new.existing_id = user.pk
        return True

    # --- writing -------------------------------------------------------------------------------

    def commit(self, plan) -> dict[str, int]:
        """Create accounts through accounts.services (no usable password) and give roles through
        role_assign, which applies its own rules again. After the transaction commits, each new
        account gets its invitation e-mail."""
        organizations = {org.pk: org for org in self.orgs.by_code.values()}
        accounts: dict[str, User] = {}
        created = []
        counts = {"create": 0, "add_role": 0}
        for new in plan.actions:
            user = accounts.get(new.key)
            if user is None and new.existing_id:
                user = User.objects.get(pk=new.existing_id)
            if user is None:
                # A None password is Django's unusable password: the user chooses one by e-mail.
                user = services.user_create(username=new.username, full_name=new.full_name,
                                            email=new.email, password=None)
                created.append(user.pk)
                counts["create"] += 1
            else:
                counts["add_role"] += 1
            accounts[new.key] = user
            services.role_assign(user=user, role=new.role,
                                 organization=organizations[new.organization_id])
        for user_id in created:
            # One task per account, queued only once the import has committed.
            transaction.on_commit(partial(send_account_invitation_task.delay, user_id=user_id))
        return counts


def _local_labels() -> list[str]:
    return [label for label, role in ROLE_LABELS.items() if role in LOCAL_ROLES]
