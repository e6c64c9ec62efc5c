"""Reads of decisions (quyết định khen thưởng), proposals (tờ trình) and the base salary:
which nominations a decision may confer, the cash each is worth on the decision date, and the
decisions a user may see."""

import datetime
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from accounts.scoping import scope_q

from . import documents
from .models import AwardType, BaseSalary, Decision, DecisionItem, Dossier, Nomination
from .selectors import RuleBook, RuleSetMissing

# The award codes whose cash reward is a rule-set parameter (domain reference §3.1). Awards
# without a parameter carry no amount ("—").
CASH_PARAMETERS = {
    "CSTDTQ": "cash_multiplier_cstdtq",
    "CSTDN": "cash_multiplier_cstdn",
    "CSTDCS": "cash_multiplier_cstdcs",
    "LDTT": "cash_multiplier_ldtt",
    "CTD_CP": "cash_multiplier_ctd_cp",
}

# Awards the Alliance proposes to the competent body instead of granting them itself.
PROPOSED_LEVELS = (AwardType.GrantingLevel.PRIME_MINISTER, AwardType.GrantingLevel.STATE_PRESIDENT)

# Dossiers whose agreed nominations may be decided: sent and appraised (a returned dossier is
# being corrected, its opinions will be given again).
DECIDABLE_DOSSIERS = (Dossier.Status.SUBMITTED, Dossier.Status.APPRAISED)

ITEM_RELATED = ("nomination__person__organization", "nomination__organization__parent",
                "nomination__award_type", "nomination__dossier__organization",
                "nomination__award_record")
NOMINATION_RELATED = ("person__organization", "organization__parent", "award_type",
                      "dossier__organization")


# --- base salary and cash ----------------------------------------------------------------------


def base_salary_on(day: datetime.date | None) -> BaseSalary | None:
    """The base salary valid on `day`: the latest one that starts on or before it."""
    if day is None:
        return None
    return BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def base_salary_list():
    return BaseSalary.objects.order_by("-valid_from")


@dataclass
class Cash:
    multiplier: object  # Decimal or None
    amount: int | None


def cash_for(award_type: AwardType, day: datetime.date | None, *, book: RuleBook | None = None,
             salary: BaseSalary | None | bool = False) -> Cash:
    """The multiple of the rule set valid on `day` × the base salary valid on `day`. No amount
    for an award without a cash parameter, or before any rule set or base salary."""
    key = CASH_PARAMETERS.get(award_type.code)
    if key is None or day is None:
        return Cash(None, None)
    try:
        params = (book or RuleBook()).for_date(day)
        multiplier = params[key]
    except (RuleSetMissing, KeyError):
        return Cash(None, None)
    if salary is False:
        salary = base_salary_on(day)
    return Cash(multiplier, documents.cash_amount(multiplier, salary.amount if salary else None))


# --- nominations a decision confers ------------------------------------------------------------


def nominations_ready_for_decision(cycle, *, kind: str = Decision.Kind.GRANT,
                                   decision: Decision | None = None):
    """Nominations of `cycle` that a decision (or, with kind PROPOSAL, a proposal to the competent
    body) may list: agreed by the appraisal in a sent dossier, not yet awarded, and not listed in
    another decision of the same kind that is still a draft or (for a proposal) already sent.

    These are the agreed nominations of awards that need no council vote, and those the
    council approved (awards.services_council)."""
    nominations = Nomination.objects.filter(
        Q(status=Nomination.Status.AGREED, award_type__council_vote_required=False)
        | Q(status=Nomination.Status.PASSED),
        dossier__cycle=cycle, dossier__status__in=DECIDABLE_DOSSIERS, award_record__isnull=True)
    if kind == Decision.Kind.PROPOSAL:
        nominations = nominations.filter(award_type__granting_level__in=PROPOSED_LEVELS)
        busy = DecisionItem.objects.filter(nomination=OuterRef("pk"),
                                           decision__kind=Decision.Kind.PROPOSAL)
    else:
        nominations = nominations.exclude(award_type__granting_level__in=PROPOSED_LEVELS)
        busy = DecisionItem.objects.filter(nomination=OuterRef("pk"),
                                           decision__kind=Decision.Kind.GRANT,
                                           decision__status=Decision.Status.DRAFT)
    if decision is not None and decision.pk:
        busy = busy.exclude(decision=decision)
    return (nominations.filter(~Exists(busy)).select_related(*NOMINATION_RELATED)
            .order_by("award_type__display_order", "dossier__organization__sort_key",
                      "position", "id"))


def nominations_awaiting_external_decision(proposal: Decision):
    """The nominations of an issued proposal that the competent body has not decided yet."""
    return (Nomination.objects.filter(decision_items__decision=proposal,
                                      status__in=[Nomination.Status.AGREED,
                                                  Nomination.Status.PASSED],
                                      award_record__isnull=True)
            .select_related(*NOMINATION_RELATED)
            .order_by("award_type__display_order", "position", "id"))


# --- decisions ---------------------------------------------------------------------------------


def decisions_for(user):
    """Decisions the user may see: those issued by an organization in the user's scope (central
    roles see all), and issued decisions listing a nomination of a dossier in the user's scope
    (the unit is told of them). Drafts stay with their issuer."""
    from accounts.scoping import active_role, sees_everything

    if active_role(user) is None:
        return Decision.objects.none()
    if sees_everything(user):
        return Decision.objects.all()
    concerning = Exists(DecisionItem.objects.filter(
        decision=OuterRef("pk")).filter(scope_q(user, "nomination__dossier__organization")))
    return Decision.objects.filter(
        scope_q(user, "issuer") | (Q(status=Decision.Status.ISSUED) & Q(concerning)))


def decision_list(user, *, kind: str = "", status: str = "", year: int | None = None):
    qs = decisions_for(user).select_related("issuer", "cycle").annotate(
        item_count=Count("items", distinct=True))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "status", "-number", "-id")


def get_decision_for_user(user, pk) -> Decision:
    decision = (decisions_for(user)
                .select_related("issuer__parent", "cycle__organizer", "created_by", "issued_by",
                                "revoked_record__person", "revoked_record__organization",
                                "revoked_record__award_type")
                .filter(pk=pk).first())
    if decision is None:
        raise Http404
    return decision


def decision_items(decision: Decision) -> list[DecisionItem]:
    return list(decision.items.select_related(*ITEM_RELATED)
                .order_by("nomination__award_type__display_order", "position", "id"))


def candidate_unit(nomination: Nomination):
    """The unit a candidate belongs to: a person's organization, a collective's parent."""
    if nomination.person_id:
        return nomination.person.organization
    return nomination.organization.parent or nomination.organization


@dataclass
class AwardGroup:
    award_type: AwardType
    individuals: int
    collectives: int
    multiplier: object
    amount_each: int | None
    total: int


def summarize(items: list[DecisionItem]) -> dict:
    """Per award: how many individuals and collectives, the multiple and amount each, and the
    total of the decision (what articles 1 and 2 say)."""
    groups: "OrderedDict[int, AwardGroup]" = OrderedDict()
    for item in items:
        award = item.nomination.award_type
        group = groups.get(award.pk)
        if group is None:
            group = groups[award.pk] = AwardGroup(award, 0, 0, item.multiplier, item.amount, 0)
        if item.nomination.person_id:
            group.individuals += 1
        else:
            group.collectives += 1
        group.total += item.amount or 0
    total = sum(item.amount or 0 for item in items)
    return {"groups": list(groups.values()), "total": total,
            "individuals": sum(g.individuals for g in groups.values()),
            "collectives": sum(g.collectives for g in groups.values()),
            "has_cash": any(item.amount for item in items)}


# --- the document (PDF) ------------------------------------------------------------------------

AUTHORITY_NAMES = {"CHỦ TỊCH": "Chủ tịch", "BAN CHẤP HÀNH": "Ban Chấp hành",
                   "BAN THƯỜNG TRỰC": "Ban Thường trực", "PHÓ CHỦ TỊCH": "Phó Chủ tịch"}


def _count_phrase(individuals: int, collectives: int) -> str:
    parts = []
    if collectives:
        parts.append(f"{collectives:02d} tập thể" if collectives < 10 else f"{collectives} tập thể")
    if individuals:
        parts.append(f"{individuals:02d} cá nhân" if individuals < 10 else f"{individuals} cá nhân")
    return " và ".join(parts)


def _deciding_title(decision: Decision) -> str:
    """The title of who decides: "CHỦ TỊCH" (also when a deputy signs for the Chairman), or
    the collective body with TM."""
    if decision.authority and decision.authority_title:
        return decision.authority_title
    return decision.signer_title


def _articles_from_body(text: str) -> list[dict]:
    import re

    articles = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = re.match(r"^(Điều\s+\d+\.)\s*(.*)$", line)
        if match:
            articles.append({"label": match.group(1), "text": match.group(2)})
        else:
            articles.append({"label": "", "text": line})
    return articles


def _execution_sentence(decision: Decision, with_effect: bool, who: str) -> str:
    effect = "Quyết định này có hiệu lực kể từ ngày ký. " if with_effect else ""
    offices = ("Chánh Văn phòng, Trưởng Ban Tổ chức cán bộ, thủ trưởng các đơn vị có liên quan"
               if decision.issuer.is_central else "Thủ trưởng các đơn vị có liên quan")
    return f"{effect}{offices} và {who} chịu trách nhiệm thi hành Quyết định này./."


def decision_articles(decision: Decision, summary: dict) -> list[dict]:
    """Articles of a decision (Điều 1, 2, 3), or the paragraphs of a proposal, generated from
    its list unless the drafter wrote them in `body`."""
    from .services_decisions import award_phrase

    kind = decision.kind
    if kind in (Decision.Kind.GRANT, Decision.Kind.EXTERNAL, Decision.Kind.PROPOSAL) and \
            decision.body.strip():
        return _articles_from_body(decision.body)
    year = decision.cycle.year if decision.cycle_id else decision.year
    issuer_name = decision.issuer.name
    if kind == Decision.Kind.REVOCATION:
        record = decision.revoked_record
        name = record.recipient_name if record else ""
        award = award_phrase(record.award_type) if record else ""
        cited = (f"Quyết định số {record.decision_number} "
                 f"{documents.vietnamese_date(record.decision_date)}") if record else ""
        return [
            {"label": "Điều 1.", "text": f"Thu hồi {award} đã tặng cho {name} tại {cited}. "
                                          f"Lý do: {decision.body.strip().rstrip('.')}."},
            {"label": "Điều 2.", "text": f"{name} có trách nhiệm nộp lại hiện vật khen thưởng "
                                          "và số tiền thưởng đã nhận theo quy định."},
            {"label": "Điều 3.", "text": _execution_sentence(decision, True, name)},
        ]
    phrases = []
    for group in summary["groups"]:
        phrases.append(f"{award_phrase(group.award_type)} cho "
                       f"{_count_phrase(group.individuals, group.collectives)}")
    if kind == Decision.Kind.PROPOSAL:
        body = "; ".join(phrases)
        whom = decision.issuing_body or "cấp có thẩm quyền"
        return [
            {"label": "", "text": f"Căn cứ kết quả thẩm định hồ sơ và đề nghị của các đơn vị, "
                                  f"{issuer_name} đề nghị {whom} xem xét, tặng {body} có tên "
                                  f"trong danh sách kèm theo, đã có thành tích xuất sắc trong "
                                  f"thực hiện nhiệm vụ năm {year}."},
            {"label": "", "text": "(Có hồ sơ đề nghị khen thưởng kèm theo)."},
            {"label": "", "text": f"{issuer_name} kính trình {whom} xem xét, quyết định./."},
        ]
    articles = [{"label": "Điều 1.",
                 "text": f"Tặng {'; tặng '.join(phrases)} có tên trong danh sách kèm theo, đã có "
                         f"thành tích xuất sắc trong thực hiện nhiệm vụ năm {year}."}]
    who = "các cá nhân, tập thể có tên tại Điều 1"
    if summary["has_cash"]:
        parts = []
        for group in summary["groups"]:
            if group.amount_each:
                each = "mỗi cá nhân" if group.individuals and not group.collectives else (
                    "mỗi tập thể" if group.collectives and not group.individuals else "mỗi cá "
                    "nhân, tập thể")
                parts.append(f"{each} được tặng {award_phrase(group.award_type)} được thưởng "
                             f"{documents.format_multiplier(group.multiplier)} lần mức lương cơ "
                             f"sở, tương đương {documents.format_vnd(group.amount_each)}")
        fund = f"Quỹ thi đua, khen thưởng của {issuer_name}"
        articles.append({"label": "Điều 2.",
                         "text": f"{'; '.join(parts)[0].upper()}{'; '.join(parts)[1:]}. Tổng số "
                                 f"tiền thưởng: {documents.format_vnd(summary['total'])}, chi từ "
                                 f"{fund}."})
        articles.append({"label": "Điều 3.", "text": _execution_sentence(decision, True, who)})
    else:
        articles.append({"label": "Điều 2.", "text": "Quyết định này có hiệu lực kể từ ngày ký."})
        articles.append({"label": "Điều 3.", "text": _execution_sentence(decision, False, who)})
    return articles


def document_context(decision: Decision, items: list[DecisionItem] | None = None) -> dict:
    """Everything the PDF template prints, as text already in the format of Decree 30/2020."""
    from .services_decisions import archive_line

    items = decision_items(decision) if items is None else items
    summary = summarize(items)
    issuer = decision.issuer
    parent = issuer.parent if issuer.parent_id and issuer.kind not in (
        issuer.Kind.VCA_CENTRAL, issuer.Kind.PROVINCIAL_ALLIANCE) else None
    deciding = _deciding_title(decision)
    kind = decision.kind
    type_name = "TỜ TRÌNH" if kind == Decision.Kind.PROPOSAL else "QUYẾT ĐỊNH"
    number = documents.number_symbol(decision.number, decision.symbol)
    date_text = documents.vietnamese_date(decision.date, year=decision.year)
    of_whom = (f"{AUTHORITY_NAMES.get(deciding, deciding.capitalize())} {issuer.name}"
               if kind != Decision.Kind.PROPOSAL else issuer.name)
    document_word = "Tờ trình" if kind == Decision.Kind.PROPOSAL else "Quyết định"
    rows = []
    for index, item in enumerate(items, start=1):
        nomination = item.nomination
        unit = candidate_unit(nomination)
        if nomination.person_id:
            position = nomination.person.position
            where = f"{position}, {unit.name}" if position else unit.name
        else:
            where = unit.name if unit.pk != nomination.organization_id else ""
        rows.append({"index": index, "name": nomination.candidate_name, "unit": where,
                     "award": nomination.award_type.name,
                     "amount": documents.format_number(item.amount) if item.amount else
                     documents.EM_DASH})
    if kind == Decision.Kind.PROPOSAL:
        annex_title = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
    else:
        annex_title = "DANH SÁCH " + {(True, True): "TẬP THỂ, CÁ NHÂN",
                                      (False, True): "CÁ NHÂN",
                                      (True, False): "TẬP THỂ"}.get(
            (bool(summary["collectives"]), bool(summary["individuals"])),
            "TẬP THỂ, CÁ NHÂN") + " ĐƯỢC KHEN THƯỞNG"
    return {
        "pdf_css": documents.pdf_stylesheet(),
        "decision": decision,
        "is_draft": decision.status == Decision.Status.DRAFT,
        "parent_line": documents.upper_vi(parent.name) if parent else "",
        "issuer_line": documents.upper_vi(issuer.name),
        "issuer_lines": documents.issuer_lines(issuer.name),
        "number": number,
        "date_line": documents.vietnamese_date_line(decision.place, decision.date,
                                                    year=decision.year),
        "type_name": type_name,
        "title": decision.title,
        "authority_line": (documents.upper_vi(f"{deciding} {issuer.name}")
                           if kind != Decision.Kind.PROPOSAL else ""),
        "addressee": decision.issuing_body if kind == Decision.Kind.PROPOSAL else "",
        "legal_bases": documents.legal_basis_lines(decision.legal_bases),
        "articles": decision_articles(decision, summary),
        "recipients": documents.recipient_lines(decision.recipients,
                                                archive=archive_line(issuer)),
        "authority": decision.authority,
        "authority_title": decision.authority_title,
        "signer_title": decision.signer_title,
        "signer_name": decision.signer_name,
        "rows": rows,
        "show_amounts": kind != Decision.Kind.PROPOSAL and kind != Decision.Kind.REVOCATION,
        "total": documents.format_number(summary["total"]) if summary["has_cash"] else
        documents.EM_DASH,
        "annex_title": annex_title,
        "annex_subtitle": f"(Kèm theo {document_word} số {number} {date_text} của {of_whom})",
        "has_annex": bool(rows),
    }
