"""Make the audit trail append-only for the application's database role (quality-targets S10).

Deployment runs migrations as the owner role and the application as a separate role; run this as
the owner after each `migrate`:

    python manage.py audit_grants --role thidua_app

The role gets SELECT, INSERT, UPDATE, DELETE on every table and USAGE, SELECT, UPDATE on every
sequence of the schema, except the history tables (django-simple-history), where it gets SELECT
and INSERT only: UPDATE, DELETE and TRUNCATE are revoked. A statement trigger on each history
table also refuses UPDATE and DELETE to anyone but the table's owner, should a later GRANT give
them back by mistake.

A consequence, intended: the application cannot delete a user who appears in the trail (the
history rows' history_user would be set to NULL, an UPDATE). Users are deactivated, not deleted.
"""

import re

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from simple_history.models import HistoricalChanges

ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$-]{0,62}$")
TRIGGER = "audit_append_only"
FUNCTION = "audit_refuse_change"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> (SELECT tableowner FROM pg_tables
                        WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME) THEN
        RAISE EXCEPTION 'permission denied: the audit trail % is append-only', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$
"""


def history_tables() -> list[str]:
    """Every table of a simple-history model, the m2m history tables included."""
    return sorted({m._meta.db_table for m in apps.get_models()
                   if issubclass(m, HistoricalChanges) and not m._meta.proxy})


class Command(BaseCommand):
    help = ("Grant the application's database role what it needs, the audit tables "
            "append-only (PostgreSQL; run as the owner role after migrate).")

    def add_arguments(self, parser):
        # Always named on the command line (docs/deployment.md): no environment variable, so
        # that running it with the wrong .env cannot open the trail to another role.
        parser.add_argument("--role", required=True, help="the application's database role")
        parser.add_argument("--no-triggers", action="store_true",
                            help="only the grants, without the append-only triggers")

    def handle(self, *args, role, no_triggers, **options):
        if connection.vendor != "postgresql":
            raise CommandError("audit_grants works on PostgreSQL only.")
        if not role or not ROLE_NAME.match(role):
            raise CommandError("Give the application's role with --role, e.g. --role thidua_app.")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no database role {role}.")
            cursor.execute("SELECT current_user, current_schema()")
            owner, schema = cursor.fetchone()
            if owner == role:
                raise CommandError("Run this as the owner role, not as the application's role.")
        existing = set(connection.introspection.table_names())
        audited = [t for t in history_tables() if t in existing]
        owned = self._owned_by(role, audited)
        if owned:
            raise CommandError(f"The role {role} owns history tables ({', '.join(owned[:5])}); "
                               "an owner keeps every right on its tables. Migrate as another "
                               "role.")
        who, where = quote(role), quote(schema)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"GRANT USAGE ON SCHEMA {where} TO {who}")
            cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                           f"{where} TO {who}")
            cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {where} "
                           f"TO {who}")
            for table in audited:
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {who}")
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM PUBLIC")
            if not no_triggers:
                cursor.execute(FUNCTION_SQL)
                for table in audited:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(table)}")
                    cursor.execute(f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON "
                                   f"{quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION "
                                   f"{FUNCTION}()")
        self.stdout.write(f"{role}: {len(existing) - len(audited)} tables read-write, "
                          f"{len(audited)} history tables append-only"
                          f"{'' if no_triggers else ' (with triggers)'}.")

    def _owned_by(self, role, tables) -> list[str]:
        if not tables:
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                           "AND tableowner = %s AND tablename = ANY(%s)", [role, list(tables)])
            return sorted(row[0] for row in cursor.fetchall())
