"""The paperwork of a closed council meeting, as the PDF templates print it: the minutes
("Biên bản họp Hội đồng Thi đua - Khen thưởng") and the counting record ("Biên bản kiểm
phiếu"), in the format of Decree 30/2020/NĐ-CP (see awards/documents.py).

`minutes_context(meeting)` reads everything with a fixed number of queries, whatever the size
of the agenda, and returns text already written as the documents need it. The documents are
Vietnamese legal text, like the decisions (awards/selectors_decisions.py): they are written in
Vietnamese here, not translated. Nothing here says how a member voted on a secret item: only
counts, and the published receipt hashes, which name no one."""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from . import documents
from .models import AgendaItem, Attendance, BallotParticipation, CouncilMeeting, CouncilMember
from .selectors_council import agenda, published_receipts
from .selectors_decisions import candidate_unit

# The symbol of a council record (biên bản: BB; Decree 30/2020, Appendix III). The number is
# left blank for the clerk who registers the record.
SYMBOL = "BB-HĐTĐKT"
# How many hex characters of a receipt hash the counting record prints.
HASH_CHARS = 12

POSITIONS = {
    CouncilMember.Position.CHAIR: "Chủ tịch Hội đồng",
    CouncilMember.Position.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    CouncilMember.Position.STANDING: "Ủy viên thường trực",
    CouncilMember.Position.MEMBER: "Ủy viên",
    CouncilMember.Position.SECRETARY: "Thư ký Hội đồng",
}
ATTENDANCE = {
    Attendance.Status.PRESENT: "Có mặt",
    Attendance.Status.WRITTEN: "Vắng mặt, có ý kiến bằng văn bản",
    Attendance.Status.ABSENT: "Vắng mặt",
}
MODES = {
    AgendaItem.Mode.SECRET: "bỏ phiếu kín",
    AgendaItem.Mode.OPEN: "biểu quyết công khai",
}


def _denominator_text(item: AgendaItem) -> str:
    if item.denominator == AgendaItem.Denominator.TOTAL:
        return "tổng số thành viên Hội đồng"
    if item.denominator == AgendaItem.Denominator.PRESENT:
        return ("số thành viên có mặt và thành viên vắng mặt có ý kiến bằng văn bản"
                if item.written_count else "số thành viên có mặt")
    return ("số thành viên có quyền biểu quyết về đề nghị (tổng số thành viên Hội đồng, trừ "
            "thành viên không tham gia biểu quyết)")


def percent_text(value: Decimal) -> str:
    """Decimal("90.0000") → "90"; Decimal("66.67") → "66,67" (no trailing zeros)."""
    text = format(Decimal(value).normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def share_text(agree: int | None, base: int | None) -> str:
    """The share of the denominator with two decimals, Vietnamese style ("90,00 %"). Rounded
    down, so that a share printed as reaching a threshold always does; the result itself is
    decided by the exact comparison (services_council.passes)."""
    if not base or agree is None:
        return documents.EM_DASH
    share = (Decimal(agree) * 100 / Decimal(base)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return f"{share:.2f}".replace(".", ",") + "\u00a0%"


def time_text(moment) -> str:
    """"08 giờ 30 phút, ngày 10 tháng 3 năm 2026" in the server's time zone (Hà Nội)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút, {documents.vietnamese_date(local.date())}"


def place_for_date_line(place: str) -> str:
    """The date line names the city only: "Hội trường A, 77 Nguyễn Du, Hà Nội" → "Hà Nội"."""
    return (place or "").rsplit(",", 1)[-1].strip()


def issuer_header(meeting: CouncilMeeting) -> dict:
    """The issuing body is the council, under its organization as the superior body (the
    organization's name not bold, the council's bold, as Decree 30/2020 sets out)."""
    council = meeting.council
    name = " ".join(council.name.split())
    if name.casefold().startswith("hội đồng thi đua"):
        lines = ["HỘI ĐỒNG", "THI ĐUA - KHEN THƯỞNG"]  # where a clerk breaks it
    else:
        lines = documents.issuer_lines(name)
    return {"parent_lines": documents.issuer_lines(council.organization.name),
            "issuer_lines": lines}


@dataclass
class ItemRow:
    index: int
    name: str
    unit: str
    agree: int
    disagree: int
    abstain: int
    base: int
    share: str
    passed: bool
    result: str
    recusals: list[str]


@dataclass
class ItemGroup:
    """The items of one award decided by one rule (all of an award's items share it)."""
    award: str
    mode: str
    secret: bool
    rule: str
    rows: list[ItemRow] = field(default_factory=list)

    @property
    def approved(self) -> int:
        return sum(1 for row in self.rows if row.passed)


def _rule_text(item: AgendaItem) -> str:
    sign = ">" if item.strict else "≥"
    text = (f"số phiếu đồng ý {sign} {percent_text(item.threshold)}\u00a0% "
            f"{_denominator_text(item)}")
    if item.denominator != AgendaItem.Denominator.PRESENT:
        text += ("; ý kiến bằng văn bản được tính" if item.written_count
                 else "; ý kiến bằng văn bản không được tính")
    return text


def _unit_name(nomination) -> str:
    unit = candidate_unit(nomination)
    if nomination.person_id:
        return unit.name
    return unit.name if unit.pk != nomination.organization_id else ""


def item_groups(items) -> list[ItemGroup]:
    """The items grouped by award (in the catalogue's order) and rule, each group in the order
    of the agenda."""
    groups: dict[tuple, ItemGroup] = {}
    for item in items:
        award = item.nomination.award_type
        key = (award.display_order, award.code, item.mode, item.threshold, item.strict,
               item.denominator, item.written_count)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ItemGroup(award=award.name, mode=MODES.get(item.mode, ""),
                                            secret=item.mode == AgendaItem.Mode.SECRET,
                                            rule=_rule_text(item))
        recusals = [f"{r.member.full_name} ({r.reason.rstrip('.')})" for r in
                    item.recusals.all()]
        group.rows.append(ItemRow(
            index=len(group.rows) + 1, name=item.nomination.candidate_name,
            unit=_unit_name(item.nomination), agree=item.agree or 0,
            disagree=item.disagree or 0, abstain=item.abstain or 0, base=item.base or 0,
            share=share_text(item.agree, item.base), passed=bool(item.passed),
            result="Thông qua" if item.passed else "Không thông qua", recusals=recusals))
    return [groups[key] for key in sorted(groups, key=lambda k: k[:2])]


def _conclusion_lines(meeting: CouncilMeeting, groups: list[ItemGroup]) -> list[str]:
    """The conclusions the meeting recorded, or, without them, how many nominations of each
    award were approved."""
    written = [line.strip() for line in (meeting.conclusion or "").splitlines() if line.strip()]
    if written:
        return written
    total = sum(len(g.rows) for g in groups)
    approved = sum(g.approved for g in groups)
    by_award: dict[str, list[int]] = {}
    for group in groups:
        counts = by_award.setdefault(group.award, [0, 0])
        counts[0] += group.approved
        counts[1] += len(group.rows)
    parts = [f"{award}: {documents.format_number(ok)}/{documents.format_number(of)} đề nghị"
             for award, (ok, of) in by_award.items()]
    return [f"Hội đồng thông qua {documents.format_number(approved)}/"
            f"{documents.format_number(total)} đề nghị khen thưởng, gồm: {'; '.join(parts)}.",
            "Các đề nghị được thông qua được trình cấp có thẩm quyền xem xét, quyết định khen "
            "thưởng theo quy định."]


def _member_line(seat: CouncilMember | None) -> str:
    if seat is None:
        return ""
    role = POSITIONS.get(seat.position, "")
    return ", ".join(part for part in (seat.full_name, role, seat.job_title) if part)


def minutes_context(meeting: CouncilMeeting) -> dict:
    """Everything both documents print. `meeting` comes from get_meeting_for_user (council,
    organization, chair, secretary and rule set already joined). Six queries."""
    from .services_council import members_on

    seats = list(members_on(meeting).select_related("organization"))
    statuses = dict(meeting.attendance.values_list("member_id", "status"))
    items = list(agenda(meeting).select_related("nomination__organization__parent"))
    received = BallotParticipation.objects.filter(meeting=meeting).aggregate(
        electronic=Count("pk", filter=Q(written=False)), written=Count("pk", filter=Q(written=True)))
    receipts = [h[:HASH_CHARS] for h in published_receipts(meeting)]

    voters = [s for s in seats if s.votes]
    members = [{"index": i, "name": s.full_name, "role": POSITIONS.get(s.position, ""),
                "job": ", ".join(p for p in (s.job_title, s.organization.name) if p),
                "status": statuses.get(s.pk, ""),
                "status_text": ATTENDANCE.get(statuses.get(s.pk), "Chưa ghi nhận")}
               for i, s in enumerate(voters, start=1)]
    present = [m for m in members if m["status"] == Attendance.Status.PRESENT]
    written = [m for m in members if m["status"] == Attendance.Status.WRITTEN]
    absent = [m for m in members if m["status"] not in (Attendance.Status.PRESENT,
                                                        Attendance.Status.WRITTEN)]
    groups = item_groups(items)
    quorum = meeting.quorum or 0
    electronic, by_letter = received["electronic"], received["written"]
    return {
        "pdf_css": documents.pdf_stylesheet(),
        "meeting": meeting,
        **issuer_header(meeting),
        "number": documents.number_symbol(None, SYMBOL),
        "date_line": documents.vietnamese_date_line(place_for_date_line(meeting.place),
                                                    meeting.date),
        "date_text": documents.vietnamese_date(meeting.date),
        "place": meeting.place,
        "council_name": meeting.council.name,
        "chair_line": _member_line(meeting.chair),
        "secretary_line": _member_line(meeting.secretary),
        "chair_name": meeting.chair.full_name,
        "secretary_name": meeting.secretary.full_name if meeting.secretary else "",
        "secretary_votes": bool(meeting.secretary and meeting.secretary.votes),
        "members": members,
        "total": len(voters),
        "present": present,
        "written": written,
        "absent": absent,
        "quorum": quorum,
        "quorum_met": bool(voters) and len(present) >= quorum,
        "rule_set_name": meeting.rule_set.name if meeting.rule_set else "",
        "groups": groups,
        "item_count": len(items),
        "approved_count": sum(g.approved for g in groups),
        "has_secret": any(g.secret for g in groups),
        "secret_awards": sorted({g.award for g in groups if g.secret}),
        "written_not_counted": sum(1 for i in items if not i.written_count) if by_letter else 0,
        "conclusions": _conclusion_lines(meeting, groups),
        "opened_text": time_text(meeting.opened_at),
        "closed_text": time_text(meeting.closed_at),
        "issued": len(present),
        "received": electronic + by_letter,
        "received_electronic": electronic,
        "received_written": by_letter,
        "receipts": receipts,
        "hash_chars": HASH_CHARS,
    }


def file_name(meeting: CouncilMeeting, kind: str) -> str:
    """"bien-ban-hop-hoi-dong-10-03-2026.pdf": ASCII, no user text in it."""
    base = {"minutes": "bien-ban-hop-hoi-dong", "count": "bien-ban-kiem-phieu"}[kind]
    return f"{base}-{meeting.date:%d-%m-%Y}.pdf"
