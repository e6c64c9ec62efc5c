"""The default reminder ladder of every kind of deadline (issue 8 §2): 14, 7, 3 and 1 working
days before, on the day, then 1 and 3 working days after with escalation to the unit's head.
Administrators change it per kind and per deadline; rules are data, not constants in code."""

from django.db import migrations

KINDS = ("registration", "pledge", "self_scoring", "peer_scoring", "unit_report", "nomination",
         "appraisal", "council_vote")
STEPS = ((-14, False), (-7, False), (-3, False), (-1, False), (0, False), (1, True), (3, True))


def seed(apps, schema_editor):
    LadderStep = apps.get_model("deadlines", "LadderStep")
    for kind in KINDS:
        for offset, escalate in STEPS:
            LadderStep.objects.get_or_create(kind=kind, deadline=None, offset=offset,
                                             defaults={"escalate": escalate})


def unseed(apps, schema_editor):
    apps.get_model("deadlines", "LadderStep").objects.filter(deadline__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0004_deadlines_and_reminders")]
    operations = [migrations.RunPython(seed, unseed)]
