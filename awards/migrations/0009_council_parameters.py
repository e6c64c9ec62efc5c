"""What the council's vote needs from the rule sets beyond the first seed (domain reference §2.3,
rule 25; issue 5):

- which awards take the high share of votes (the 90 % of the legacy rule) — the others need a
  majority;
- a third denominator, the members entitled to vote on the item (all members less those who
  recused themselves). It becomes the value of the rule sets from 2024, whose thresholds are
  unverified [U]; the 2017 rule set keeps "all members", as Decree 91/2017 Art. 45.8 says [V].

Administrators change the values in the application once the Alliance confirms them."""

import datetime

from django.db import migrations

R2017, R2024, R2025 = datetime.date(2017, 9, 15), datetime.date(2024, 1, 1), datetime.date(2025, 7, 1)
N91 = "Nghị định 91/2017/NĐ-CP"
N98 = "Nghị định 98/2023/NĐ-CP"
N152 = "Nghị định 152/2025/NĐ-CP"
DENOMINATORS = [["total_members", "Tổng số thành viên Hội đồng"],
                ["present_members", "Số thành viên có mặt"],
                ["entitled_members", "Số thành viên được biểu quyết nội dung (trừ người không "
                                     "tham gia biểu quyết do liên quan)"]]
HIGH = {R2017: ("CSTDN, CSTDTQ", True, f"{N91}, Điều 45 khoản 8"),
        R2024: ("CSTDN, CSTDTQ", False, f"{N98} (chưa đối chiếu, giữ như quy định trước)"),
        R2025: ("CSTDN, CSTDTQ", False, f"{N152} (chưa đối chiếu, giữ như quy định trước)")}
DENOMINATOR = {R2024: ("entitled_members", False, "Quy chế Hội đồng (chưa đối chiếu)"),
               R2025: ("entitled_members", False, "Quy chế Hội đồng (chưa đối chiếu)")}


def _history(History, parameter, fields, now, kind):
    History.objects.create(**{f: getattr(parameter, f) for f in fields}, history_date=now,
                           history_type=kind, history_change_reason="Dữ liệu khởi tạo")


def add(apps, schema_editor):
    from django.utils import timezone

    RuleSet = apps.get_model("awards", "RuleSet")
    RuleParameter = apps.get_model("awards", "RuleParameter")
    History = apps.get_model("awards", "HistoricalRuleParameter")
    now = timezone.now()
    fields = [f.attname for f in RuleParameter._meta.concrete_fields]
    for rule_set in RuleSet.objects.filter(valid_from__in=[R2017, R2024, R2025]):
        share = RuleParameter.objects.filter(rule_set=rule_set,
                                             key="council_vote_share_high_percent").first()
        value, verified, citation = HIGH[rule_set.valid_from]
        parameter, created = RuleParameter.objects.get_or_create(
            rule_set=rule_set, key="council_vote_share_high_awards", defaults={
                "label": "Các danh hiệu, hình thức áp dụng tỷ lệ phiếu cao (mã, cách nhau bởi "
                         "dấu phẩy)", "kind": "text", "value": value, "unit": "",
                "verified": verified, "legal_citation": citation,
                "help_text": "Mã theo danh mục khen thưởng, ví dụ CSTDN, CSTDTQ. Các danh hiệu, "
                             "hình thức khác do Hội đồng xét cần đa số phiếu.",
                "choices": [], "display_order": (share.display_order + 1) if share else 900})
        if created:
            _history(History, parameter, fields, now, "+")
        denominator = RuleParameter.objects.filter(rule_set=rule_set,
                                                   key="council_vote_denominator").first()
        if denominator is None:
            continue
        denominator.choices = DENOMINATORS
        if rule_set.valid_from in DENOMINATOR:
            (denominator.value, denominator.verified,
             denominator.legal_citation) = DENOMINATOR[rule_set.valid_from]
        denominator.help_text = ("Số dùng làm mẫu số khi so tỷ lệ phiếu đồng ý với tỷ lệ yêu "
                                 "cầu; ý kiến bằng văn bản được tính khi tham số bên dưới cho "
                                 "phép.")
        denominator.save()
        _history(History, denominator, fields, now, "~")


def remove(apps, schema_editor):
    RuleParameter = apps.get_model("awards", "RuleParameter")
    RuleParameter.objects.filter(key="council_vote_share_high_awards").delete()
    for parameter in RuleParameter.objects.filter(key="council_vote_denominator"):
        parameter.choices = DENOMINATORS[:2]
        if parameter.value == "entitled_members":
            parameter.value = "total_members"
        parameter.save()


class Migration(migrations.Migration):
    dependencies = [("awards", "0008_council")]
    operations = [migrations.RunPython(add, remove)]
