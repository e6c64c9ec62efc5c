"""The application's database role cannot edit or delete the audit trail (quality-targets S10):
after `audit_grants`, it inserts history rows but an UPDATE or DELETE on them is refused, while
it still updates the ordinary tables. PostgreSQL only.

Run with e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_audit. Everything, the role
included (CREATE ROLE is transactional in PostgreSQL), is rolled back with the test.
"""

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from accounts.management.commands.audit_grants import history_tables
from clusters.models import Person
from clusters.tests.factories import PersonFactory
from conftest import require_or_skip

pytestmark = pytest.mark.django_db

ROLE = f"audit_app_test_{os.getpid()}"


@pytest.fixture
def app_role(db):
    require_or_skip(connection.vendor == "postgresql",
                    "audit_grants chỉ chạy trên PostgreSQL: đặt DATABASE_URL=postgres://…")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
    return ROLE


class acting_as:
    """SET ROLE for the statements inside, on the test's connection, in a savepoint so that a
    refused statement does not spoil the rest of the test."""

    def __init__(self, role):
        self.role = role

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {self.role}")

    def __exit__(self, kind, error, trace):
        try:
            if kind is None:
                with connection.cursor() as cursor:
                    cursor.execute("RESET ROLE")
        finally:
            self.atomic.__exit__(kind, error, trace)
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        return False


def refused(work) -> str:
    with pytest.raises(DatabaseError) as caught, acting_as(ROLE):
        work()
    return str(caught.value)


def test_the_app_role_appends_to_the_trail_but_cannot_change_it(world, app_role):
    call_command("audit_grants", role=app_role)
    existing = PersonFactory(organization=world.coop_hanoi)

    with acting_as(app_role):
        created = PersonFactory(organization=world.coop_hanoi, full_name="Trần Văn An")
        Person.objects.filter(pk=existing.pk).update(position="Kế toán trưởng")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            [who] = cursor.fetchone()

    assert who == app_role
    assert Person.history.filter(id=created.pk, history_type="+").count() == 1
    assert Person.objects.get(pk=existing.pk).position == "Kế toán trưởng"
    rows = Person.history.filter(id=existing.pk)
    update = refused(lambda: rows.update(history_change_reason="sửa lén"))
    delete = refused(lambda: rows.delete())
    assert "permission denied" in update and "permission denied" in delete
    assert rows.count() == 1 and rows.get().history_change_reason is None


def test_the_trigger_refuses_even_when_update_is_granted_back(world, app_role):
    call_command("audit_grants", role=app_role)
    person = PersonFactory(organization=world.coop_hanoi)
    table = Person.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE ON {table} TO {app_role}")

    message = refused(lambda: Person.history.filter(id=person.pk).update(
        history_change_reason="sửa lén"))

    assert "append-only" in message
    # The owner (migrations, this test's connection) is not refused.
    assert Person.history.filter(id=person.pk).update(history_change_reason="chủ sở hữu") == 1


def test_every_history_table_is_covered_and_ballots_have_none():
    tables = history_tables()

    assert "awards_historicalnomination" in tables
    assert "accounts_historicalroleassignment" in tables
    assert "emulation_historicalmovement_participants" in tables
    assert not [t for t in tables if "ballot" in t or "openvote" in t]


def test_the_command_refuses_a_missing_or_unknown_role(app_role):
    with pytest.raises(CommandError):
        call_command("audit_grants", role="")
    with pytest.raises(CommandError):
        call_command("audit_grants", role="x; DROP TABLE clusters_person")
    with pytest.raises(CommandError):
        call_command("audit_grants", role="khong_co_vai_tro_nay")
