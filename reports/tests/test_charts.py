"""The SVG charts of a summary report (reports/charts.py): well-formed, accessible, escaped,
self-contained, deterministic, bars proportional to the counts."""

import xml.etree.ElementTree as ET

from django.utils.translation import gettext

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "Cụm" <a href="http://evil">'


def figures(**changes):
    data = {
        "awards": [
            {"award_code": "LDTT", "award_name": "Lao động tiên tiến",
             "recipient_kind": "individual", "count": 940},
            {"award_code": "CSTDCS", "award_name": "Chiến sĩ thi đua cơ sở",
             "recipient_kind": "individual", "count": 239},
            {"award_code": "TTLDXS", "award_name": "Tập thể lao động xuất sắc",
             "recipient_kind": "collective", "count": 123},
            {"award_code": "BK_CT", "award_name": "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
             "recipient_kind": "collective", "count": 6},
            {"award_code": "BK_CT", "award_name": "Bằng khen của Chủ tịch Liên minh HTX Việt Nam",
             "recipient_kind": "individual", "count": 1234},
        ],
        "by_group": [
            {"group_id": 1, "name": "Cụm thi đua các tỉnh miền núi phía Bắc", "kind": "cluster",
             "count": 40, "records_url": None},
            {"group_id": 2, "name": "Khối các đơn vị sự nghiệp", "kind": "bloc", "count": 10,
             "records_url": None},
        ],
        "unit_reports": {"deadline": "2021-06-15", "submitted": 5, "on_time": 3,
                         "late": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
                         "missing": [{"kind": "organization", "id": 3, "name": "C"}]},
    }
    data.update(changes)
    return data


ALL = (charts.awards_by_type_svg, charts.awards_by_group_svg, charts.reports_on_time_svg)


def parse(svg):
    return ET.fromstring(svg)


def bars(root):
    return [(float(rect.get("width")), int(rect.get("data-value")))
            for rect in root.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]


def texts(root):
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_every_chart_is_valid_accessible_svg():
    for function in ALL:
        root = parse(function(figures()))
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("aria-label")
        assert root.find(f"{SVG}title").text == root.get("aria-label")
        assert root.get("viewBox").startswith("0 0 ")
        assert "serif" in root.get("font-family")


def test_titles_and_legend_are_vietnamese():
    root = parse(charts.awards_by_type_svg(figures()))
    assert root.get("aria-label") == gettext("Awards by award type")
    # The legend uses the catalog's existing words for the recipient kinds.
    assert {"Tập thể", "Cá nhân"} <= set(texts(root))


def test_counts_are_formatted_with_dots():
    root = parse(charts.awards_by_type_svg(figures()))
    assert "1.234" in texts(root)
    assert "940" in texts(root)


def test_award_types_are_grouped_collective_then_individual():
    root = parse(charts.awards_by_type_svg(figures()))
    # Four award types, two bars each (collective, individual), in the figures' order.
    assert [value for _width, value in bars(root)] == [0, 940, 0, 239, 123, 0, 6, 1234]


def test_bar_widths_are_proportional_to_counts():
    root = parse(charts.awards_by_type_svg(figures()))
    measured = bars(root)
    largest_width, largest = max(measured, key=lambda bar: bar[1])
    assert largest == 1234 and largest_width == charts.BAR_AREA
    for width, value in measured:
        assert abs(width - charts.BAR_AREA * value / largest) <= 0.01
    group = bars(parse(charts.awards_by_group_svg(figures())))
    assert group[0][0] == 4 * group[1][0]


def test_unit_reports_on_time_late_missing():
    root = parse(charts.reports_on_time_svg(figures()))
    assert [value for _width, value in bars(root)] == [3, 2, 1]
    unknown = figures(unit_reports={"deadline": None, "submitted": 3, "on_time": 3, "late": [],
                                    "missing": None})
    # Without the list of expected authors there is no "missing" bar.
    assert [value for _width, value in bars(parse(charts.reports_on_time_svg(unknown)))] == [3, 0]


def test_hostile_names_are_escaped_and_nothing_is_linked():
    data = figures(by_group=[{"group_id": 1, "name": HOSTILE, "kind": "cluster", "count": 3,
                              "records_url": "http://evil/"}],
                   awards=[{"award_code": "X", "award_name": HOSTILE,
                            "recipient_kind": "collective", "count": 2}])
    for function in ALL:
        svg = function(data)
        root = parse(svg)
        assert "<script" not in svg.lower() and "<a " not in svg
        assert not list(root.iter(f"{SVG}script"))
        assert not list(root.iter(f"{SVG}a"))
        assert not list(root.iter(f"{SVG}image"))
        assert not list(root.iter(f"{SVG}foreignObject"))
        for node in root.iter():
            assert not any(name.startswith("on") or "href" in name for name in node.attrib)
            assert "url(" not in " ".join(node.attrib.values())
    root = parse(charts.awards_by_group_svg(data))
    titles = ["".join(node.itertext()) for node in root.iter(f"{SVG}title")]
    assert " ".join(HOSTILE.split()) in titles  # the escaped name round-trips as text


def test_long_labels_are_cut_with_the_full_name_in_a_title():
    long_name = "Cụm thi đua các Liên minh Hợp tác xã tỉnh, thành phố vùng Đồng bằng sông Hồng"
    root = parse(charts.awards_by_group_svg(figures(by_group=[
        {"group_id": 1, "name": long_name, "kind": "cluster", "count": 7, "records_url": None}])))
    labels = [text for text in texts(root) if text.startswith("Cụm")]
    assert len(labels) == 1 and labels[0].endswith("…")
    assert len(labels[0]) <= charts.MAX_LABEL
    titles = ["".join(node.itertext()) for node in root.iter(f"{SVG}title")]
    assert long_name in titles


def test_empty_figures_say_there_is_no_data():
    empty = {"awards": [], "by_group": [],
             "unit_reports": {"deadline": None, "submitted": 0, "on_time": 0, "late": [],
                              "missing": None}}
    for function in ALL:
        root = parse(function(empty))
        assert gettext("No data yet") in texts(root)
        assert not bars(root)
        assert root.get("role") == "img"
    # All-zero counts are no data either, and missing keys do not break the charts.
    zero = figures(by_group=[{"group_id": 1, "name": "Khối A", "kind": "bloc", "count": 0,
                              "records_url": None}])
    assert gettext("No data yet") in texts(parse(charts.awards_by_group_svg(zero)))
    for function in ALL:
        assert gettext("No data yet") in texts(parse(function({})))


def test_output_is_deterministic():
    for function in ALL:
        assert function(figures()) == function(figures())
