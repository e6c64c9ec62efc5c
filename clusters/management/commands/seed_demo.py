from django.core.management.base import BaseCommand

from clusters.demo import DEMO_PASSWORD, DEMO_USERS, DemoBuilder


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu của hệ thống Liên minh HTX Việt Nam (chạy lại nhiều lần không sao)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=["demo", "national"], default="demo",
            help="national: thêm 30.000 hợp tác xã và 100.000 cá nhân để đo hiệu năng.",
        )

    def handle(self, *args, scale, **options):
        DemoBuilder(stdout=self.stdout).build()
        if scale == "national":
            from bench.national import build_national

            build_national(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Tài khoản mẫu (mật khẩu chung: %s):" % DEMO_PASSWORD))
        for username, full_name, role, org_code, _extra in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {role.label} – {org_code or 'đơn vị Cụm trưởng'}")
