from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from clusters.demo import DEMO_PASSWORD, DEMO_USERS, DemoBuilder


class Command(BaseCommand):
    @property
    def help(self):
        # Translated when the parser is built: argparse cannot format a lazy string.
        return gettext("Create the demo data of the Vietnam Cooperative Alliance system (safe to run "
                       "more than once).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=["demo", "national"], default="demo",
            help=gettext("national: also add 30,000 cooperatives, 100,000 people, 300,000 award "
                         "records, 2,000 dossiers, a 500-item council meeting and a year of "
                         "deadlines with their reminders, to measure performance."),
        )

    def handle(self, *args, scale, **options):
        DemoBuilder(stdout=self.stdout).build()
        if scale == "national":
            from bench.national import build_national

            build_national(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(
            gettext("Demo accounts (shared password: %(password)s):") % {"password": DEMO_PASSWORD}
        ))
        for username, full_name, role, org_code, _extra in DEMO_USERS:
            organization = org_code or gettext("the cluster leader’s organization")
            self.stdout.write(f"  {username:<18} {role.label} – {organization}")
