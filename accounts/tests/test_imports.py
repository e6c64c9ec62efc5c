"""Importing users: accounts without a password and an e-mail to choose one, roles within the
administrator's scope, and every kind of bad row refused with its message."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.imports import LOCAL_ROLES, ROLE_LABELS, UserImporter
from accounts.models import Role, RoleAssignment, User
from clusters.imports import import_commit, import_preview
from clusters.models import ImportBatch
from clusters.tests.importing import (
    counts,
    csv_upload,
    expect_vietnamese_after_merge,
    notes,
    problems,
    snapshot,
    xlsx_upload,
)

USERS = UserImporter.headers
REQUIRED = "Required; this cell is empty."
NEW_PASSWORD = "mat-khau-moi-rat-dai-2026!"


def preview(user, rows, make=xlsx_upload, **kwargs) -> ImportBatch:
    return import_preview(kind="users", uploaded_file=make([USERS, *rows], **kwargs), user=user)


def commit(batch, user, capture):
    with capture(execute=True):
        return import_commit(batch=batch, user=user)


def test_user_import_creates_accounts_without_password_and_mails_a_link(
        world, client, django_capture_on_commit_callbacks):
    admin = world.users.admin
    batch = preview(admin, [
        ["nguyenthihoa", "Nguyễn Thị Hoà", "Hoa.Nguyen@Example.vn", "Cán bộ thi đua đơn vị", "HTX-HN-1"],
        ["nguyenthihoa", "Nguyễn Thị Hoà", "hoa.nguyen@example.vn", "thủ trưởng đơn vị", "htx-hn-1"],
        ["tranvanan", "Trần Văn An", "an.tran@example.vn", "Lãnh đạo", "LMHTXVN"],
    ])
    before = snapshot()

    assert (problems(batch), counts(batch)) == ([], {"create": 2, "add_role": 1, "skip": 0})
    assert snapshot() == before

    commit(batch, admin, django_capture_on_commit_callbacks)

    hoa = User.objects.get(username="nguyenthihoa")
    assert (hoa.full_name, hoa.email, hoa.has_usable_password()) == (
        "Nguyễn Thị Hoà", "hoa.nguyen@example.vn", False)
    assert sorted(hoa.role_assignments.values_list("role", "organization__code")) == [
        (Role.UNIT_HEAD, "HTX-HN-1"), (Role.UNIT_STAFF, "HTX-HN-1")]
    assert list(User.objects.get(username="tranvanan").role_assignments.values_list(
        "role", "organization__code")) == [(Role.LEADERSHIP, "LMHTXVN")]
    assert snapshot()["users"] == before["users"] + 2
    assert snapshot()["roles"] == before["roles"] + 3
    assert sorted(m.to for m in mail.outbox) == [["an.tran@example.vn"], ["hoa.nguyen@example.vn"]]

    message = next(m for m in mail.outbox if m.to == ["hoa.nguyen@example.vn"])
    link = re.search(r"https?://\S+", message.body).group(0)
    assert link in message.alternatives[0][0]
    assert "nguyenthihoa" in message.body
    response = client.get(urlsplit(link).path)
    response = client.post(response.url, {"new_password1": NEW_PASSWORD,
                                          "new_password2": NEW_PASSWORD})
    hoa.refresh_from_db()
    assert response.status_code == 302
    assert hoa.check_password(NEW_PASSWORD)


def test_user_reimport_of_the_same_file_changes_nothing_and_sends_nothing(
        world, django_capture_on_commit_callbacks):
    admin = world.users.admin
    rows = [["nguyenthihoa", "Nguyễn Thị Hoà", "hoa.nguyen@example.vn", "Quản trị", "HTX-HN-1"]]
    commit(preview(admin, rows), admin, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    before = snapshot()

    batch = preview(admin, rows, make=csv_upload, delimiter=";", bom=True)
    commit(batch, admin, django_capture_on_commit_callbacks)

    assert notes(batch) == [(2, "Vai trò", _("“%(username)s” already holds this role at %(org)s; "
                                             "this row is skipped.")
                             % {"username": "nguyenthihoa", "org": "HTX-HN-1"})]
    assert counts(batch) == {"create": 0, "add_role": 0, "skip": 1}
    assert snapshot() == before
    assert mail.outbox == []


def test_user_row_for_the_same_person_adds_a_role_without_mail(
        world, django_capture_on_commit_callbacks):
    staff = world.users.staff

    batch = preview(world.users.province_admin, [
        [staff.username.upper(), "nguoi dung thu", staff.email.upper(), "Thủ trưởng đơn vị",
         "HTX-HN-1"]])
    commit(batch, world.users.province_admin, django_capture_on_commit_callbacks)

    batch.refresh_from_db()
    assert counts(batch, "result") == {"create": 0, "add_role": 1, "skip": 0}
    assert RoleAssignment.objects.filter(user=staff, role=Role.UNIT_HEAD,
                                         organization=world.coop_hanoi).count() == 1
    assert mail.outbox == []


def test_user_existing_names_and_emails_are_refused(world):
    before = snapshot()
    taken = ("User name “%(username)s” is already taken by another account. Use another user "
             "name; to give a role to that account, write its name and e-mail exactly as recorded.")

    batch = preview(world.users.province_admin, [
        ["canbo.hanoi", "Người Dùng Thử", "khac@example.vn", "Quản trị", "HTX-HN-1"],
        ["canbo.hue", "Người Dùng Thử", "canbo.hue@example.vn", "Quản trị", "HTX-HN-1"],
        ["nguoimoi", "Người Mới", "QUANTRI@example.vn", "Quản trị", "HTX-HN-1"],
    ])

    assert problems(batch) == [
        (2, "Tên đăng nhập", _(taken) % {"username": "canbo.hanoi"}),
        (3, "Tên đăng nhập", _(taken) % {"username": "canbo.hue"}),
        (4, "E-mail", _("E-mail %(email)s is already used by another account.")
         % {"email": "quantri@example.vn"}),
    ]
    assert snapshot() == before


def test_user_roles_and_organizations_outside_a_provincial_admin_scope_are_refused(world):
    before = snapshot()
    local = "; ".join(label for label, role in ROLE_LABELS.items() if role in LOCAL_ROLES)

    batch = preview(world.users.province_admin, [
        ["a.thamdinh", "Lê Văn A", "a@example.vn", "Thẩm định (Ban Tổ chức cán bộ)", "HTX-HN-1"],
        ["b.hue", "Lê Văn B", "b@example.vn", "Cán bộ thi đua đơn vị", "HTX-HUE-1"],
        ["c.ok", "Lê Văn C", "c@example.vn", "Quản trị", "HTX-HN-1"],
    ])

    assert problems(batch) == [
        (2, "Vai trò", _("With your role you may give only these roles: %(roles)s.")
         % {"roles": local}),
        (3, "Mã đơn vị", _("Organization “%(code)s” is outside your scope: you manage only "
                           "%(scope)s and its member units.")
         % {"code": "HTX-HUE-1", "scope": "Liên minh Hợp tác xã Hà Nội"}),
    ]
    assert snapshot() == before


def test_user_central_only_role_at_a_local_organization_is_refused(world):
    batch = preview(world.users.admin, [
        ["lanhdao.hn", "Lê Văn D", "d@example.vn", "Lãnh đạo", "LM-HA-NOI"]])

    assert problems(batch) == [(2, "Vai trò", _(
        "This role can be given only at the Vietnam Cooperative Alliance body or one of its "
        "departments."))]


def test_user_bad_values_are_reported(world):
    before = snapshot()

    batch = preview(world.users.admin, [
        ["Nguyễn Hoà", "Nguyễn Thị Hoà", "hoa@", "Giám đốc", "HTX-HN-1"],
        ["", "", "", "", ""],
        ["x" * 151, "Lê Văn E", "e@example.vn", "unit_staff", "KHONG-CO"],
    ])

    assert problems(batch) == [
        (2, "Tên đăng nhập", _("A user name contains only unaccented letters, digits and @ . + - "
                               "_; “%(value)s” does not.") % {"value": "Nguyễn Hoà"}),
        (2, "E-mail", _("“%(value)s” is not a valid e-mail address.") % {"value": "hoa@"}),
        (2, "Vai trò", _("Unknown role “%(value)s”. Use one of: %(choices)s.")
         % {"value": "Giám đốc", "choices": "; ".join(ROLE_LABELS)}),
        (4, "Tên đăng nhập", _("At most %(limit)s characters (this cell has %(length)s).")
         % {"limit": 150, "length": 151}),
        (4, "Mã đơn vị", _("There is no organization with code “%(code)s”.") % {"code": "KHONG-CO"}),
    ]
    assert snapshot() == before


def test_user_row_with_every_cell_empty_but_one_reports_each_missing_value(world):
    batch = preview(world.users.admin, [["ai.do", "", "", "", ""]])

    assert problems(batch) == [(2, column, _(REQUIRED)) for column in USERS[1:]]


def test_user_duplicates_inside_the_file_name_both_rows(world):
    before = snapshot()

    batch = preview(world.users.admin, [
        ["hoa", "Nguyễn Thị Hoà", "hoa@example.vn", "Quản trị", "HTX-HN-1"],
        ["hoa", "Nguyễn Thị Hoà", "hoa@example.vn", "Quản trị", "HTX-HN-1"],
        ["HOA", "Nguyễn Thị Hoà", "hoa.khac@example.vn", "Lãnh đạo", "LMHTXVN"],
        ["an", "Trần Văn An", "hoa@example.vn", "Quản trị", "HTX-HN-1"],
    ])

    assert problems(batch) == [
        (3, "Vai trò", _("Rows %(first)s and %(second)s give the same role at the same "
                         "organization to “%(username)s”.")
         % {"first": 2, "second": 3, "username": "hoa"}),
        (4, "Tên đăng nhập", _("User name “%(username)s” is in rows %(first)s and %(second)s "
                               "with a different name or e-mail.")
         % {"username": "HOA", "first": 2, "second": 4}),
        (5, "E-mail", _("E-mail %(email)s is given to two different users, in rows %(first)s and "
                        "%(second)s.") % {"email": "hoa@example.vn", "first": 2, "second": 5}),
    ]
    assert snapshot() == before


def test_user_import_formula_and_wrong_header_are_refused(world):
    before = snapshot()

    formula = preview(world.users.admin, [["hoa", "=A1", "hoa@example.vn", "Quản trị", "HTX-HN-1"]])
    header = import_preview(kind="users", user=world.users.admin, uploaded_file=xlsx_upload(
        [USERS[:4], ["hoa", "Nguyễn Thị Hoà", "hoa@example.vn", "Quản trị"]]))

    assert problems(formula) == [(2, "Họ và tên", _(
        "Cell %(cell)s contains a formula (%(formula)s); formulas are not accepted. Copy the "
        "column and paste it back as values only.") % {"cell": "B2", "formula": "=A1"})]
    assert problems(header)[1:] == [(1, "Mã đơn vị", _(
        "Column %(letter)s: expected “%(expected)s”, found an empty cell.")
        % {"letter": "E", "expected": "Mã đơn vị"})]
    assert snapshot() == before


def test_user_import_commit_rechecks_and_writes_nothing_if_a_name_was_taken_meanwhile(
        world, django_capture_on_commit_callbacks):
    from accounts import services

    admin = world.users.admin
    batch = preview(admin, [["moi.a", "Lê Văn A", "moi.a@example.vn", "Quản trị", "HTX-HN-1"],
                            ["moi.b", "Lê Văn B", "moi.b@example.vn", "Quản trị", "HTX-HN-1"]])
    services.user_create(username="moi.b", full_name="Người Khác", email="khac@example.vn",
                         password="mat-khau-thu-nghiem-2026")
    before = snapshot()

    with pytest.raises(ValidationError):
        commit(batch, admin, django_capture_on_commit_callbacks)

    assert snapshot() == before
    assert mail.outbox == []
    assert not User.objects.filter(username="moi.a").exists()


def test_user_import_message_is_vietnamese(world, request):
    expect_vietnamese_after_merge(request, "“%(value)s” is not a valid e-mail address.")

    batch = preview(world.users.admin, [["hoa", "Nguyễn Thị Hoà", "hoa@", "Quản trị", "HTX-HN-1"]])

    with override("vi"):
        assert problems(batch) == [(2, "E-mail", "“hoa@” không phải là địa chỉ e-mail hợp lệ.")]


def _stale(client):
    from accounts.reauth import REAUTH_AT_KEY

    session = client.session
    session[REAUTH_AT_KEY] = 0  # the last sign-in or confirmation is long past
    session.save()


def test_importing_users_needs_a_recent_sign_in_like_a_role_given_by_hand(
        world, client, django_capture_on_commit_callbacks):
    """S6: a users file gives roles, so its import asks for the password again when the last
    sign-in is not recent; without it, or with a wrong one, nothing is imported."""
    from accounts.tests.factories import PASSWORD

    admin = world.users.admin
    batch = preview(admin, [["lethimai", "Lê Thị Mai", "mai.le@example.vn",
                             "Cán bộ thi đua đơn vị", "HTX-HN-1"]])
    client.force_login(admin)
    _stale(client)
    commit_url = f"/nhap-du-lieu/{batch.pk}/nhap/"

    page = client.get(f"/nhap-du-lieu/{batch.pk}/").content.decode()
    assert "Xác nhận danh tính" in page and 'name="reauth-password"' in page

    for data in ({}, {"reauth-password": "sai-mat-khau"}, {"reauth-password": "x" * 5000}):
        response = client.post(commit_url, data)
        assert response.status_code == 200
        assert 'id="error-summary"' in response.content.decode()
        assert not User.objects.filter(username="lethimai").exists()
        batch.refresh_from_db()
        assert batch.status == "previewed"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(commit_url, {"reauth-password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="lethimai").role_assignments.count() == 1


def test_other_imports_ask_for_no_password(world, client):
    """Units and people give no role: their import is not a sensitive action."""
    from clusters.tests.test_imports import org_row
    from clusters.tests.test_imports import preview as org_preview

    batch = org_preview(world.users.admin, [org_row("HTX-KHONG-HOI")])
    client.force_login(world.users.admin)
    _stale(client)

    assert 'name="reauth-password"' not in client.get(f"/nhap-du-lieu/{batch.pk}/").content.decode()
    assert client.post(f"/nhap-du-lieu/{batch.pk}/nhap/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == "committed"
