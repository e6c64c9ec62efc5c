"""Sentences of the summary report generated from its figures (reports.statistics.
document_figures), in the manner of the reference report (shared/reference/vca-report-2021-H1.txt,
II.2: "Tặng Cờ thi đua … cho 30 tập thể; tặng Bằng khen … cho 62 tập thể và 88 cá nhân").

Counts below ten are written with a leading zero ("02 Bằng khen"), larger ones as 1.234, shares
with a decimal comma ("80,4%"), dates as dd/mm/yyyy. Each sentence is formatted first and then
escaped as a whole, so names holding < > & stay text; the result goes through the sanitizer of
the report bodies. The user edits the text afterwards: the sentences are a starting point."""

import datetime
import html

from django.utils import timezone
from django.utils.translation import gettext as _

from awards.documents import format_number

from .html import sanitize
from .outline import BODY_KEYS

INDIVIDUAL = "individual"


# --- formatting --------------------------------------------------------------------------------


def count_text(value: int) -> str:
    """5 → "05", 1234 → "1.234" (the leading zero of administrative writing)."""
    return f"{value:02d}" if 0 < value < 10 else format_number(value)


def decimal_text(value: float) -> str:
    """80.4 → "80,4", 40.0 → "40", -12.5 → "-12,5", 1250.0 → "1.250"."""
    whole, _sep, fraction = f"{abs(value):.1f}".partition(".")
    text = format_number(int(whole)) + ("" if fraction == "0" else f",{fraction}")
    return f"-{text}" if value < 0 else text


def date_text(value) -> str:
    """An ISO date or date-time of the figures JSON → dd/mm/yyyy (local date for moments)."""
    if not value:
        return ""
    if "T" in str(value):
        moment = datetime.datetime.fromisoformat(str(value))
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment:%d/%m/%Y}"
    return f"{datetime.date.fromisoformat(str(value)):%d/%m/%Y}"


def join_words(items: list[str]) -> str:
    """["a", "b", "c"] → "a, b và c"."""
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def bullet_list(items: list[str]) -> str:
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in items) + "</ul>"


def period_text(figures: dict) -> str:
    year = str(figures["start"])[:4]
    if str(figures["period"]).endswith("-H1"):
        return _("the first six months of %(year)s") % {"year": year}
    return _("the year %(year)s") % {"year": year}


# --- sections ----------------------------------------------------------------------------------


def _award_categories(codes) -> dict:
    """code → category of the award types named (one query): emulation titles are written
    "danh hiệu …", except the emulation flags, which are named as objects ("Cờ thi đua …")."""
    from awards.models import AwardType

    return dict(AwardType.objects.filter(code__in=set(codes)).values_list("code", "category"))


def _award_phrase(line: dict, categories: dict) -> str:
    name = line["award_name"]
    if categories.get(line["award_code"]) == "emulation_title" and not name.startswith("Cờ"):
        return _("the title %(award)s") % {"award": name}
    return name


def _per_award(lines: list[dict]) -> list[dict]:
    """Award lines merged per award: {"award_code", "award_name", individuals, collectives}."""
    merged = {}
    for line in lines:
        entry = merged.setdefault(line["award_code"], {
            "award_code": line["award_code"], "award_name": line["award_name"],
            "individuals": 0, "collectives": 0})
        entry["individuals" if line["recipient_kind"] == INDIVIDUAL else "collectives"] += (
            line["count"])
    return list(merged.values())


def _award_sentence(entry: dict, categories: dict) -> str:
    values = {"award": _award_phrase(entry, categories),
              "collectives": count_text(entry["collectives"]),
              "individuals": count_text(entry["individuals"])}
    if entry["collectives"] and entry["individuals"]:
        return _("Awarded %(award)s to %(collectives)s collectives and %(individuals)s "
                 "individuals;") % values
    if entry["collectives"]:
        return _("Awarded %(award)s to %(collectives)s collectives;") % values
    return _("Awarded %(award)s to %(individuals)s individuals;") % values


def _comparison_sentence(figures: dict, key: str) -> str:
    row = next((r for r in figures.get("comparison") or [] if r["key"] == key), None)
    if row is None or row["change_percent"] is None:
        return ""
    values = {"percent": decimal_text(abs(row["change_percent"])) + "%",
              "year": int(str(figures["start"])[:4]) - 1}
    if row["change_percent"] > 0:
        return _("The number of awards rose by %(percent)s compared with %(year)s.") % values
    if row["change_percent"] < 0:
        return _("The number of awards fell by %(percent)s compared with %(year)s.") % values
    return _("The number of awards is the same as in %(year)s.") % values


def commendation(figures: dict, issuer: str) -> str:
    if not figures["awards_total"]:
        return ""
    state_codes = {line["award_code"] for line in figures["state_awards"]}
    categories = _award_categories(line["award_code"] for line in figures["awards"])
    own = [line for line in figures["awards"] if line["award_code"] not in state_codes]
    parts = [paragraph(_("In %(period)s, %(total)s awards were decided, as follows:") % {
        "period": period_text(figures), "total": count_text(figures["awards_total"])})]
    sentences = [_award_sentence(entry, categories) for entry in _per_award(own)]
    if sentences:
        sentences[-1] = sentences[-1].rstrip(";") + "."
    parts.append(bullet_list(sentences))
    if figures["state_awards"]:
        received = [f"{count_text(e['individuals'] + e['collectives'])} {e['award_name']}"
                    for e in _per_award(figures["state_awards"])]
        parts.append(paragraph(_(
            "Collectives and individuals of %(issuer)s were honoured with awards of the State: "
            "%(awards)s.") % {"issuer": issuer, "awards": join_words(received)}))
    parts.append(paragraph(_(
        "Awards to cooperatives and their members make up %(share)s of all awards "
        "(%(cooperative)s of %(total)s).") % {
        "share": decimal_text(figures["cooperative_share_percent"]) + "%",
        "cooperative": count_text(figures["cooperative_awards"]),
        "total": count_text(figures["awards_total"])}))
    comparison = _comparison_sentence(figures, "awards_total")
    if comparison:
        parts.append(paragraph(comparison))
    return "".join(parts)


def movements(figures: dict, issuer: str) -> str:
    found = figures["movements"]
    if not found["active"]:
        return ""
    sentences = [_("In %(period)s, %(issuer)s carried out %(active)s emulation movements.") % {
        "period": period_text(figures), "issuer": issuer, "active": count_text(found["active"])}]
    if found["launched"]:
        sentences.append(_("Of these, %(launched)s movements were launched in the period.") % {
            "launched": count_text(found["launched"])})
    if found["campaigns"]:
        sentences.append(_("%(campaigns)s short emulation campaigns were held.") % {
            "campaigns": count_text(found["campaigns"])})
    return paragraph(" ".join(sentences))


def _conference_sentences(found: dict | None) -> list[str]:
    """The review conferences at which the rounds were closed: "… 05 hội nghị sơ kết, tổng kết
    (03 trực tiếp, 02 trực tuyến)". Figures stored before the close asked it have no counts;
    rounds whose conference was not recorded are not guessed at."""
    if not found:
        return []
    sentences = []
    in_person, online = found.get("in_person", 0), found.get("online", 0)
    if in_person + online:
        details = [text % {"count": count_text(n)} for n, text in (
            (in_person, _("%(count)s in person")), (online, _("%(count)s online"))) if n]
        sentences.append(_("The clusters and blocs held %(conferences)s review conferences "
                           "(%(details)s).") % {
            "conferences": count_text(in_person + online), "details": ", ".join(details)})
    if found.get("not_held"):
        sentences.append(_("%(rounds)s rounds were closed without a review conference.") % {
            "rounds": count_text(found["not_held"])})
    return sentences


def group_activity(figures: dict) -> str:
    sentences = []
    if figures["pledges_signed"]:
        sentences.append(_("The emulation clusters and blocs signed %(pledges)s emulation "
                           "pledges.") % {"pledges": count_text(figures["pledges_signed"])})
    if figures["scoring_rounds_closed"]:
        sentences.append(_("%(rounds)s rounds of scoring and assessment were held.") % {
            "rounds": count_text(figures["scoring_rounds_closed"])})
        sentences.extend(_conference_sentences(figures.get("scoring_rounds_by_conference")))
    registrations = figures["registrations"]
    if registrations["submitted"] and registrations["late"]:
        sentences.append(_("%(submitted)s emulation registrations were sent, %(late)s of them "
                           "after the deadline.") % {
            "submitted": count_text(registrations["submitted"]),
            "late": count_text(registrations["late"])})
    elif registrations["submitted"]:
        sentences.append(_("%(submitted)s emulation registrations were sent.") % {
            "submitted": count_text(registrations["submitted"])})
    parts = [paragraph(" ".join(sentences))] if sentences else []
    groups = [g for g in figures.get("by_group") or [] if g["count"]]
    if groups:
        parts.append(paragraph(_("Awards by emulation cluster and bloc:")))
        parts.append(bullet_list([_("%(group)s: %(count)s awards;") % {
            "group": g["name"], "count": count_text(g["count"])} for g in groups]))
    return "".join(parts)


def council(figures: dict) -> str:
    found = figures["council"]
    if not found["meetings"]:
        return ""
    return paragraph(_(
        "In %(period)s, the Emulation and Commendation Council held %(meetings)s meetings, "
        "considered %(items)s items and passed %(passed)s.") % {
        "period": period_text(figures), "meetings": count_text(found["meetings"]),
        "items": count_text(found["items"]), "passed": count_text(found["passed"])})


def achievements(figures: dict) -> str:
    if not figures["awards_total"]:
        return ""
    text = _("The commendation work was carried out on time: %(total)s awards were decided, "
             "%(share)s of them to cooperatives and their members.") % {
        "total": count_text(figures["awards_total"]),
        "share": decimal_text(figures["cooperative_share_percent"]) + "%"}
    comparison = _comparison_sentence(figures, "awards_total")
    return paragraph(f"{text} {comparison}".strip())


def limitations(figures: dict) -> str:
    parts = []
    reports = figures["unit_reports"]
    if reports["late"]:
        parts.append(paragraph(_(
            "%(count)s units sent their report after the deadline of %(deadline)s:") % {
            "count": count_text(len(reports["late"])), "deadline": date_text(reports["deadline"])}))
        parts.append(bullet_list([_("%(unit)s (sent on %(day)s);") % {
            "unit": r["name"], "day": date_text(r["first_submitted_at"])} for r in reports["late"]]))
    if reports["missing"]:
        parts.append(paragraph(_("%(count)s units have not sent their report:") % {
            "count": count_text(len(reports["missing"]))}))
        parts.append(bullet_list([f"{m['name']};" for m in reports["missing"]]))
    expired = figures["movements"]["expired_still_reported"]
    if expired:
        parts.append(paragraph(_("Some units still register for movements that have ended:")))
        parts.append(bullet_list([_("“%(movement)s” (ended on %(day)s);") % {
            "movement": m["name"], "day": date_text(m["end_date"])} for m in expired]))
    return "".join(parts)


def generate_sections(figures: dict, *, issuer_name: str) -> dict:
    """{section key: sanitized HTML} for every section with a body; "" where the figures say
    nothing about the section."""
    generated = {
        "movements": movements(figures, issuer_name),
        "commendation": commendation(figures, issuer_name),
        "group_activity": group_activity(figures),
        "council": council(figures),
        "assessment_achievements": achievements(figures),
        "assessment_limitations": limitations(figures),
    }
    return {key: sanitize(generated.get(key, "")) for key in BODY_KEYS}
