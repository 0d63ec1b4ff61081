"""On PostgreSQL, a BRIN index on occurred_at: tiny (kilobytes for millions of rows) and ideal for an
append-only table whose rows arrive in time order, for time-range scans that the day indexes don't cover."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS analytics_event_occurred_brin ON analytics_event USING brin (occurred_at)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS analytics_event_occurred_brin")


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
