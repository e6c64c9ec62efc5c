"""The award catalogue (architecture §4) and the three rule sets in force since 2017.

Values follow domain-reference.md: `verified` is True where it tags the rule [V] (including
[V-secondary]) for that legal regime, False where it tags it [U]; unverified values are the
best-known ones and administrators change them in the application (every change is audited).
The data lives here, not in application code, so that later edits of the code never change
what this migration wrote."""

import datetime

from django.db import migrations

# code, name, category, recipient kind, granting level, council vote, secret ballot, order.
# Council vote and secret ballot: ministry-level Chiến sĩ thi đua and CSTĐ toàn quốc go to a
# secret ballot of the council [V, legacy Decree 91/2017 Art. 45.8]; grassroots CSTĐCS is voted
# by the grassroots council, commonly by secret ballot [U]; every other award decided or proposed
# by the Alliance goes through its council by open vote [U]; LĐTT, TTLĐTT and Giấy khen are
# decided by the unit head without the Alliance council [U].
AWARD_TYPES = [
    ("LDTT", "Lao động tiên tiến", "emulation_title", "individual", "unit_head", False, False, 10),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "emulation_title", "individual", "unit_head", True, True, 20),
    ("CSTDN", "Chiến sĩ thi đua ngành", "emulation_title", "individual", "alliance_chairman", True, True, 30),
    ("CSTDTQ", "Chiến sĩ thi đua toàn quốc", "emulation_title", "individual", "prime_minister", True, True, 40),
    ("TTLDTT", "Tập thể lao động tiên tiến", "emulation_title", "collective", "unit_head", False, False, 50),
    ("TTLDXS", "Tập thể lao động xuất sắc", "emulation_title", "collective", "alliance_chairman", True, False, 60),
    ("CTD_LM", "Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam", "emulation_title", "collective",
     "alliance_committee", True, False, 70),
    ("CTD_CP", "Cờ thi đua của Chính phủ", "emulation_title", "collective", "prime_minister", True, False, 80),
    ("BK_BCH", "Bằng khen của Ban Chấp hành Liên minh HTX Việt Nam", "commendation", "both",
     "alliance_committee", True, False, 90),
    ("BK_CT", "Bằng khen của Chủ tịch Liên minh HTX Việt Nam", "commendation", "both",
     "alliance_chairman", True, False, 100),
    ("GK", "Giấy khen", "commendation", "both", "unit_head", False, False, 110),
    ("KNC", "Kỷ niệm chương “Vì sự nghiệp phát triển hợp tác xã”", "commendation", "individual",
     "alliance_chairman", True, False, 120),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "commendation", "both", "prime_minister", True, False, 130),
    ("HCLD3", "Huân chương Lao động hạng Ba", "commendation", "both", "state_president", True, False, 140),
    ("HCLD2", "Huân chương Lao động hạng Nhì", "commendation", "both", "state_president", True, False, 150),
    ("HCLD1", "Huân chương Lao động hạng Nhất", "commendation", "both", "state_president", True, False, 160),
]

R2017, R2024, R2025 = "2017", "2024", "2025"
RULE_SETS = {
    R2017: {
        "name": "Luật Thi đua, khen thưởng năm 2003 và Nghị định 91/2017/NĐ-CP",
        "valid_from": datetime.date(2017, 9, 15),
        "valid_to": datetime.date(2023, 12, 31),
        "legal_basis": (
            "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003 (sửa đổi, bổ sung năm 2005, 2009 "
            "và 2013);\nNghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ quy định chi tiết "
            "thi hành một số điều của Luật Thi đua, khen thưởng;\nThông tư số 12/2019/TT-BNV của "
            "Bộ Nội vụ."
        ),
        "note": (
            "Ngày bắt đầu 15/9/2017 là ngày Nghị định 91/2017/NĐ-CP có hiệu lực (chưa đối chiếu). "
            "Trước ngày này chưa có quy định áp dụng trong hệ thống."
        ),
    },
    R2024: {
        "name": "Luật Thi đua, khen thưởng năm 2022 và Nghị định 98/2023/NĐ-CP",
        "valid_from": datetime.date(2024, 1, 1),
        "valid_to": datetime.date(2025, 6, 30),
        "legal_basis": (
            "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\nNghị định số 98/2023/NĐ-CP ngày "
            "31/12/2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen "
            "thưởng;\nThông tư số 01/2024/TT-BNV của Bộ Nội vụ."
        ),
        "note": "",
    },
    R2025: {
        "name": "Luật Thi đua, khen thưởng năm 2022 và Nghị định 152/2025/NĐ-CP",
        "valid_from": datetime.date(2025, 7, 1),
        "valid_to": None,
        "legal_basis": (
            "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\nNghị định số 152/2025/NĐ-CP ngày "
            "14/6/2025 của Chính phủ quy định về phân cấp, phân quyền trong lĩnh vực thi đua, khen "
            "thưởng và chi tiết thi hành Luật Thi đua, khen thưởng."
        ),
        "note": (
            "Chưa đối chiếu: Nghị định 152/2025/NĐ-CP được cho là hết hiệu lực ngày 01/3/2027; "
            "Luật sửa đổi, bổ sung Luật Thi đua, khen thưởng được cho là có hiệu lực từ 01/10/2026. "
            "Khi văn bản mới có hiệu lực, quản trị viên thêm quy định áp dụng mới."
        ),
    },
}

L2003 = "Luật Thi đua, khen thưởng 2003"
N91 = "Nghị định 91/2017/NĐ-CP"
L2022 = "Luật Thi đua, khen thưởng 2022"
N98 = "Nghị định 98/2023/NĐ-CP"
N152 = "Nghị định 152/2025/NĐ-CP"
VCA = "Quy định của Liên minh HTX Việt Nam (chưa đối chiếu)"
UNVERIFIED_SAME = "giá trị theo quy định trước, chưa đối chiếu"

YES_NO = ("boolean", "", None, None)
PERCENT = ("decimal", "%", 0, 100)
YEARS = ("integer", "năm", 1, 50)
COUNT = ("integer", "", 0, 1000)
TIMES = ("decimal", "lần mức lương cơ sở", 0, 100)


def same(value, verified, citation):
    return {R2017: (value, verified, citation), R2024: (value, verified, citation),
            R2025: (value, verified, citation)}


# key, label, (kind, unit, min, max), {rule set: (value, verified, citation)}, help, choices
PARAMETERS = [
    # --- the council (domain reference §2.3, rule 25) ---
    ("council_vote_share_high_percent",
     "Tỷ lệ phiếu đồng ý tối thiểu của Hội đồng đối với Chiến sĩ thi đua ngành, Chiến sĩ thi đua "
     "toàn quốc và danh hiệu cao hơn", PERCENT,
     {R2017: ("90", True, f"{N91}, Điều 45 khoản 8"), R2024: ("90", False, f"{N98} ({UNVERIFIED_SAME})"),
      R2025: ("90", False, f"{N152} ({UNVERIFIED_SAME})")},
     "Phiếu đồng ý phải đạt ít nhất tỷ lệ này so với mẫu số bên dưới.", None),
    ("council_vote_share_other_percent",
     "Tỷ lệ phiếu đồng ý phải vượt quá đối với các danh hiệu, hình thức khác do Hội đồng xét",
     PERCENT, same("50", False, "Nguyên tắc đa số trong quy chế Hội đồng (chưa đối chiếu)"),
     "Đa số: phiếu đồng ý phải nhiều hơn tỷ lệ này.", None),
    ("council_vote_denominator", "Mẫu số khi tính tỷ lệ phiếu", ("choice", "", None, None),
     {R2017: ("total_members", True, f"{N91}, Điều 45 khoản 8"),
      R2024: ("total_members", False, f"{N98} ({UNVERIFIED_SAME})"),
      R2025: ("total_members", False, f"{N152} ({UNVERIFIED_SAME})")},
     "", [["total_members", "Tổng số thành viên Hội đồng"], ["present_members", "Số thành viên có mặt"]]),
    ("council_quorum_numerator", "Số thành viên có mặt tối thiểu – tử số của phân số so với tổng "
     "số thành viên", ("integer", "", 1, 100), same("2", False, "Quy chế Hội đồng (chưa đối chiếu)"),
     "Mặc định 2/3 tổng số thành viên.", None),
    ("council_quorum_denominator", "Số thành viên có mặt tối thiểu – mẫu số của phân số so với "
     "tổng số thành viên", ("integer", "", 1, 100), same("3", False, "Quy chế Hội đồng (chưa đối chiếu)"),
     "", None),
    ("council_absent_written_votes_count", "Tính ý kiến bằng văn bản của thành viên vắng mặt", YES_NO,
     {R2017: ("true", True, f"{N91}, Điều 45 khoản 8"), R2024: ("true", False, f"{N98} ({UNVERIFIED_SAME})"),
      R2025: ("true", False, f"{N152} ({UNVERIFIED_SAME})")}, "", None),
    ("council_max_vice_chairs", "Số Phó Chủ tịch Hội đồng tối đa", ("integer", "người", 1, 20),
     {R2017: ("4", False, f"{N91} (chưa đối chiếu)"), R2024: ("4", False, f"{N98}, Điều 48 (áp dụng cho Liên minh chưa đối chiếu)"),
      R2025: ("4", False, f"{N152} (áp dụng cho Liên minh chưa đối chiếu)")}, "", None),
    # --- quotas (rules 4, 9, 10) ---
    ("cstdcs_quota_enabled", "Khống chế số Chiến sĩ thi đua cơ sở theo tỷ lệ số Lao động tiên tiến",
     YES_NO, {R2017: ("true", True, N91), R2024: ("false", False, f"{L2022} không quy định tỷ lệ; {VCA}"),
              R2025: ("false", False, f"{L2022} không quy định tỷ lệ; {VCA}")},
     "Bật nếu quy định của Liên minh áp dụng tỷ lệ khống chế.", None),
    ("cstdcs_ldtt_quota_percent", "Tỷ lệ Chiến sĩ thi đua cơ sở tối đa so với số Lao động tiên tiến "
     "của đơn vị", PERCENT,
     {R2017: ("15", True, N91), R2024: ("15", False, VCA), R2025: ("15", False, VCA)},
     "Chỉ áp dụng khi bật tham số khống chế ở trên.", None),
    ("cstdcs_quota_rounding", "Cách làm tròn số Chiến sĩ thi đua cơ sở tối đa",
     ("choice", "", None, None), same("floor", False, VCA), "",
     [["floor", "Làm tròn xuống"], ["round", "Làm tròn đến số nguyên gần nhất"]]),
    ("flag_leading_units_per_cluster", "Số đơn vị dẫn đầu của mỗi cụm, khối được xét Cờ thi đua",
     ("integer", "đơn vị", 1, 100), same("1", False, VCA), "", None),
    ("flags_per_cluster_max", "Số Cờ thi đua của Liên minh tối đa cho mỗi cụm, khối",
     ("integer", "cờ", 0, 100), same("1", False, VCA), "", None),
    ("ctd_lm_requires_ttldxs", "Cờ thi đua của Liên minh yêu cầu đạt tiêu chuẩn Tập thể lao động "
     "xuất sắc", YES_NO, same("true", False, VCA), "", None),
    ("ctd_cp_requires_cluster_leader", "Cờ thi đua của Chính phủ chỉ xét trong các tập thể dẫn đầu "
     "cụm, khối", YES_NO,
     {R2017: ("false", True, N91), R2024: ("true", True, f"{L2022}, Điều 25"),
      R2025: ("true", True, f"{L2022}, Điều 25")}, "", None),
    ("ctd_cp_movement_min_years", "Số năm tối thiểu của phong trào do Thủ tướng phát động để tập thể "
     "dẫn đầu được xét Cờ thi đua của Chính phủ", YEARS,
     {R2017: ("5", False, f"{N91} (chưa đối chiếu)"), R2024: ("5", True, f"{L2022}, Điều 25 khoản 3"),
      R2025: ("5", True, f"{L2022}, Điều 25 khoản 3")}, "", None),
    # --- individual titles and their chains (rules 2, 3, 5, 6, 11–13) ---
    ("ldtt_min_months_employed", "Thời gian công tác tối thiểu trong năm để xét Lao động tiên tiến",
     ("integer", "tháng", 0, 12), same("10", False, VCA), "", None),
    ("ldtt_absence_days_excluding", "Không xét Lao động tiên tiến khi nghỉ từ số ngày làm việc này "
     "trở lên", ("integer", "ngày làm việc", 1, 366), same("40", False, VCA), "", None),
    ("ldtt_discipline_excludes", "Không xét Lao động tiên tiến khi bị kỷ luật từ khiển trách trở lên",
     YES_NO, same("true", False, VCA), "", None),
    ("cstdcs_requires_initiative", "Chiến sĩ thi đua cơ sở bắt buộc có sáng kiến (không chỉ hoàn "
     "thành xuất sắc nhiệm vụ)", YES_NO,
     {R2017: ("true", True, L2003), R2024: ("false", True, f"{L2022}, Điều 23"),
      R2025: ("false", True, f"{L2022}, Điều 23")},
     "Dự thảo sửa đổi Luật năm 2026 yêu cầu cả hai điều kiện (chưa đối chiếu).", None),
    ("cstdn_cstdcs_consecutive_years", "Số năm liên tục đạt Chiến sĩ thi đua cơ sở để xét Chiến sĩ "
     "thi đua ngành", YEARS,
     {R2017: ("3", True, L2003), R2024: ("3", False, f"{L2022}, Điều 22 (chưa đối chiếu)"),
      R2025: ("3", False, f"{L2022}, Điều 22 (chưa đối chiếu)")}, "", None),
    ("cstdn_requires_sector_initiative", "Chiến sĩ thi đua ngành yêu cầu sáng kiến có phạm vi ảnh "
     "hưởng trong ngành được công nhận", YES_NO,
     {R2017: ("true", True, L2003), R2024: ("true", False, f"{L2022}, Điều 22 (chưa đối chiếu)"),
      R2025: ("true", False, f"{L2022}, Điều 22 (chưa đối chiếu)")}, "", None),
    ("cstdtq_cstdn_consecutive_times", "Số lần liên tục đạt Chiến sĩ thi đua ngành để xét Chiến sĩ "
     "thi đua toàn quốc", ("integer", "lần", 1, 10),
     {R2017: ("2", False, f"{L2003} (chưa đối chiếu)"), R2024: ("2", True, f"{L2022}, Điều 21"),
      R2025: ("2", True, f"{L2022}, Điều 21")}, "", None),
    ("cstdtq_requires_nationwide_initiative", "Chiến sĩ thi đua toàn quốc yêu cầu sáng kiến có phạm "
     "vi ảnh hưởng toàn quốc", YES_NO,
     {R2017: ("true", False, f"{L2003} (chưa đối chiếu)"), R2024: ("true", True, f"{L2022}, Điều 21"),
      R2025: ("true", True, f"{L2022}, Điều 21")}, "", None),
    ("bk_alliance_cstdcs_consecutive_years", "Bằng khen của Liên minh: số năm liên tục đạt Chiến sĩ "
     "thi đua cơ sở", YEARS,
     {R2017: ("2", False, f"{N91} (chưa đối chiếu)"), R2024: ("2", True, f"{L2022}, Điều 74 khoản 1 điểm d"),
      R2025: ("2", True, f"{L2022}, Điều 74 khoản 1 điểm d")}, "", None),
    ("bk_alliance_htxsnv_consecutive_years", "Bằng khen của Liên minh: số năm liên tục hoàn thành "
     "xuất sắc nhiệm vụ (tiêu chuẩn thay thế)", YEARS,
     {R2017: ("2", False, f"{N91} (chưa đối chiếu)"), R2024: ("2", True, f"{L2022}, Điều 74 khoản 1 điểm d"),
      R2025: ("2", True, f"{L2022}, Điều 74 khoản 1 điểm d")}, "", None),
    ("bk_alliance_initiatives_min", "Bằng khen của Liên minh: số sáng kiến tối thiểu trong các năm đó "
     "(tiêu chuẩn thay thế)", ("integer", "sáng kiến", 0, 100),
     {R2017: ("2", False, f"{N91} (chưa đối chiếu)"), R2024: ("2", True, f"{L2022}, Điều 74 khoản 1 điểm d"),
      R2025: ("2", True, f"{L2022}, Điều 74 khoản 1 điểm d")}, "", None),
    ("bk_ttg_years_after_alliance_bk", "Bằng khen của Thủ tướng: số năm liên tục hoàn thành tốt nhiệm "
     "vụ trở lên sau Bằng khen cấp Liên minh", YEARS,
     {R2017: ("5", False, f"{N91} (chưa đối chiếu)"), R2024: ("5", True, f"{L2022}, Điều 73 khoản 1 điểm b"),
      R2025: ("5", True, f"{L2022}, Điều 73 khoản 1 điểm b")}, "", None),
    ("bk_ttg_cstdcs_in_window", "Bằng khen của Thủ tướng: số lần Chiến sĩ thi đua cơ sở trong thời "
     "gian đó", ("integer", "lần", 0, 50),
     {R2017: ("3", False, f"{N91} (chưa đối chiếu)"), R2024: ("3", True, f"{L2022}, Điều 73 khoản 1 điểm b"),
      R2025: ("3", True, f"{L2022}, Điều 73 khoản 1 điểm b")}, "", None),
    ("hcld3_years_after_bk_ttg", "Huân chương Lao động hạng Ba: số năm liên tục hoàn thành tốt nhiệm "
     "vụ trở lên sau Bằng khen của Thủ tướng", YEARS,
     {R2017: ("5", False, f"{N91} (chưa đối chiếu)"), R2024: ("5", True, f"{L2022}, Điều 44 khoản 1 điểm e"),
      R2025: ("5", True, f"{L2022}, Điều 44 khoản 1 điểm e")}, "", None),
    ("hcld3_cstdcs_in_window", "Huân chương Lao động hạng Ba: số lần Chiến sĩ thi đua cơ sở trong "
     "thời gian đó", ("integer", "lần", 0, 50),
     {R2017: ("3", False, f"{N91} (chưa đối chiếu)"), R2024: ("3", True, f"{L2022}, Điều 44 khoản 1 điểm e"),
      R2025: ("3", True, f"{L2022}, Điều 44 khoản 1 điểm e")}, "", None),
    ("hcld3_htxsnv_years_min", "Huân chương Lao động hạng Ba: số năm hoàn thành xuất sắc nhiệm vụ tối "
     "thiểu trong thời gian đó", ("integer", "năm", 0, 50),
     {R2017: ("1", False, f"{N91} (chưa đối chiếu)"), R2024: ("1", True, f"{L2022}, Điều 44 khoản 1 điểm e"),
      R2025: ("1", True, f"{L2022}, Điều 44 khoản 1 điểm e")}, "", None),
    ("hcld2_years_after_hcld3", "Huân chương Lao động hạng Nhì: số năm sau Huân chương Lao động hạng Ba",
     YEARS, same("5", False, f"{L2022}, Điều 43 (chưa đối chiếu)"), "", None),
    ("hcld1_years_after_hcld2", "Huân chương Lao động hạng Nhất: số năm sau Huân chương Lao động hạng Nhì",
     YEARS, same("5", False, f"{L2022}, Điều 42 (chưa đối chiếu)"), "", None),
    ("state_awards_per_year_max", "Số hình thức khen thưởng cấp Nhà nước tối đa cho một đối tượng "
     "trong một năm (trừ khen thưởng đột xuất, cống hiến)", ("integer", "hình thức", 1, 10),
     {R2017: ("1", True, "Thông tư 12/2019/TT-BNV"), R2024: ("1", False, f"Thông tư 01/2024/TT-BNV ({UNVERIFIED_SAME})"),
      R2025: ("1", False, UNVERIFIED_SAME)}, "", None),
    # --- collective titles (rules 7, 8) ---
    ("ttldtt_ldtt_share_percent", "Tập thể lao động tiên tiến: tỷ lệ thành viên đạt Lao động tiên "
     "tiến tối thiểu", PERCENT,
     {R2017: ("50", True, L2003), R2024: ("70", True, f"{L2022}, Điều 28 (theo thông tư hướng dẫn)"),
      R2025: ("70", True, f"{L2022}, Điều 28 (theo thông tư hướng dẫn)")}, "", None),
    ("ttldtt_ldtt_share_exclusive", "Tập thể lao động tiên tiến: tỷ lệ trên phải vượt quá (không tính "
     "trường hợp bằng)", YES_NO,
     {R2017: ("true", True, f"{L2003} (trên 50%)"), R2024: ("false", True, f"{L2022} (từ 70% trở lên)"),
      R2025: ("false", True, f"{L2022} (từ 70% trở lên)")}, "", None),
    ("ttldxs_ldtt_share_percent", "Tập thể lao động xuất sắc: tỷ lệ thành viên đạt Lao động tiên tiến "
     "tối thiểu", PERCENT,
     {R2017: ("70", False, f"{N91} (chưa đối chiếu)"), R2024: ("70", True, f"{L2022}, Điều 27 (theo thông tư hướng dẫn)"),
      R2025: ("70", True, f"{L2022}, Điều 27 (theo thông tư hướng dẫn)")}, "", None),
    ("ttldxs_min_cstdcs_members", "Tập thể lao động xuất sắc: số thành viên đạt Chiến sĩ thi đua cơ sở "
     "tối thiểu", COUNT, same("1", False, "Thông tư hướng dẫn (chưa đối chiếu)"), "", None),
    ("collective_no_member_disciplined", "Tập thể không có thành viên bị kỷ luật từ cảnh cáo trở lên",
     YES_NO,
     {R2017: ("true", False, f"{N91} (chưa đối chiếu)"), R2024: ("true", True, "Thông tư hướng dẫn năm 2024"),
      R2025: ("true", True, "Thông tư hướng dẫn năm 2024")}, "", None),
    ("women_priority_collective_share_percent", "Tập thể có tỷ lệ nữ từ mức này trở lên được ưu tiên "
     "khi ngang tiêu chuẩn", PERCENT,
     {R2017: ("70", False, f"{N91} (chưa đối chiếu)"), R2024: ("70", True, f"{N98}, Điều 4"),
      R2025: ("70", False, f"{N152}, Điều 4 (chưa đối chiếu)")}, "", None),
    # --- what counts toward prerequisites (rules 15, 30) ---
    ("thematic_awards_count_for_prerequisites", "Khen thưởng theo chuyên đề, theo đợt được tính làm "
     "căn cứ xét khen thưởng theo công trạng", YES_NO,
     {R2017: ("false", False, f"{N91} (chưa đối chiếu)"), R2024: ("false", True, f"{N98}, Điều 4"),
      R2025: ("false", False, f"{N152}, Điều 4 (chưa đối chiếu)")}, "", None),
    ("extraordinary_awards_count_for_prerequisites", "Khen thưởng đột xuất được tính làm căn cứ xét "
     "khen thưởng theo công trạng", YES_NO,
     {R2017: ("false", False, f"{N91} (chưa đối chiếu)"), R2024: ("false", True, f"{N98}, Điều 4"),
      R2025: ("false", False, f"{N152}, Điều 4 (chưa đối chiếu)")}, "", None),
    ("merged_org_titles_count_for_successor", "Danh hiệu của đơn vị bị hợp nhất được tính vào chuỗi "
     "năm liên tục của đơn vị kế thừa", YES_NO, same("false", False, VCA),
     "Mặc định không tính: chuỗi năm liên tục của đơn vị mới bắt đầu từ ngày hợp nhất.", None),
    ("emulation_registration_required", "Bắt buộc có đăng ký thi đua để được xét danh hiệu", YES_NO,
     same("false", False, VCA), "Bật khi chức năng đăng ký thi đua đã được đưa vào sử dụng.", None),
    # --- procedure (rules 22, 26) ---
    ("public_notice_working_days", "Số ngày làm việc công khai danh sách trước phiên họp Hội đồng",
     ("integer", "ngày làm việc", 0, 100),
     {R2017: ("10", False, f"{N91}, Điều 45 khoản 10 (chưa đối chiếu số ngày)"),
      R2024: ("10", True, f"{N98}, Điều 46"), R2025: ("10", True, f"{N152}, Điều 60 khoản 3")}, "", None),
    ("appraisal_sla_working_days", "Thời hạn thẩm định hồ sơ kể từ khi nhận đủ hồ sơ",
     ("integer", "ngày làm việc", 1, 365), same("25", False, VCA), "", None),
    # --- cash rewards (rule 28), multiples of the base salary valid on the decision date ---
    ("cash_multiplier_cstdtq", "Tiền thưởng Chiến sĩ thi đua toàn quốc", TIMES,
     {R2017: ("4.5", False, N91), R2024: ("4.5", False, N98), R2025: ("4.5", True, N152)}, "", None),
    ("cash_multiplier_cstdn", "Tiền thưởng Chiến sĩ thi đua ngành", TIMES,
     {R2017: ("3", False, N91), R2024: ("3", False, N98), R2025: ("3", True, N152)}, "", None),
    ("cash_multiplier_cstdcs", "Tiền thưởng Chiến sĩ thi đua cơ sở", TIMES,
     {R2017: ("1", False, N91), R2024: ("1", False, N98), R2025: ("1", True, N152)}, "", None),
    ("cash_multiplier_ldtt", "Tiền thưởng Lao động tiên tiến", TIMES,
     {R2017: ("0.3", False, N91), R2024: ("0.3", False, N98), R2025: ("0.3", True, N152)}, "", None),
    ("cash_multiplier_ctd_cp", "Tiền thưởng Cờ thi đua của Chính phủ", TIMES,
     same("12", False, "Suy ra từ một quyết định năm 2025 (chưa đối chiếu)"), "", None),
    ("cash_household_factor", "Hệ số tiền thưởng của hộ gia đình so với cá nhân cùng hình thức",
     ("decimal", "lần", 0, 10),
     {R2017: ("1.5", False, N91), R2024: ("1.5", False, N98), R2025: ("1.5", True, N152)}, "", None),
]


def seed(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    RuleSet = apps.get_model("awards", "RuleSet")
    RuleParameter = apps.get_model("awards", "RuleParameter")
    for code, name, category, recipients, level, vote, secret, order in AWARD_TYPES:
        AwardType.objects.update_or_create(code=code, defaults={
            "name": name, "category": category, "recipient_kind": recipients,
            "granting_level": level, "council_vote_required": vote, "secret_ballot": secret,
            "is_active": True, "display_order": order,
        })
    for ident, fields in RULE_SETS.items():
        rule_set, _created = RuleSet.objects.update_or_create(
            valid_from=fields["valid_from"], defaults=fields)
        for order, (key, label, (kind, unit, low, high), values, help_text, choices) in enumerate(
                PARAMETERS, start=1):
            value, verified, citation = values[ident]
            RuleParameter.objects.update_or_create(rule_set=rule_set, key=key, defaults={
                "label": label, "kind": kind, "value": value, "unit": unit, "min_value": low,
                "max_value": high, "verified": verified, "legal_citation": citation,
                "help_text": help_text, "choices": choices or [], "display_order": order * 10,
            })


def record_history(apps, schema_editor):
    """The seeded rows' first version, so the change log can show what a first edit changed."""
    from django.utils import timezone

    now = timezone.now()
    for name in ("AwardType", "RuleSet", "RuleParameter"):
        model = apps.get_model("awards", name)
        history = apps.get_model("awards", f"Historical{name}")
        fields = [f.attname for f in model._meta.concrete_fields]
        history.objects.bulk_create([
            history(**{f: getattr(row, f) for f in fields}, history_date=now, history_type="+",
                    history_change_reason="Dữ liệu khởi tạo")
            for row in model.objects.all()
        ])


def unseed(apps, schema_editor):
    apps.get_model("awards", "RuleSet").objects.filter(
        valid_from__in=[fields["valid_from"] for fields in RULE_SETS.values()]).delete()
    apps.get_model("awards", "AwardType").objects.filter(
        code__in=[row[0] for row in AWARD_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed),
                  migrations.RunPython(record_history, migrations.RunPython.noop)]
