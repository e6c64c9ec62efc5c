"""The bulk writes of the import framework: instances built without Model.__init__, the writes
with their history rows (COPY on PostgreSQL), and the collector paused meanwhile."""

import gc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.imports.base import bulk_insert_with_history, unsaved_instances, without_cyclic_gc
from clusters.models import Person
from clusters.tests.factories import OrganizationFactory


def test_unsaved_instances_are_those_the_constructor_builds():
    values = {"full_name": "Lê Thị Mai", "birth_year": 1991, "organization_id": 7}

    [built] = unsaved_instances(Person, [values])

    expected = Person(**values)
    assert built.__dict__.keys() == expected.__dict__.keys()
    fields = [f.attname for f in Person._meta.concrete_fields]
    assert [getattr(built, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert (built._state.adding, built._state.db) == (True, None)


def test_unsaved_instances_refuse_an_unknown_field():
    with pytest.raises(TypeError):
        unsaved_instances(Person, [{"full_name": "Lê Thị Mai", "organization": 7}])


@pytest.mark.django_db
def test_bulk_insert_with_history_sets_ids_and_writes_one_history_row_each(world):
    org = OrganizationFactory()
    people = unsaved_instances(Person, [
        {"full_name": name, "organization_id": org.pk, "position": position}
        for name, position in (("Lê Văn A", ""), ("Lê Văn B", "C:\\kho"))])
    for person in people:
        person.refresh_derived_fields()
    people[0].position = "Tổ\ttrưởng\r\nca 2"  # what COPY's text format must escape

    with CaptureQueriesContext(connection) as queries:
        bulk_insert_with_history(Person, people, user=world.users.admin, reason="Thử\tlần 1")

    assert all(p.pk and not p._state.adding for p in people)
    if connection.vendor == "postgresql":  # the ids, then COPY into the table and its history
        assert [q["sql"].split(" ", 1)[0] for q in queries] == ["SELECT", "COPY", "COPY"]
    else:  # bulk_create, then INSERT … SELECT into the history
        assert [q["sql"].split(" ", 1)[0] for q in queries] == ["INSERT", "INSERT"]
    stored = {p.pk: (p.full_name, p.position, p.search_text)
              for p in Person.objects.filter(organization=org)}
    assert stored == {people[0].pk: ("Lê Văn A", "Tổ\ttrưởng\r\nca 2", "le van a"),
                      people[1].pk: ("Lê Văn B", "C:\\kho", "le van b")}
    history = Person.history.filter(id__in=[p.pk for p in people])
    assert sorted((h.id, h.full_name, h.history_type, h.history_user, h.history_change_reason)
                  for h in history) == [
        (people[0].pk, "Lê Văn A", "+", world.users.admin, "Thử\tlần 1"),
        (people[1].pk, "Lê Văn B", "+", world.users.admin, "Thử\tlần 1")]


def test_without_cyclic_gc_pauses_the_collector_and_restores_it():
    assert gc.isenabled()

    with without_cyclic_gc():
        inside = gc.isenabled()
        with without_cyclic_gc():
            nested = gc.isenabled()
        after_nested = gc.isenabled()

    assert (inside, nested, after_nested, gc.isenabled()) == (False, False, False, True)
