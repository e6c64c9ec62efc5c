"""Which awards must be published before the council meets, the documents each nomination
needs, and the base salary history.

Publication: orders and state honorary titles, and Chiến sĩ thi đua toàn quốc (opinions
collected by the Ministry of Home Affairs) [V, Decree 98/2023 Art. 46; Decree 152/2025 Art. 60].
Base salary (mức lương cơ sở): 2.340.000 đồng from 01/07/2024 [V, Decree 73/2024/NĐ-CP, quoted in
domain-reference §3.1]; the earlier values are the published ones of Decrees 38/2019 and 24/2023
(administrators correct or add values in the application)."""

import datetime

from django.db import migrations

NOTICE = ("HCLD1", "HCLD2", "HCLD3", "CSTDTQ")
SALARIES = [
    (1_490_000, datetime.date(2019, 7, 1), "Nghị định số 38/2019/NĐ-CP"),
    (1_800_000, datetime.date(2023, 7, 1), "Nghị định số 24/2023/NĐ-CP"),
    (2_340_000, datetime.date(2024, 7, 1), "Nghị định số 73/2024/NĐ-CP"),
]


# Law Art. 84: each nominee's achievement report; the certificate of the initiative or research
# work for the Chiến sĩ thi đua titles [V].
INITIATIVE_TITLES = ("CSTDCS", "CSTDN", "CSTDTQ")


def seed(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    AwardType.objects.filter(code__in=NOTICE).update(public_notice_required=True)
    for award in AwardType.objects.all():
        award.required_documents = (["achievement_report", "initiative_certificate"]
                                    if award.code in INITIATIVE_TITLES else ["achievement_report"])
        award.save(update_fields=["required_documents"])
    BaseSalary = apps.get_model("awards", "BaseSalary")
    for amount, valid_from, basis in SALARIES:
        BaseSalary.objects.get_or_create(valid_from=valid_from,
                                         defaults={"amount": amount, "legal_basis": basis})


def unseed(apps, schema_editor):
    apps.get_model("awards", "BaseSalary").objects.filter(
        valid_from__in=[row[1] for row in SALARIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0006_dossiers_and_decisions")]
    operations = [migrations.RunPython(seed, unseed)]
