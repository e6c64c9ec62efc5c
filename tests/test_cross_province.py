"""Every URL pattern that takes an object id: a user of another province gets 404 (architecture
§8, quality target S3). A new pattern without an entry below makes the meta-test fail."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clusters import services
from clusters.tests.factories import GroupFactory, OrganizationFactory, PersonFactory
from deadlines.models import Holiday

pytestmark = pytest.mark.django_db

# Patterns whose id does not name an object of a province: what they require instead.
NOT_PROVINCIAL = {
    "deadlines:holiday_delete": "ngày nghỉ lễ dùng chung toàn hệ thống; chỉ quản trị trung ương (403)",
    "accounts:password_reset_confirm": "mã thông báo đặt lại mật khẩu, không phải đối tượng của tỉnh",
    "awards:award_type_update": "danh mục khen thưởng dùng chung toàn hệ thống; chỉ quản trị trung ương (403)",
    "awards:rule_set_detail": "quy định áp dụng dùng chung toàn hệ thống; chỉ vai trò trung ương xem (403)",
    "awards:rule_set_update": "quy định áp dụng dùng chung toàn hệ thống; chỉ quản trị trung ương (403)",
    "awards:rule_parameter_update": "tham số quy định dùng chung toàn hệ thống; chỉ quản trị trung ương (403)",
    "deadlines:notification_open": "thông báo riêng của từng người dùng; người khác nhận 404 (tests/…/test_notifications.py)",
    "emulation:document_detail": "sổ văn bản pháp lý dùng chung toàn hệ thống; ai có vai trò đều xem",
    "emulation:document_edit": "sổ văn bản pháp lý dùng chung toàn hệ thống; chỉ quản trị trung ương (403)",
    "emulation:external_group_detail": "nhóm thi đua ngoài Liên minh: chỉ vai trò trung ương xem, người khác 404 (emulation/tests/test_external_groups.py)",
    "emulation:external_group_edit": "nhóm thi đua ngoài Liên minh: chỉ quản trị trung ương, người khác 404 (emulation/tests/test_external_groups.py)",
    "emulation:external_year_add": "nhóm thi đua ngoài Liên minh: chỉ quản trị trung ương, người khác 404 (emulation/tests/test_external_groups.py)",
    "emulation:external_year_edit": "nhóm thi đua ngoài Liên minh: chỉ quản trị trung ương, người khác 404 (emulation/tests/test_external_groups.py)",
    "emulation:external_year_document": "nhóm thi đua ngoài Liên minh: chỉ vai trò trung ương xem, người khác 404 (emulation/tests/test_external_groups.py)",
    "reports:period_detail": "kỳ báo cáo chung toàn hệ thống; chỉ vai trò trung ương xem (403)",
    "reports:period_close": "kỳ báo cáo chung toàn hệ thống; chỉ quản trị trung ương (403)",
    "reports:period_reopen": "kỳ báo cáo chung toàn hệ thống; chỉ quản trị trung ương (403)",
    "reports:report_start": "kỳ báo cáo chung; đơn vị chỉ lập báo cáo của chính mình (403 nếu không có gì để lập; reports/tests/test_reports.py)",
    "public:verify": "trang xác minh công khai theo mã in trên giấy chứng nhận, không theo id; chỉ hiện 4 thông tin",
}


def hanoi_objects(world):
    """For each URL name, the kwargs naming an object of Hà Nội."""
    person = PersonFactory(organization=world.coop_hanoi)
    bloc = GroupFactory(organizer=world.hanoi, kind="bloc")
    services.group_set_year(group=bloc, year=2026, members=[world.coop_hanoi], leader=None, deputy=None)
    role = world.users.staff.role_assignments.get()
    return {
        "clusters:organization_detail": {"pk": world.coop_hanoi.pk},
        "clusters:organization_update": {"pk": world.coop_hanoi.pk},
        "clusters:organization_rename": {"pk": world.coop_hanoi.pk},
        "clusters:organization_merge": {"pk": world.coop_hanoi.pk},
        "clusters:person_detail": {"pk": person.pk},
        "clusters:person_update": {"pk": person.pk},
        "clusters:person_move": {"pk": person.pk},
        "clusters:group_detail": {"pk": bloc.pk},
        "clusters:group_year_edit": {"pk": bloc.pk, "year": 2026},
        "accounts:user_detail": {"pk": world.users.staff.pk},
        "accounts:user_update": {"pk": world.users.staff.pk},
        "accounts:role_end": {"pk": role.pk},
        "accounts:twofactor_reset": {"pk": world.users.staff.pk},
        "awards:person_awards": {"pk": person.pk},
        "awards:organization_awards": {"pk": world.coop_hanoi.pk},
        "awards:person_facts": {"pk": person.pk},
        "awards:organization_facts": {"pk": world.coop_hanoi.pk},
        "awards:person_assessment_create": {"pk": person.pk},
        "awards:organization_assessment_create": {"pk": world.coop_hanoi.pk},
        "awards:assessment_update": {"pk": _hanoi_fact(world, person, "assessment").pk},
        "awards:assessment_delete": {"pk": _hanoi_fact(world, person, "assessment").pk},
        "awards:initiative_create": {"pk": person.pk},
        "awards:initiative_update": {"pk": _hanoi_fact(world, person, "initiative").pk},
        "awards:initiative_delete": {"pk": _hanoi_fact(world, person, "initiative").pk},
        "awards:discipline_create": {"pk": person.pk},
        "awards:discipline_update": {"pk": _hanoi_fact(world, person, "discipline").pk},
        "awards:discipline_delete": {"pk": _hanoi_fact(world, person, "discipline").pk},
        "awards:certificate_download": {"pk": _hanoi_record(person).pk},
        "awards:certificate_blank_download": {"pk": _hanoi_record(person).pk},
        "awards:decision_detail": {"pk": _hanoi_decision(world).pk},
        "awards:decision_update": {"pk": _hanoi_decision(world).pk},
        "awards:decision_issue": {"pk": _hanoi_decision(world).pk},
        "awards:decision_pdf": {"pk": _hanoi_decision(world).pk},
        "awards:decision_download": {"pk": _hanoi_decision(world).pk},
        "awards:decision_scan": {"pk": _hanoi_decision(world).pk},
        "awards:external_decision_create": {"pk": _hanoi_decision(world).pk},
        "awards:decision_delete": {"pk": _hanoi_decision(world).pk},
        "awards:revocation_create": {"pk": _hanoi_decision(world).items.get().nomination.award_record_id},
        **extra_objects(world),
        # Award cycles and dossiers (awards/views_dossiers.py).
        **__import__("awards.tests.test_dossier_pages", fromlist=["_"]).cross_province_objects(world),
        # Appraisal, public notice, nomination import (awards/views_appraisal.py).
        **__import__("awards.tests.test_appraisal", fromlist=["_"]).cross_province_objects(world),
        # The emulation year: movements, calls, registrations (emulation/views.py).
        **__import__("emulation.tests.builders", fromlist=["_"]).cross_province_objects(world),
        # Scoring rounds, sheets, evidence, ranking, proposal (emulation/views_scoring.py).
        **__import__("emulation.tests.scoring_builders", fromlist=["_"]).cross_province_objects(world),
        # A group's year: pledge and criteria table (emulation/views_groups.py).
        **__import__("emulation.tests.test_pledges", fromlist=["_"]).cross_province_objects(world),
        **__import__("emulation.tests.test_criteria", fromlist=["_"]).cross_province_objects(world),
        # Council voting: ballot, draft, agenda item, recusal, documents (awards/views_ballot.py).
        **__import__("awards.tests.test_council_ballot", fromlist=["_"]).cross_province_objects(world),
        # Councils, meetings, agenda, attendance, results (awards/views_council.py).
        **__import__("awards.tests.test_council_pages", fromlist=["_"]).cross_province_objects(world),
        # The minutes and the counting record of a closed meeting (awards/views_council_pdf.py).
        **__import__("awards.tests.test_council_minutes", fromlist=["_"]).cross_province_objects(world),
        # Units' reports: read, write, send, return (reports/views.py).
        **__import__("reports.tests.builders", fromlist=["_"]).cross_province_objects(world),
        # Summary reports, their finalized versions and their jobs (reports/views_summary.py).
        **__import__("reports.tests.test_summary_pages", fromlist=["_"]).cross_province_objects(world),
        # Fairness analytics of a group (emulation/views_fairness.py).
        **__import__("emulation.tests.fairness_builders", fromlist=["_"]).cross_province_objects(world),
        # Deadlines and their ladders (deadlines/views_reminders.py).
        **__import__("deadlines.tests.test_reminder_pages", fromlist=["_"]).cross_province_objects(world),
    }


def _hanoi_fact(world, person, kind):
    """A Hà Nội person's assessment, initiative or discipline record (one of each)."""
    import datetime

    from awards.models import AnnualAssessment, DisciplineRecord, Initiative

    if kind == "assessment":
        return AnnualAssessment.objects.get_or_create(person=person, year=2024,
                                                      defaults={"rating": "good"})[0]
    if kind == "initiative":
        return Initiative.objects.get_or_create(person=person, title="Sáng kiến Hà Nội",
                                                year=2024)[0]
    return DisciplineRecord.objects.get_or_create(
        person=person, organization=world.coop_hanoi, level=1,
        effective_from=datetime.date(2024, 3, 1))[0]


def _hanoi_record(person):
    """A Hà Nội person's award record (one), whose certificate is printed."""
    from awards.models import AwardRecord
    from awards.tests.factories import award_record

    return AwardRecord.objects.filter(person=person).first() or award_record(person=person)


def _hanoi_decision(world):
    """A decision of the Hà Nội alliance (issued, one Giấy khen for a Hà Nội cooperative)."""
    from awards.models import Decision
    from awards.tests.test_decisions import hanoi_decision

    return Decision.objects.filter(issuer=world.hanoi).first() or hanoi_decision(world)


def extra_objects(world):
    """Objects of URL patterns added by later work (imports and so on)."""
    objects = {}
    from clusters.models import ImportBatch

    batch = ImportBatch.objects.create(kind="organizations", file="imports/x.xlsx",
                                       original_name="x.xlsx", status="previewed",
                                       created_by=world.users.province_admin)
    existing = object_patterns()
    for name in ("clusters:import_preview", "clusters:import_commit"):
        if name in existing:
            objects[name] = {"pk": batch.pk}
    return objects


def object_patterns():
    """Names of the patterns whose path names an object by id (pk, <thing>_id, uidb64);
    a parameter such as a spreadsheet template's kind names no object."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns == "admin":
                    continue  # Django's admin: central administrators only, tested separately
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and any(
                    key == "pk" or key.endswith(("_pk", "_id")) or key == "uidb64"
                    for key in p.pattern.converters):
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.append(name)

    walk(get_resolver().url_patterns, None)
    return sorted(set(found))


def test_every_object_url_has_a_cross_province_case(world):
    covered = set(hanoi_objects(world)) | set(NOT_PROVINCIAL)

    missing = [name for name in object_patterns() if name not in covered]

    assert missing == [], f"URL chưa có kiểm thử chéo tỉnh: {missing}"


@pytest.mark.parametrize("who", ["outsider", "outsider_admin"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_users_of_another_province_get_404(world, client, who, method):
    from accounts.tests.factories import user_with_role

    users = {"outsider": world.users.outsider,
             "outsider_admin": user_with_role("admin", world.hue, username="quantri.hue")}
    client.force_login(users[who])
    failures = []

    for name, kwargs in hanoi_objects(world).items():
        url = reverse(name, kwargs=kwargs)
        response = getattr(client, method)(url)
        if response.status_code != 404:
            failures.append((name, method.upper(), response.status_code))

    assert failures == []


def test_the_objects_are_reachable_by_their_own_users(world, client):
    """The 404s above come from scoping, not from broken URLs: Hà Nội's administrator (or the
    batch's creator) opens each page."""
    client.force_login(world.users.province_admin)
    failures = []

    for name, kwargs in hanoi_objects(world).items():
        if name in ("accounts:role_end", "clusters:import_commit"):
            continue  # POST-only actions
        response = client.get(reverse(name, kwargs=kwargs))
        if response.status_code not in (200, 403):
            failures.append((name, response.status_code))

    assert failures == []


def test_holiday_delete_needs_a_central_administrator(world, client):
    holiday = Holiday.objects.create(name="Tết Nguyên đán", day=17, month=2, year=2026)
    client.force_login(world.users.province_admin)

    response = client.post(reverse("deadlines:holiday_delete", kwargs={"pk": holiday.pk}))

    assert response.status_code == 403
    assert Holiday.objects.filter(pk=holiday.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_award_catalogue_and_rule_sets_need_a_central_administrator(world, client, method):
    from awards.models import AwardType, RuleSet

    rule_set = RuleSet.objects.order_by("-valid_from").first()
    award = AwardType.objects.get(code="LDTT")
    client.force_login(world.users.province_admin)
    urls = [reverse("awards:award_type_update", kwargs={"pk": award.pk}),
            reverse("awards:rule_set_detail", kwargs={"pk": rule_set.pk}),
            reverse("awards:rule_set_update", kwargs={"pk": rule_set.pk}),
            reverse("awards:rule_parameter_update", kwargs={"pk": rule_set.parameters.first().pk})]

    statuses = [getattr(client, method)(url, {"name": "x", "value": "9"}).status_code for url in urls]

    assert statuses == [403, 403, 403, 403]
    assert AwardType.objects.get(pk=award.pk).name == "Lao động tiên tiến"


def test_django_admin_is_for_central_administrators_only(world, client):
    world.users.province_admin.is_staff = True
    world.users.province_admin.save()
    client.force_login(world.users.province_admin)

    response = client.get("/quan-tri-he-thong/")

    assert response.status_code == 302 and "login" in response.url


# Upload URLs of an object: an outsider's POST carries a real file, so that the 404 comes before
# anything is read or stored (not from a form that found no file).
UPLOAD_URLS = ["awards:document_create", "awards:decision_scan", "reports:version_scan",
               "emulation:evidence_upload", "emulation:pledge_sign", "awards:nomination_import"]


def test_an_outsiders_upload_to_another_province_is_404_and_stores_nothing(world, client,
                                                                           settings):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.hostile_uploads import PDF

    objects = hanoi_objects(world)
    client.force_login(world.users.outsider)
    media = Path(settings.MEDIA_ROOT)

    def files():
        return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []

    before = files()
    statuses = {}
    for name in UPLOAD_URLS:
        data = {field: SimpleUploadedFile("ban-ky.pdf", PDF, "application/pdf")
                for field in ("file", "signed_scan", "document")}
        statuses[name] = client.post(reverse(name, kwargs=objects[name]),
                                     {**data, "kind": "submission"}).status_code

    assert statuses == {name: 404 for name in UPLOAD_URLS}
    assert files() == before
