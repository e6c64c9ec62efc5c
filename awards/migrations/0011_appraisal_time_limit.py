"""The appraisal time limit (domain reference rule 26, issue 8): the working days the appraising
unit (at the Alliance: Ban Tổ chức cán bộ) has from a submitted dossier before it must be
appraised. The Alliance's own figure is not known [U]; 25 working days is the example the
reference quotes (the Ministry of Culture's personnel department). Administrators change it."""

from django.db import migrations

KEY = "appraisal_working_days"


def add(apps, schema_editor):
    from django.utils import timezone

    RuleSet = apps.get_model("awards", "RuleSet")
    RuleParameter = apps.get_model("awards", "RuleParameter")
    History = apps.get_model("awards", "HistoricalRuleParameter")
    fields = [f.attname for f in RuleParameter._meta.concrete_fields]
    now = timezone.now()
    for rule_set in RuleSet.objects.all():
        parameter, created = RuleParameter.objects.get_or_create(
            rule_set=rule_set, key=KEY, defaults={
                "label": "Thời hạn thẩm định hồ sơ (ngày làm việc kể từ khi nhận hồ sơ)",
                "kind": "integer", "value": "25", "unit": "ngày làm việc", "verified": False,
                "legal_citation": "Quy chế thi đua, khen thưởng của Liên minh (chưa đối chiếu); "
                                  "ví dụ: 25 ngày làm việc tại Bộ Văn hóa, Thể thao và Du lịch",
                "help_text": "Quá thời hạn này, hồ sơ chưa thẩm định được nhắc và báo lên.",
                "choices": [], "display_order": 990})
        if created:
            History.objects.create(**{f: getattr(parameter, f) for f in fields},
                                   history_date=now, history_type="+",
                                   history_change_reason="Dữ liệu khởi tạo")


def remove(apps, schema_editor):
    apps.get_model("awards", "RuleParameter").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0010_council_position_label")]
    operations = [migrations.RunPython(add, remove)]
