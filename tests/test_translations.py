"""Translations: msgids are English, every one has Vietnamese in locale/vi, the compiled catalog
matches it, and no English interface text (ours or Django's) shows on any page a user can reach."""

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.middleware import SESSION_KEY
from accounts.models import RoleAssignment, User
from accounts.navigation import navigation_for
from conftest import require_or_skip

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale" / "vi" / "LC_MESSAGES"
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib", "msgfmt")
# The command the project documents for regenerating the catalog.
MAKEMESSAGES = ["makemessages", "-l", "vi", "--ignore=.venv", "--ignore=var", "--ignore=bench"]
COPY_SKIP_DIRS = {".venv", "var", ".git", "node_modules", "__pycache__"}
COPY_SUFFIXES = {".py", ".html", ".txt"}


# --- reading a .po file ----------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text.strip()[1:-1])


def parse_po(text: str) -> list[dict]:
    """The entries of a .po file, obsolete ones (#~) left out. Each is a dict with msgctxt,
    msgid, msgid_plural, msgstr (a list: one string, or one per plural form), flags and refs."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry["msgid"] is not None and not entry["obsolete"]:
            entries.append(entry)

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if entry is None or (entry["msgid"] is not None and line.startswith(("#", "msgid "))):
            finish()
            entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": [],
                     "flags": set(), "refs": [], "obsolete": False}
            field = None
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#:"):
            entry["refs"] += line[2:].split()
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, value = match.group(1), _unquote(match.group(3))
            if keyword.startswith("msgstr"):
                entry["msgstr"].append(value)
                field = ("msgstr", len(entry["msgstr"]) - 1)
            else:
                entry[keyword] = value
                field = (keyword, None)
            continue
        if line.startswith('"') and field:
            name, index = field
            if index is None:
                entry[name] += _unquote(line)
            else:
                entry[name][index] += _unquote(line)
            continue
        raise ValueError(f"unexpected line in the .po file: {raw!r}")
    return entries


def label(entry: dict) -> str:
    context = f"[{entry['msgctxt']}] " if entry["msgctxt"] else ""
    where = f"  ({', '.join(entry['refs'][:3])})" if entry["refs"] else ""
    return f"{context}{entry['msgid']!r}{where}"


def committed_entries() -> list[dict]:
    return parse_po((LOCALE_DIR / "django.po").read_text(encoding="utf-8"))


# --- 1. every message has Vietnamese -----------------------------------------------------------


def _copy_sources(target: Path) -> None:
    for folder, subfolders, files in os.walk(BASE_DIR):
        subfolders[:] = [name for name in subfolders if name not in COPY_SKIP_DIRS]
        relative = Path(folder).relative_to(BASE_DIR)
        in_locale = relative.parts[:1] == ("locale",)
        for name in files:
            if in_locale or Path(name).suffix in COPY_SUFFIXES:
                (target / relative).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(folder) / name, target / relative / name)


def test_every_message_has_a_vietnamese_translation(tmp_path):
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    require_or_skip(not missing_tools, f"the gettext tools {', '.join(missing_tools)} are not "
                                       "installed (Debian package gettext): cannot regenerate the catalog")
    _copy_sources(tmp_path)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings")

    run = subprocess.run([sys.executable, "manage.py", *MAKEMESSAGES], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)

    assert run.returncode == 0, f"makemessages failed:\n{run.stdout}\n{run.stderr}"
    entries = parse_po((tmp_path / "locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    header = entries[0]
    assert header["msgid"] == "" and "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"][0]
    problems = [
        ("fuzzy: " if "fuzzy" in entry["flags"] else "untranslated: ") + label(entry)
        for entry in entries[1:]
        if "fuzzy" in entry["flags"] or not all(entry["msgstr"])
    ]
    assert not problems, (
        f"{len(problems)} message(s) lack a Vietnamese translation. Run `make messages`, translate "
        "these entries in locale/vi/LC_MESSAGES/django.po and delete their `#, fuzzy` flags, then run "
        "`make messages` again to compile:\n" + "\n".join(problems)
    )


def test_the_catalog_is_valid_for_msgfmt(tmp_path):
    require_or_skip(shutil.which("msgfmt") is not None,
                    "msgfmt is not installed (Debian package gettext): cannot check the catalog")

    # --check: placeholders such as %(name)s must match between msgid and msgstr.
    run = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"),
                          str(LOCALE_DIR / "django.po")], capture_output=True, text=True)

    assert run.returncode == 0, run.stderr


# Vietnamese words allowed in an English msgid: names and values that have no English form.
VIETNAMESE_IN_MSGIDS = {"Tết", "Hùng", "Nữ"}


def test_msgids_are_english():
    vietnamese = []
    for entry in committed_entries()[1:]:
        for text in filter(None, (entry["msgid"], entry["msgid_plural"])):
            words = {w for w in re.findall(r"\w+", text) if not w.isascii()} - VIETNAMESE_IN_MSGIDS
            if words:
                vietnamese.append(f"{label(entry)}: {', '.join(sorted(words))}")
    assert not vietnamese, "msgids must be English; Vietnamese belongs in msgstr:\n" + "\n".join(vietnamese)


# --- 2. the committed .mo says what the .po says -----------------------------------------------


def test_the_compiled_catalog_matches_the_po_file():
    assert (LOCALE_DIR / "django.mo").is_file(), "locale/vi/LC_MESSAGES/django.mo is missing: run compilemessages"
    entries = [e for e in committed_entries()[1:] if all(e["msgstr"]) and "fuzzy" not in e["flags"]]
    assert len(entries) > 300

    stale = []
    with translation.override("vi"):
        for entry in entries:
            context, msgid, plural, expected = (entry["msgctxt"], entry["msgid"], entry["msgid_plural"],
                                                entry["msgstr"][0])
            if plural is None:
                got = [translation.pgettext(context, msgid) if context else translation.gettext(msgid)]
            else:
                got = [translation.npgettext(context, msgid, plural, n) if context
                       else translation.ngettext(msgid, plural, n) for n in (1, 2, 5)]
            if any(text != expected for text in got):
                stale.append(f"{label(entry)}: .mo gives {got[0]!r}, .po says {expected!r}")
    assert not stale, ("locale/vi/LC_MESSAGES/django.mo is out of date (run compilemessages):\n"
                       + "\n".join(stale))


# --- 3. no English on the pages ----------------------------------------------------------------

ENGLISH_UI_WORDS = [
    "the", "and", "of", "this", "that", "is", "are", "not", "for", "with", "your", "you", "must",
    "field", "required", "password", "username", "save", "search", "next", "previous", "page",
    "list", "login", "log in", "logout", "log out", "sign in", "name", "organization", "user",
    "enter", "valid", "invalid", "please", "select", "choose", "delete", "add", "edit", "home",
    "yes", "no", "none", "error", "errors", "date", "year", "group", "person", "people", "cancel",
    "submit", "filter", "all", "active", "history", "change", "created", "updated", "ensure",
    "value", "number", "characters", "account", "locked", "attempts", "try again", "minutes",
    "forbidden", "request", "forgot", "reset", "confirmation", "member", "members", "cluster",
    "bloc", "province", "role", "status", "show", "showing", "first", "last", "view", "back",
]
_ENGLISH = re.compile(
    r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in
                        sorted(ENGLISH_UI_WORDS, key=len, reverse=True)) + r")s?\b",
    re.IGNORECASE,
)
# An ISO 8601 duration, as django-axes gives the lockout time ("PT15M").
_ISO_DURATION = re.compile(r"\bP(?:\d+D)?T(?:\d+H)?(?:\d+M)?(?:\d+S)?\b")


class _VisibleText(HTMLParser):
    """Text a person reads: text nodes outside scripts and styles (the <title> included), and
    the attributes that browsers show or read aloud."""

    SKIP = {"script", "style", "template"}
    READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "data-confirm"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (name in self.READ_ATTRIBUTES or (
                    tag == "input" and name == "value"
                    and attributes.get("type") in ("submit", "button", "reset"))):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return unicodedata.normalize("NFC", " ".join(" ".join(parser.parts).split()))


def english_in(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    found = {m.group(0).lower() for m in _ENGLISH.finditer(text)}
    found |= set(_ISO_DURATION.findall(text))
    return sorted(found)


def test_the_english_detector_finds_english_and_spares_vietnamese():
    assert english_in("Trang chủ · Save changes · Log  in") == ["changes", "log  in", "save"]
    assert english_in("Please enter a correct username and password.") == [
        "and", "enter", "password", "please", "username"]
    assert english_in("Organizations · Users · Người dùng") == ["organizations", "users"]
    assert english_in("bị tạm khoá trong PT15M") == ["PT15M"]
    assert english_in("Hợp tác xã Thành Công · Đơn vị · Thêm · Lưu · quantri@demo.lmhtx.vn") == []
    assert visible_text('<p title="Delete">Xoá<script>var page = 1;</script></p><style>.all{}</style>'
                        '<input type="submit" value="Save"><input name="q" value="the">') == "Delete Xoá Save"


class Pages:
    """Fetches pages and collects the English found on each."""

    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []
        self.count = 0

    def check(self, name: str, response, status=200, contains=()):
        self.count += 1
        if response.status_code != status:
            self.problems.append(f"{name}: HTTP {response.status_code}, expected {status}")
            return ""
        text = visible_text(response.content.decode())
        words = english_in(text)
        if words:
            self.problems.append(f"{name} ({response.request['PATH_INFO']}): {', '.join(words)}")
        for expected in contains:
            if expected not in text:
                self.problems.append(f"{name}: the page does not say {expected!r}; it says: {text[:600]}")
        return text

    def get(self, name, url, status=200, contains=(), **kwargs):
        return self.check(name, self.client.get(url, **kwargs), status, contains)

    def post(self, name, url, data, status=200, contains=(), **kwargs):
        return self.check(name, self.client.post(url, data, **kwargs), status, contains)

    def assert_clean(self):
        assert self.count, "no page was checked"
        assert not self.problems, "English interface text, by page:\n" + "\n".join(self.problems)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data (clusters.demo), built once for this module inside a transaction that is
    rolled back at the end, so that other modules never see it."""
    from clusters import services
    from clusters.demo import DEMO_USERS, DemoBuilder
    from clusters.models import Organization, Person

    with django_db_blocker.unblock(), transaction.atomic():
        DemoBuilder().build()
        person = Person.objects.filter(organization__code="LM-HA-NOI").order_by("pk").first()
        services.person_move(person=person, to_organization=Organization.objects.get(code="VP"),
                             moved_on=date(2025, 3, 1), position="Chuyên viên")
        yield {"usernames": [username for username, *_ in DEMO_USERS], "person": person.pk}
        transaction.set_rollback(True)


def demo_user(username: str) -> User:
    # Read afresh in each test: logging in changes a user (last_login), and a test's changes
    # are rolled back at its end.
    return User.objects.get(username=username)


def roles_of(user):
    return list(RoleAssignment.objects.current().filter(user=user).select_related("organization")
                .order_by("id"))


def test_every_page_of_every_demo_role_is_in_vietnamese(db, client, demo):
    pages = Pages(client)
    admin_prefix = reverse("admin:index")
    for username in demo["usernames"]:
        user = demo_user(username)
        client.force_login(user)
        for role in roles_of(user):
            session = client.session
            session[SESSION_KEY] = role.pk
            session.save()
            user._active_role = role  # what the session will make it on each request
            who = f"{username} as {role.get_role_display()}"
            pages.get(f"{who}: dashboard", reverse("dashboard"), contains=[role.get_role_display()])
            for area in navigation_for(user):
                for item, url in area["items"]:
                    if url.startswith(admin_prefix):
                        continue  # Django's admin is out of scope (axes' models, for one, are English)
                    pages.get(f"{who}: {item}", url)
            pages.get(f"{who}: change password", reverse("accounts:password_change"))
            del user._active_role
        if len(roles_of(user)) > 1:  # switching role says so in a message
            response = client.post(reverse("accounts:role_switch"),
                                   {"role": roles_of(user)[-1].pk, "next": "/"}, follow=True)
            pages.check(f"{username}: role switched", response, contains=["Bạn đang làm việc với vai trò"])
        client.logout()
    pages.assert_clean()


def test_detail_and_form_pages_are_in_vietnamese(db, client, demo):
    from clusters.models import EmulationGroup, Organization

    pages = Pages(client)
    admin = demo_user("quantri")
    client.force_login(admin)
    org = {code: Organization.objects.get(code=code).pk
           for code in ("LMHTXVN", "LM-HA-NOI", "LM-HUE", "HTX-HA-NOI-001")}
    merged = Organization.objects.filter(merged_into__isnull=False).order_by("pk").first().pk
    person = demo["person"]
    cluster = EmulationGroup.objects.get(code="CUM-2026-06").pk
    bloc = EmulationGroup.objects.get(code="KHOI-01").pk
    staff = demo_user("canbo.hanoi").pk

    for name, pk in [*org.items(), ("merged", merged)]:
        pages.get(f"organization {name}", reverse("clusters:organization_detail", args=[pk]))
    pages.get("organizations, page 2", reverse("clusters:organization_list") + "?page=2",
              contains=["Trang 2/"])
    pages.get("organizations, filtered to nothing", reverse("clusters:organization_list") + "?q=khong-co-dau")
    pages.get("person", reverse("clusters:person_detail", args=[person]), contains=["Quá trình công tác"])
    pages.get("cluster", reverse("clusters:group_detail", args=[cluster]), contains=["Cụm trưởng"])
    pages.get("bloc", reverse("clusters:group_detail", args=[bloc]), contains=["Khối trưởng"])
    pages.get("groups of a year without any", reverse("clusters:group_list") + "?year=2019")
    for name, url in [
        ("add organization", reverse("clusters:organization_create") + f"?parent={org['LM-HA-NOI']}"),
        ("edit organization", reverse("clusters:organization_update", args=[org["HTX-HA-NOI-001"]])),
        ("rename organization", reverse("clusters:organization_rename", args=[org["HTX-HA-NOI-001"]])),
        ("merge organization", reverse("clusters:organization_merge", args=[org["HTX-HA-NOI-001"]])),
        ("add person", reverse("clusters:person_create")),
        ("edit person", reverse("clusters:person_update", args=[person])),
        ("move person", reverse("clusters:person_move", args=[person])),
        ("members of a year", reverse("clusters:group_year_edit", args=[cluster, 2026])),
        ("add user", reverse("accounts:user_create")),
        ("edit user", reverse("accounts:user_update", args=[staff])),
        ("user", reverse("accounts:user_detail", args=[staff])),
        ("password changed", reverse("accounts:password_change_done")),
    ]:
        pages.get(name, url)
    pages.get("404", "/khong-co-trang-nay/", status=404, contains=["Không tìm thấy trang"])
    client.force_login(demo_user("canbo.hanoi"))
    pages.get("403", reverse("accounts:user_list"), status=403, contains=["Bạn không có quyền"])

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(admin)
    pages.check("CSRF failure", csrf_client.post(reverse("accounts:logout")), status=403,
                contains=["Không gửi được biểu mẫu"])

    from config.errors import server_error

    response = server_error(RequestFactory().get("/"))
    response.request = {"PATH_INFO": "(500)"}
    pages.check("500", response, status=500, contains=["Hệ thống đang gặp sự cố"])
    pages.assert_clean()


def test_forms_with_errors_are_in_vietnamese(db, client, demo):
    from clusters.models import EmulationGroup, Organization

    pages = Pages(client)
    errors = ['Vui lòng sửa các lỗi sau rồi gửi lại']
    client.force_login(demo_user("quantri"))
    taken_tax_code = Organization.objects.exclude(tax_code="").order_by("pk").first().tax_code
    cluster = EmulationGroup.objects.get(code="CUM-2026-06").pk
    person = demo["person"]
    coop = Organization.objects.get(code="HTX-HA-NOI-001").pk
    staff = demo_user("canbo.hanoi")

    pages.post("empty organization", reverse("clusters:organization_create"),
               dict.fromkeys(["code", "kind", "name", "short_name", "parent", "province", "tax_code",
                              "address", "active_from"], ""),
               contains=[*errors, "Trường này là bắt buộc."])
    pages.post("bad organization", reverse("clusters:organization_create"), {
        "code": "HTX-MOI", "kind": "cooperative", "name": "Hợp tác xã " + "rất dài " * 40,
        "parent": "KHONG-CO", "tax_code": taken_tax_code, "active_from": "31/02/2026",
    }, contains=[*errors, "Nhập một ngày hợp lệ.", "tối đa 255 ký tự"])
    pages.post("organization with a used tax code", reverse("clusters:organization_create"), {
        "code": "HTX-MOI", "kind": "cooperative", "name": "Hợp tác xã Mới", "parent": "LM-HA-NOI",
        "tax_code": taken_tax_code,
    }, contains=["Đã có đơn vị khác dùng mã số thuế này."])
    pages.post("organization of an unknown kind", reverse("clusters:organization_create"),
               {"code": "X", "kind": "khong-co", "name": "X"}, contains=["Hãy chọn một lựa chọn hợp lệ."])
    pages.post("empty rename", reverse("clusters:organization_rename", args=[coop]),
               {"name": "", "on_date": "hôm qua"}, contains=errors)
    pages.post("empty merge", reverse("clusters:organization_merge", args=[coop]),
               {"into": "", "on_date": ""}, contains=errors)
    pages.post("empty person", reverse("clusters:person_create"), {"organization": "LM-HA-NOI"},
               contains=errors)
    pages.post("empty move", reverse("clusters:person_move", args=[person]),
               {"to_organization": "", "moved_on": "", "position": ""}, contains=errors)
    pages.get("person search by a bad year", reverse("clusters:person_list") + "?birth_year=abc",
              contains=["Nhập một số nguyên."])
    pages.post("members that do not exist", reverse("clusters:group_year_edit", args=[cluster, 2026]),
               {"members": ["abc"], "leader": "999999"}, contains=["không phải là giá trị hợp lệ"])
    pages.post("copy year", reverse("clusters:group_copy_year"), {"from_year": "1999", "to_year": "abc"},
               contains=["lớn hơn hoặc bằng 2000", "Nhập một số nguyên."])
    pages.post("duplicate holiday", reverse("deadlines:holiday_list"),
               {"name": "Quốc khánh", "day": "2", "month": "9", "year": ""},
               contains=["Ngày nghỉ này đã có trong lịch."])
    pages.post("impossible holiday", reverse("deadlines:holiday_list"),
               {"name": "", "day": "31", "month": "2", "year": "3000"}, contains=errors)
    pages.post("bad new user", reverse("accounts:user_create"), {
        "username": "có dấu cách", "full_name": "", "email": "khong-phai-email", "password": "ngan",
        "role-role": "khong-co", "role-organization": "KHONG-CO", "role-valid_from": "31/02/2026",
    }, contains=[*errors, "Mật khẩu này quá ngắn.", "Nhập địa chỉ e-mail hợp lệ."])
    for password in ("123456789012345", "password1234", "canbo.hanoi2026"):
        pages.post(f"new user with the password {password}", reverse("accounts:user_create"), {
            "username": "canbo.hanoi", "full_name": "Hoàng Văn Minh", "email": "canbo.hanoi@demo.lmhtx.vn",
            "password": password, "role-role": "unit_staff", "role-organization": "LM-HA-NOI",
        }, contains=errors)
    pages.post("bad role", reverse("accounts:user_detail", args=[staff.pk]),
               {"role": "admin", "organization": "LM-HA-NOI", "valid_from": "02/01/2026",
                "valid_to": "01/01/2026"}, contains=["Ngày kết thúc phải sau ngày bắt đầu."])
    role = RoleAssignment.objects.filter(user=staff).first()
    pages.post("bad end of role", reverse("accounts:role_end", args=[role.pk]), {"valid_to": "abc"},
               follow=True, contains=["Ngày kết thúc không hợp lệ"])
    pages.post("password change", reverse("accounts:password_change"), {
        "old_password": "sai", "new_password1": "abc", "new_password2": "xyz"},
        contains=["Mật khẩu cũ không đúng.", "Hai trường mật khẩu không giống nhau."])
    pages.assert_clean()


def test_anonymous_pages_and_the_lockout_are_in_vietnamese(db, client, demo,
                                                          django_capture_on_commit_callbacks):
    pages = Pages(client)
    user = demo_user("canbo.hue")
    login = reverse("accounts:login")

    pages.get("login", login)
    pages.post("login with a wrong password", login, {"username": "canbo.hue", "password": "sai"},
               contains=["Tên đăng nhập hoặc mật khẩu không đúng."])
    pages.post("empty login", login, {"username": "", "password": ""}, contains=["Trường này là bắt buộc."])
    pages.get("forgotten password", reverse("accounts:password_reset"))
    pages.post("forgotten password, bad e-mail", reverse("accounts:password_reset"), {"email": "abc"},
               contains=["Nhập địa chỉ e-mail hợp lệ."])
    with django_capture_on_commit_callbacks(execute=True):  # the mail leaves through Celery
        pages.post("forgotten password, sent", reverse("accounts:password_reset"),
                   {"email": user.email}, follow=True, contains=["Đã gửi hướng dẫn"])
    pages.get("reset link, invalid", reverse("accounts:password_reset_confirm", args=["MQ", "sai-ma"]),
              contains=["Liên kết đặt lại mật khẩu không hợp lệ"])
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    pages.check("reset link", response, contains=["Xác nhận mật khẩu mới"])
    pages.post("reset link, bad passwords", response.request["PATH_INFO"],
               {"new_password1": "12345678", "new_password2": "khac"},
               contains=["Hai trường mật khẩu không giống nhau."])
    pages.get("password reset complete", reverse("accounts:password_reset_complete"))
    pages.get("404, anonymous", "/khong-co-trang-nay/", status=404)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    for part, text in (("subject", message.subject), ("body", message.body)):
        if english_in(text):
            pages.problems.append(f"password reset e-mail, {part}: {', '.join(english_in(text))}")

    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(login, {"username": user.username, "password": "sai-mat-khau"})
        if response.status_code == 429:
            break
    text = pages.check("lockout", response, status=429, contains=["Tài khoản tạm thời bị khoá đăng nhập"])
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"bị tạm khoá trong {minutes} phút" in text
    pages.assert_clean()
