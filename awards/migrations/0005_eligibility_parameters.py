"""Parameters the eligibility rules read that the first seed did not hold: the rating floors of
the titles, the share of members completing their tasks for Tập thể lao động xuất sắc, the
collective criterion of the Alliance's Bằng khen, Kỷ niệm chương once per person, and the two
principles of Law Art. 5.2 and Decree 98/2023 Art. 4 (one achievement one form; no award while
a case is open, achievements counted from the end of a disciplinary measure).

As in 0002: `verified` follows domain-reference.md ([V] True, [U] False); unverified values are
the best-known ones and administrators change them in the application."""

import datetime

from django.db import migrations

R2017, R2024, R2025 = datetime.date(2017, 9, 15), datetime.date(2024, 1, 1), datetime.date(2025, 7, 1)
L2003 = "Luật Thi đua, khen thưởng 2003"
N91 = "Nghị định 91/2017/NĐ-CP"
L2022 = "Luật Thi đua, khen thưởng 2022"
N98 = "Nghị định 98/2023/NĐ-CP"
N152 = "Nghị định 152/2025/NĐ-CP"
VCA = "Quy định của Liên minh HTX Việt Nam (chưa đối chiếu)"
RATINGS = [["excellent", "Hoàn thành xuất sắc nhiệm vụ"], ["good", "Hoàn thành tốt nhiệm vụ"],
           ["completed", "Hoàn thành nhiệm vụ"]]


def same(value, verified, citation):
    return {R2017: (value, verified, citation), R2024: (value, verified, citation),
            R2025: (value, verified, citation)}


# key, label, kind, unit, min, max, choices, values, help text, placed before this key
PARAMETERS = [
    ("ldtt_min_rating", "Lao động tiên tiến: mức xếp loại tối thiểu trong năm", "choice", "", None,
     None, RATINGS,
     {R2017: ("good", True, L2003), R2024: ("good", True, f"{L2022}, Điều 24 khoản 1"),
      R2025: ("good", True, f"{L2022}, Điều 24 khoản 1")}, "", "ldtt_min_months_employed"),
    ("discipline_blocks_award", "Không xét khen thưởng khi đang bị xem xét kỷ luật, điều tra, "
     "thanh tra, xác minh khiếu nại; thành tích chỉ tính từ khi chấp hành xong kỷ luật", "boolean",
     "", None, None, [],
     {R2017: ("true", False, f"{N91} (chưa đối chiếu)"), R2024: ("true", True, f"{N98}, Điều 4"),
      R2025: ("true", False, f"{N152}, Điều 4 (chưa đối chiếu)")}, "", "ldtt_min_months_employed"),
    ("one_achievement_one_form", "Một thành tích chỉ được khen thưởng một lần, bằng một hình thức",
     "boolean", "", None, None, [],
     {R2017: ("true", False, "Thông tư 12/2019/TT-BNV (chưa đối chiếu)"),
      R2024: ("true", True, f"{L2022}, Điều 5 khoản 2"),
      R2025: ("true", True, f"{L2022}, Điều 5 khoản 2")}, "", "state_awards_per_year_max"),
    ("gk_min_rating", "Giấy khen: mức xếp loại tối thiểu trong năm", "choice", "", None, None,
     RATINGS, same("good", False, f"{L2022}, Điều 75 khoản 2; {VCA}"), "",
     "state_awards_per_year_max"),
    ("knc_once_per_person", "Kỷ niệm chương chỉ tặng một lần cho mỗi cá nhân", "boolean", "", None,
     None, [], same("true", False, f"{L2022}, Điều 71; Quyết định 599/QĐ-LMHTXVN (chưa đối chiếu)"),
     "", "state_awards_per_year_max"),
    ("bk_alliance_collective_ttldxs_consecutive_years", "Bằng khen của Liên minh cho tập thể: số năm "
     "liên tục đạt Tập thể lao động xuất sắc", "integer", "năm", 1, 50, [],
     same("2", False, f"{L2022}, Điều 74 ({VCA})"), "", "bk_ttg_years_after_alliance_bk"),
    ("ttldtt_min_rating", "Tập thể lao động tiên tiến: mức xếp loại tối thiểu của tập thể", "choice",
     "", None, None, RATINGS,
     {R2017: ("good", True, L2003), R2024: ("good", True, f"{L2022}, Điều 28 (theo thông tư hướng dẫn)"),
      R2025: ("good", True, f"{L2022}, Điều 28 (theo thông tư hướng dẫn)")}, "",
     "ttldtt_ldtt_share_percent"),
    ("ttldxs_min_rating", "Tập thể lao động xuất sắc: mức xếp loại tối thiểu của tập thể", "choice",
     "", None, None, RATINGS,
     {R2017: ("excellent", False, f"{N91} (chưa đối chiếu)"),
      R2024: ("excellent", True, f"{L2022}, Điều 27 (theo thông tư hướng dẫn)"),
      R2025: ("excellent", True, f"{L2022}, Điều 27 (theo thông tư hướng dẫn)")}, "",
     "ttldxs_ldtt_share_percent"),
    ("ttldxs_members_completed_percent", "Tập thể lao động xuất sắc: tỷ lệ thành viên hoàn thành "
     "nhiệm vụ tối thiểu", "decimal", "%", 0, 100, [],
     {R2017: ("100", False, f"{N91} (chưa đối chiếu)"),
      R2024: ("100", True, f"{L2022}, Điều 27 (theo thông tư hướng dẫn)"),
      R2025: ("100", True, f"{L2022}, Điều 27 (theo thông tư hướng dẫn)")}, "",
     "ttldxs_ldtt_share_percent"),
]


def add(apps, schema_editor):
    RuleSet = apps.get_model("awards", "RuleSet")
    RuleParameter = apps.get_model("awards", "RuleParameter")
    History = apps.get_model("awards", "HistoricalRuleParameter")
    from django.utils import timezone

    now = timezone.now()
    fields = [f.attname for f in RuleParameter._meta.concrete_fields]
    for rule_set in RuleSet.objects.filter(valid_from__in=[R2017, R2024, R2025]):
        for offset, (key, label, kind, unit, low, high, choices, values, help_text,
                     before) in enumerate(PARAMETERS):
            value, verified, citation = values[rule_set.valid_from]
            neighbour = RuleParameter.objects.filter(rule_set=rule_set, key=before).first()
            order = (neighbour.display_order - 5 + offset % 5) if neighbour else 900 + offset
            parameter, created = RuleParameter.objects.get_or_create(
                rule_set=rule_set, key=key, defaults={
                    "label": label, "kind": kind, "value": value, "unit": unit, "min_value": low,
                    "max_value": high, "verified": verified, "legal_citation": citation,
                    "help_text": help_text, "choices": choices, "display_order": max(order, 0),
                })
            if created:
                History.objects.create(**{f: getattr(parameter, f) for f in fields},
                                       history_date=now, history_type="+",
                                       history_change_reason="Dữ liệu khởi tạo")


def remove(apps, schema_editor):
    apps.get_model("awards", "RuleParameter").objects.filter(
        key__in=[row[0] for row in PARAMETERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0004_eligibility_facts")]
    operations = [migrations.RunPython(add, remove)]
