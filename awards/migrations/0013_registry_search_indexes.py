# The registry searched by a name over the whole country (bench/RESULTS.md §14).

from django.db import migrations

INDEXES = [
    # The registry's order (newest achievement year, then newest decision): PostgreSQL reads the
    # records of a common name in this order and stops after the page, sorting only the records
    # of one year and day by the catalogue's order instead of all 17,020 "nguyen" records.
    ("award_record_registry_order",
     "CREATE INDEX IF NOT EXISTS award_record_registry_order ON awards_awardrecord "
     "(achievement_year DESC, decision_date DESC)"),
    # A named collective's folded name, searched with LIKE '%…%'. Partial: 1 record in 100 has
    # one; the search adds `collective_search <> ''` so that this index serves it.
    ("award_record_collective_trgm",
     "CREATE INDEX IF NOT EXISTS award_record_collective_trgm ON awards_awardrecord "
     "USING gin (collective_search gin_trgm_ops) WHERE collective_search <> ''"),
]


def add_indexes(apps, schema_editor):
    """PostgreSQL only, like clusters' trigram indexes (0004): SQLite has no trigram index and
    its test-sized tables need none. Not in the model's Meta, so `makemigrations` sees no
    change."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("awards", "0012_historicalannualassessment_history_ip_and_more"),
        ("clusters", "0004_list_indexes"),
    ]

    operations = [
        migrations.RunPython(add_indexes, drop_indexes),
    ]
