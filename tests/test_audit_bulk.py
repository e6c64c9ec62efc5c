"""Bulk writes keep the audit trail (quality-targets S10, issue 9).

The CI rule: no QuerySet.update(), bulk_update() or bulk_create() on an audited model in the
project's code unless it is one of the justified sites below; and no write at all to a history
table (the trail is append-only for the app's database role: audit_grants). QuerySet.delete()
needs no rule: simple-history listens to post_delete on every audited model, so Django cannot
take its fast path and sends the signal per row (tested below).

Then the main bulk paths (award import, meeting close, decision issue, bulk appraisal) are run
through the pages with a client address and must leave history rows with user and address.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.audit import client_ip
from awards.models import AwardRecord, Nomination
from clusters.models import Person

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["accounts", "awards", "clusters", "emulation", "reports", "deadlines", "config"]
BULK = {"update", "bulk_update", "bulk_create"}

# (file, enclosing function, method) -> why no history row is lost there.
JUSTIFIED = {
    ("awards/imports_facts.py", "write", "bulk_create"):
        "followed by history.bulk_history_create of the same objects by the importing user",
    ("awards/imports_facts.py", "write", "bulk_update"):
        "followed by history.bulk_history_create(update=True) by the importing user",
    ("awards/services_decisions.py", "_allocate_number", "update"):
        "the number is recorded by the decision's save that follows in the same transaction",
    ("clusters/services.py", "_set_path", "update"):
        "the creation's history row is written after it, with the final path",
    ("clusters/services.py", "_move_subtree", "update"):
        "the materialized path is derived from the parent links, which are audited",
    ("clusters/imports/base.py", "bulk_insert_with_history", "bulk_create"):
        "followed by bulk_history_insert (SQLite); COPY writes the history rows on PostgreSQL",
    ("clusters/imports/organizations.py", "_create", "bulk_create"):
        "followed by history.bulk_history_create by the importing user",
    ("clusters/imports/organizations.py", "_create", "update"):
        "the derived path, written before the history rows are created from the objects",
    ("clusters/imports/people.py", "commit", "bulk_create"):
        "followed by history.bulk_history_create by the importing user",
    ("reports/demo.py", "_sent_on", "update"):
        "demonstration data only: back-dates the demo's sending times",
}


def _audited_names() -> tuple[set[str], set[str]]:
    """Names of the audited models, and of every other model (third-party ones included)."""
    audited, plain = set(), set()
    for model in apps.get_models():
        if model._meta.object_name.startswith("Historical"):
            continue
        (audited if hasattr(model, "history") else plain).add(model.__name__)
    return audited, plain - audited


def _accessors() -> dict[str, set[str]]:
    """Related managers by attribute name (`dossier.nominations`) → the models they may hold."""
    found: dict[str, set[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None and (
                    field.one_to_many or field.many_to_many):
                name = field.get_accessor_name() if field.auto_created else field.name
                if name:
                    found.setdefault(name, set()).add(field.related_model.__name__)
    return found


QUERYSET = {"objects", "filter", "exclude", "all", "select_for_update", "history"}


def _chain(node: ast.AST) -> list[str]:
    """The names along a receiver, root first: Person.objects.filter(…) → Person, objects,
    filter."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str, audited: set[str], plain: set[str]):
        self.path, self.audited, self.plain = path, audited, plain
        self.accessors = _accessors()
        self.function = "<module>"
        self.sites: list[dict] = []

    def visit_FunctionDef(self, node):
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def _models(self, chain: list[str]) -> set[str]:
        """The models the receiver may be a queryset of; empty when unknown."""
        if chain and chain[0] in self.audited | self.plain:
            return {chain[0]}
        for name in reversed(chain[1:]):
            if name in self.accessors:
                return self.accessors[name]
        return set()

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in BULK | {"delete"}:
            chain = _chain(func.value)
            models = self._models(chain)
            writes_trail = "history" in chain
            if func.attr == "delete":
                wanted = writes_trail
            elif func.attr == "update":
                # dict.update and set.update take a positional argument, QuerySet.update never
                # does; a dict updated with keywords has no queryset or model in its chain.
                wanted = not node.args and (bool(models) or bool(QUERYSET & set(chain)))
            else:
                wanted = True
            if wanted:
                self.sites.append({
                    "key": (self.path, self.function, func.attr), "line": node.lineno,
                    "root": ".".join(chain), "writes_trail": writes_trail,
                    "safe": bool(models) and models <= self.plain and not writes_trail,
                })
        self.generic_visit(node)


def bulk_sites() -> list[dict]:
    audited, plain = _audited_names()
    sites = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/tests/" in relative:
                continue
            finder = _Finder(relative, audited, plain)
            finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=relative))
            sites.extend(finder.sites)
    return sites


def test_the_rule_finds_bulk_writes_and_ignores_dict_updates():
    source = (
        "def f(context, qs):\n"
        "    context.update({'a': 1})\n"
        "    Nomination.objects.filter(pk=1).update(status='x')\n"
        "    Ballot.objects.bulk_create([])\n"
        "    org.history.filter(history_type='+').update(path='/')\n"
        "    thing.delete()\n"
        "    fields.update(date=1)\n"
        "    dossier.nominations.filter(status='x').update(status='y')\n"
        "    meeting.items.update(passed=True)\n"
    )
    audited, plain = _audited_names()
    finder = _Finder("x.py", audited, plain)
    finder.visit(ast.parse(source))

    assert [(s["root"], s["key"][2], s["safe"], s["writes_trail"]) for s in finder.sites] == [
        ("Nomination.objects.filter", "update", False, False),
        ("Ballot.objects", "bulk_create", True, False),
        ("org.history.filter", "update", False, True),
        ("dossier.nominations.filter", "update", False, False),
        ("meeting.items", "update", True, False),
    ]


def test_no_bulk_write_on_an_audited_model_bypasses_history():
    unjustified = [f"{s['key'][0]}:{s['line']} {s['key'][1]}() {s['root']}.{s['key'][2]}()"
                   for s in bulk_sites() if not s["safe"] and s["key"] not in JUSTIFIED]

    assert unjustified == []


def test_nothing_in_the_application_writes_to_a_history_table():
    assert [f"{s['key'][0]}:{s['line']}" for s in bulk_sites() if s["writes_trail"]] == []


def test_every_justified_site_still_exists():
    found = {s["key"] for s in bulk_sites()}

    assert sorted(set(JUSTIFIED) - found) == []


# --- the bulk paths leave history rows with user and address -----------------------------------

ADDRESS = "203.0.113.7"
pytestmark_db = pytest.mark.django_db  # the source rule above needs no database


def ip_client(user) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    return client


@pytestmark_db
def test_a_queryset_delete_of_an_audited_model_leaves_a_row_per_object(world, rf):
    from clusters.tests.factories import PersonFactory

    people = [PersonFactory(organization=world.coop_hanoi) for _ in range(3)]
    request = rf.post("/", REMOTE_ADDR=ADDRESS)
    request.user = world.users.admin
    HistoricalRecords.context.request = request  # what HistoryRequestMiddleware does
    try:
        Person.objects.filter(pk__in=[p.pk for p in people]).delete()
    finally:
        del HistoricalRecords.context.request

    gone = Person.history.filter(id__in=[p.pk for p in people], history_type="-")
    assert sorted((h.id, h.history_user, h.history_ip) for h in gone) == sorted(
        (p.pk, world.users.admin, ADDRESS) for p in people)


@pytestmark_db
def test_the_award_import_writes_history_rows_with_user_and_address(world):
    from awards.tests.test_import_export import collective_row, person_row, preview

    admin = world.users.admin
    batch = preview(admin, [person_row("Phạm Thị Lan", birth="1990"),
                            collective_row("Tổ sản xuất số 2", number="8/QĐ-HTX", issuer="")])

    response = ip_client(admin).post(reverse("clusters:import_commit", args=[batch.pk]))

    assert response.status_code == 302
    lan = Person.objects.get(full_name="Phạm Thị Lan")
    rows = list(AwardRecord.history.filter(history_type="+"))
    rows += list(Person.history.filter(id=lan.pk))
    assert len(rows) == 3
    assert {(h.history_user, h.history_ip) for h in rows} == {(admin, ADDRESS)}


@pytestmark_db
def test_closing_a_meeting_records_each_nominations_result_with_user_and_address(world):
    from awards.tests.council_builders import open_meeting

    meeting, seats, _secretary = open_meeting(world)
    chair = seats[0].user
    ids = list(meeting.items.values_list("nomination_id", flat=True))

    response = ip_client(chair).post(reverse("awards:meeting_close", args=[meeting.pk]))

    assert response.status_code == 302
    rows = Nomination.history.filter(id__in=ids, status__in=["passed", "rejected"])
    assert rows.count() == len(ids) == 2
    assert {(h.history_user, h.history_ip) for h in rows} == {(chair, ADDRESS)}
    closed = meeting.history.filter(status="closed").get()
    assert (closed.history_user, closed.history_ip) == (chair, ADDRESS)


@pytestmark_db
def test_issuing_a_decision_records_the_decision_records_and_nominations(world):
    from awards.tests.test_decisions import make_decision

    by = world.users.appraiser
    decision = make_decision(world, n=2)
    ids = list(decision.items.values_list("nomination_id", flat=True))

    response = ip_client(by).post(reverse("awards:decision_issue", args=[decision.pk]))

    assert response.status_code == 302
    issued = decision.history.filter(status="issued").get()
    records = AwardRecord.history.filter(history_type="+")
    awarded = Nomination.history.filter(id__in=ids, status="awarded")
    assert records.count() == awarded.count() == 2
    rows = [issued, *records, *awarded]
    assert {(h.history_user, h.history_ip) for h in rows} == {(by, ADDRESS)}


@pytestmark_db
def test_the_client_address_is_taken_from_the_proxy_only_behind_one(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.1")

    settings.BEHIND_PROXY = False
    direct = client_ip(request)
    settings.BEHIND_PROXY = True
    proxied = client_ip(request)
    request.META["HTTP_X_FORWARDED_FOR"] = "<script>, 10.0.0.1"
    forged = client_ip(request)

    assert (direct, proxied, forged) == ("10.0.0.2", "198.51.100.4", None)
