"""The standard outline of a unit's report (đề cương báo cáo), as data, following the reference
report (shared/reference/vca-report-2021-H1.txt): Part I, the results of the period, and Part II,
the tasks of the next period.

Each entry is a heading or a section with a body. A section's body is sanitized HTML
(reports.html); a statistical section is pre-filled from the unit's records when the report is
started (reports.selectors.report_statistics) and stays editable; a required section must be
filled before the report is sent. The numbers ("I.", "4.1.") are part of the document, not of
the language, so they are data beside the translated title."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    number: str
    title: str
    level: int  # 0: part, 1: Roman heading, 2: Arabic, 3: sub-item
    has_body: bool = True
    required: bool = False
    statistical: bool = False

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def full_heading(self) -> str:
        return qualified_heading(self.key)


OUTLINE = [
    Section("part_one", "", _("PART I. RESULTS OF THE EMULATION AND COMMENDATION WORK"), 0,
            has_body=False),
    Section("direction", "I.", _("Direction and organization of the work"), 1, required=True),
    Section("results", "II.", _("Results of the emulation and commendation work"), 1,
            has_body=False),
    Section("movements", "1.", _("Results of the emulation movements"), 2, required=True,
            statistical=True),
    Section("commendation", "2.", _("Results of the commendation work"), 2, required=True,
            statistical=True),
    Section("wider_groups", "3.", _("Tasks in the wider emulation clusters and blocs"), 2),
    Section("group_activity", "4.", _("Activity of the emulation clusters and blocs"), 2,
            statistical=True),
    Section("group_achievements", "4.1.", _("Achievements"), 3),
    Section("group_limitations", "4.2.", _("Limitations"), 3),
    Section("council", "5.", _("Work of the Emulation and Commendation Council"), 2),
    Section("organization_training", "6.",
            _("Organization of the apparatus and professional training"), 2),
    Section("assessment", "III.", _("GENERAL ASSESSMENT"), 1, has_body=False),
    Section("assessment_achievements", "1.", _("Achievements"), 2, required=True),
    Section("assessment_limitations", "2.", _("Shortcomings and limitations"), 2, required=True),
    Section("assessment_causes", "3.", _("Causes of the shortcomings and limitations"), 2,
            required=True),
    Section("part_two", "", _("PART II. TASKS FOR THE NEXT PERIOD"), 0, has_body=False),
    Section("key_tasks", "I.", _("Key tasks"), 1, required=True),
    Section("measures", "II.", _("Measures for carrying them out"), 1, required=True),
]

PART_NAMES = {"part_one": _("Part I"), "part_two": _("Part II")}


def _qualified() -> dict:
    """Each section's heading with its part and Roman heading ("Part I, III.1. …"), so that a
    list of missing sections is unambiguous (both parts have an "I.")."""
    found, part, roman = {}, "", ""
    for section in OUTLINE:
        if section.level == 0:
            part = section.key
        elif section.level == 1:
            roman = section.number
            found[section.key] = (part, section.heading)
        else:
            found[section.key] = (part, f"{roman}{section.number} {section.title}")
    return found


QUALIFIED = _qualified()


def qualified_heading(key: str) -> str:
    part, heading = QUALIFIED[key]
    return f"{PART_NAMES[part]}, {heading}"


BY_KEY = {section.key: section for section in OUTLINE}
BODY_SECTIONS = [section for section in OUTLINE if section.has_body]
BODY_KEYS = [section.key for section in BODY_SECTIONS]
REQUIRED_KEYS = [section.key for section in BODY_SECTIONS if section.required]
STATISTICAL_KEYS = [section.key for section in BODY_SECTIONS if section.statistical]


def check_bodies(bodies: dict, limit: int) -> None:
    """Refuses unknown sections and bodies longer than `limit` (ValidationError in
    Vietnamese), before anything is stored."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    unknown = [key for key in bodies if key not in BY_KEY or not BY_KEY[key].has_body]
    if unknown:
        raise ValidationError(gettext("Unknown section: %(keys)s.") % {
            "keys": ", ".join(unknown)})
    for key, text in bodies.items():
        if len(text or "") > limit:
            raise ValidationError({key: gettext(
                "At most %(limit)s characters (now %(count)s).") % {
                    "limit": limit, "count": len(text)}})
