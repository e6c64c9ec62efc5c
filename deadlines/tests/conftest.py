import importlib

import pytest


@pytest.fixture
def default_ladders(transactional_db):
    """Transactional tests (live server, real worker) flush the database, seeded rows included:
    put every kind's default reminder ladder back with the migration's own seeding function."""
    from django.apps import apps
    from django.db import connection

    from deadlines.models import LadderStep

    if not LadderStep.objects.filter(deadline__isnull=True).exists():
        seeding = importlib.import_module("deadlines.migrations.0005_default_ladders")
        with connection.schema_editor() as editor:
            seeding.seed(apps, editor)
