"""The legal documents of domain-reference.md §0.1 and §8, with the days they are in force and
what replaced them. `verified` follows the reference ([V] True); dates the reference does not
give are left out rather than guessed (documents without a known date of issue are not seeded).
The amending law 06/2026/QH16 is [U] and not seeded: an administrator adds it once confirmed."""

import datetime

from django.db import migrations

D = datetime.date
# number, type, issuer, issued, in force from, in force to, title, replaced by, verified, source
DOCUMENTS = [
    ("06/2022/QH15", "law", "Quốc hội", D(2022, 6, 15), D(2024, 1, 1), None,
     "Luật Thi đua, khen thưởng", "", True, "domain-reference.md §0.1"),
    ("15/2003/QH11", "law", "Quốc hội", D(2003, 11, 26), D(2004, 7, 1), D(2023, 12, 31),
     "Luật Thi đua, khen thưởng (sửa đổi, bổ sung năm 2005, 2009, 2013)", "06/2022/QH15", False,
     "domain-reference.md §0.1 (thay thế từ 01/01/2024 đã đối chiếu; ngày ban hành chưa đối "
     "chiếu)"),
    ("39/2013/QH13", "law", "Quốc hội", D(2013, 11, 16), D(2014, 6, 1), D(2023, 12, 31),
     "Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng", "06/2022/QH15", False,
     "domain-reference.md §0.1 (ngày ban hành, hiệu lực chưa đối chiếu)"),
    ("152/2025/NĐ-CP", "decree", "Chính phủ", D(2025, 6, 14), D(2025, 7, 1), None,
     "Nghị định quy định về phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng và quy "
     "định chi tiết Luật Thi đua, khen thưởng", "", True, "domain-reference.md §0.1"),
    ("98/2023/NĐ-CP", "decree", "Chính phủ", D(2023, 12, 31), D(2024, 1, 1), D(2025, 6, 30),
     "Nghị định quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
     "152/2025/NĐ-CP", True, "domain-reference.md §0.1"),
    ("91/2017/NĐ-CP", "decree", "Chính phủ", D(2017, 7, 31), D(2017, 9, 15), D(2023, 12, 31),
     "Nghị định quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
     "98/2023/NĐ-CP", True, "domain-reference.md §0.1, §9"),
    ("30/2020/NĐ-CP", "decree", "Chính phủ", D(2020, 3, 5), D(2020, 3, 5), None,
     "Nghị định về công tác văn thư", "", True, "domain-reference.md §0.1"),
    ("34-CT/TW", "directive", "Bộ Chính trị", D(2014, 4, 7), D(2014, 4, 7), None,
     "Chỉ thị về tiếp tục đổi mới công tác thi đua, khen thưởng", "", True,
     "domain-reference.md §0.1"),
    ("01-CT/TW", "directive", "Bộ Chính trị", D(2021, 3, 9), D(2021, 3, 9), None,
     "Chỉ thị về việc nghiên cứu, học tập, quán triệt, tuyên truyền và triển khai thực hiện "
     "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng", "", False,
     "Báo cáo sơ kết 6 tháng đầu năm 2021 của Liên minh HTX Việt Nam"),
    ("1328/QĐ-TTg", "decision", "Thủ tướng Chính phủ", D(2021, 7, 23), D(2021, 7, 23), None,
     "Quyết định phê duyệt Điều lệ Liên minh Hợp tác xã Việt Nam", "", True,
     "domain-reference.md §8"),
    ("599/QĐ-LMHTXVN", "decision", "Liên minh Hợp tác xã Việt Nam", D(2017, 8, 7),
     D(2017, 8, 7), None,
     "Quyết định sửa đổi Quy chế xét tặng Kỷ niệm chương “Vì sự nghiệp phát triển hợp tác xã”",
     "", True, "domain-reference.md §8"),
    ("230-KL/TW", "conclusion", "Bộ Chính trị, Ban Bí thư", D(2026, 1, 5), D(2026, 1, 5), None,
     "Kết luận về sắp xếp, tinh gọn các hội quần chúng do Đảng, Nhà nước giao nhiệm vụ", "",
     True, "domain-reference.md §8"),
]


def seed(apps, schema_editor):
    LegalDocument = apps.get_model("emulation", "LegalDocument")
    History = apps.get_model("emulation", "HistoricalLegalDocument")
    from django.utils import timezone

    now = timezone.now()
    fields = [f.attname for f in LegalDocument._meta.concrete_fields]
    made = {}
    for (number, doc_type, issuer, issued, start, end, title, replaced_by, verified,
         source) in DOCUMENTS:
        document, created = LegalDocument.objects.get_or_create(number=number, defaults={
            "doc_type": doc_type, "issuer": issuer, "issued_on": issued, "effective_from": start,
            "effective_to": end, "title": title, "verified": verified, "source": source,
            "replaced_by": made.get(replaced_by)})
        made[number] = document
        if created:
            History.objects.create(**{f: getattr(document, f) for f in fields}, history_date=now,
                                   history_type="+", history_change_reason="Dữ liệu khởi tạo")


def unseed(apps, schema_editor):
    LegalDocument = apps.get_model("emulation", "LegalDocument")
    numbers = [row[0] for row in DOCUMENTS]
    LegalDocument.objects.filter(number__in=numbers).update(replaced_by=None)
    LegalDocument.objects.filter(number__in=numbers).delete()


class Migration(migrations.Migration):
    dependencies = [("emulation", "0001_movements_and_registrations")]
    operations = [migrations.RunPython(seed, unseed)]
