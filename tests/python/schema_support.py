"""Files as an older kokeilu wrote them, for the tests of migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Every table and column of schema 2 (libkokeilu/src/sqlite_schema.cpp, migrations 1 and 2). Later
# migrations add tables and columns, never change these.
SCHEMA_2_COLUMNS: dict[str, set[str]] = {
    "experiments": {
        "id", "uuid", "key", "title", "summary", "organisation", "unit", "owner", "planned_start", "planned_end",
        "actual_start", "actual_end", "planned_cost_eur", "actual_cost_eur", "planned_effort_hours",
        "actual_effort_hours", "risk", "we_believe", "to_verify", "and_measure", "right_if", "design", "status",
        "stop_reason", "verdict", "we_believed", "we_observed", "we_learned", "therefore", "decision", "decided_on",
        "lock_hash", "locked_at_us", "created_at_us", "updated_at_us", "revision",
    },
    "experiment_tags": {"experiment_id", "position", "tag"},
    "experiment_purposes": {"experiment_id", "position", "purpose"},
    "arms": {"id", "experiment_id", "position", "name", "role", "description"},
    "metrics": {
        "id", "experiment_id", "position", "name", "unit", "description", "kind", "role", "direction", "impact",
        "baseline", "baseline_sd", "minimum_effect", "effect_scale", "confidence",
    },
    "amendments": {"id", "experiment_id", "at_us", "field", "old_value", "new_value", "reason", "author"},
    "journal": {"id", "experiment_id", "at_us", "author", "text"},
    "observations": {"id", "metric_id", "arm_id", "at_us", "value", "n", "sum", "sum_sq", "exposure", "subject", "note"},
    "arm_summaries": {
        "metric_id", "arm_id", "n", "mean", "m2", "sum", "exposure", "min", "max", "unit_rows", "aggregate_rows",
        "variance_known",
    },
}


def as_schema_2(db: Path) -> None:
    """Turns a tracker file into the file kokeilu of schema 2 would have written with the same data:
    the tables and columns of later schemas go, and the version says 2."""
    con = sqlite3.connect(db)
    tables = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for name in tables:
        if name.startswith("sqlite_"):
            continue
        if name not in SCHEMA_2_COLUMNS:
            # IF EXISTS: a virtual table (the search index) has taken its shadow tables along.
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
            continue
        for (column,) in con.execute(f"SELECT name FROM pragma_table_info('{name}')").fetchall():
            if column not in SCHEMA_2_COLUMNS[name]:
                con.execute(f'ALTER TABLE "{name}" DROP COLUMN "{column}"')
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()
