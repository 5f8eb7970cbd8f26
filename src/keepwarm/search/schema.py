"""The triggers that keep the search index in step with every write, whatever makes it.

Services, bulk inserts, imports and cascading deletes all go through the database, so
the index is kept there: each source table has insert, update and delete triggers that
write its rows' text into `search_document`. On SQLite a contentless FTS5 table
(`search_fts`, which also indexes each row's workspace and kind as a word of a `scope`
column) follows `search_document` by its own triggers; on PostgreSQL a generated
`tsvector` column with a GIN index does. The source tables belong to other apps: this
module only reads them, and adds no migration to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Long email bodies are indexed by their first part; it carries what a search looks for.
BODY_LIMIT = 20_000

COLUMNS = (
    "kind",
    "object_id",
    "workspace_id",
    "client_id",
    "parent_id",
    "subkind",
    "title",
    "body",
    "happened_at",
)

# Characters that PostgreSQL's parser would keep inside one token (an email address, a
# host, a hyphenated word, a path, a version number); FTS5 splits on them, so both
# databases see the same words.
PG_SPLIT_CHARS = "@.-_/:+~=#%&'"


@dataclass(frozen=True)
class Source:
    kind: str
    table: str
    # Columns whose change re-indexes the row; other updates (a reply mark, a score)
    # leave the index alone.
    watched: tuple[str, ...]
    # SQL expression of each document column, over the row "{r}", with "{nl}" a newline.
    values: dict[str, str]

    def expressions(self, row: str, vendor: str) -> list[str]:
        nl = "char(10)" if vendor == "sqlite" else "chr(10)"
        return [self.values.get(c, "NULL").format(r=row, nl=nl) for c in COLUMNS]


SOURCES = (
    Source(
        kind="client",
        table="clients_client",
        watched=("name", "industry", "notes", "status", "workspace_id"),
        values={
            "kind": "'client'",
            "object_id": "{r}.id",
            "workspace_id": "{r}.workspace_id",
            "client_id": "{r}.id",
            "subkind": "{r}.status",
            "title": "{r}.name",
            "body": "{r}.industry || {nl} || {r}.notes",
        },
    ),
    Source(
        kind="contact",
        table="clients_contact",
        watched=(
            "name",
            "role",
            "email",
            "other_emails",
            "phone",
            "other_phones",
            "notes",
            "client_id",
            "workspace_id",
        ),
        values={
            "kind": "'contact'",
            "object_id": "{r}.id",
            "workspace_id": "{r}.workspace_id",
            "client_id": "{r}.client_id",
            "subkind": "''",
            "title": "{r}.name",
            "body": (
                "{r}.role || {nl} || {r}.email || {nl} || {r}.other_emails || {nl} || "
                "{r}.phone || {nl} || {r}.other_phones || {nl} || {r}.notes"
            ),
        },
    ),
    Source(
        kind="fact",
        table="clients_personalfact",
        watched=("text", "category", "contact_id", "workspace_id"),
        values={
            "kind": "'fact'",
            "object_id": "{r}.id",
            "workspace_id": "{r}.workspace_id",
            "client_id": "(SELECT p.client_id FROM clients_contact p WHERE p.id = {r}.contact_id)",
            "parent_id": "{r}.contact_id",
            "subkind": "{r}.category",
            "title": "{r}.text",
            "body": "''",
        },
    ),
    Source(
        kind="goal",
        table="clients_goal",
        watched=("text", "status", "client_id", "workspace_id"),
        values={
            "kind": "'goal'",
            "object_id": "{r}.id",
            "workspace_id": "{r}.workspace_id",
            "client_id": "{r}.client_id",
            "subkind": "{r}.status",
            "title": "{r}.text",
            "body": "''",
        },
    ),
    Source(
        kind="interaction",
        table="interactions_interaction",
        watched=("subject", "body", "channel", "occurred_at", "client_id", "workspace_id"),
        values={
            "kind": "'interaction'",
            "object_id": "{r}.id",
            "workspace_id": "{r}.workspace_id",
            "client_id": "{r}.client_id",
            "subkind": "{r}.channel",
            "title": "{r}.subject",
            "body": f"substr({{r}}.body, 1, {BODY_LIMIT})",
            "happened_at": "{r}.occurred_at",
        },
    ),
)

FTS_TRIGGERS = ("search_document_ins", "search_document_del", "search_document_upd")


def trigger_names(source: Source) -> list[str]:
    return [f"search_{source.kind}_{op}" for op in ("ins", "upd", "del")]


# SQLite -------------------------------------------------------------------------------------


def _sqlite_changed(source: Source) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in source.watched)


def sqlite_source_triggers(source: Source) -> list[str]:
    """Return the CREATE TRIGGER statements of one source table on SQLite."""
    ins, upd, dele = trigger_names(source)
    cols = ", ".join(COLUMNS)
    new_values = ", ".join(source.expressions("NEW", "sqlite"))
    assignments = ", ".join(
        f"{c} = {e}"
        for c, e in zip(COLUMNS, source.expressions("NEW", "sqlite"), strict=True)
        if c not in ("kind", "object_id")
    )
    where_old = f"kind = '{source.kind}' AND object_id = OLD.id"
    extra = ""
    if source.kind == "contact":
        # A person moved to another client takes their facts along.
        extra = (
            "UPDATE search_document SET client_id = NEW.client_id "
            "WHERE kind = 'fact' AND parent_id = NEW.id AND OLD.client_id IS NOT NEW.client_id;"
        )
    return [
        f"CREATE TRIGGER {ins} AFTER INSERT ON {source.table} BEGIN "  # noqa: S608
        f"INSERT INTO search_document ({cols}) VALUES ({new_values}); END",
        f"CREATE TRIGGER {upd} AFTER UPDATE ON {source.table} "  # noqa: S608
        f"WHEN {_sqlite_changed(source)} BEGIN "
        f"UPDATE search_document SET {assignments} WHERE {where_old}; {extra} END",
        f"CREATE TRIGGER {dele} AFTER DELETE ON {source.table} BEGIN "  # noqa: S608
        f"DELETE FROM search_document WHERE {where_old}; END",
    ]


def _scope(row: str) -> str:
    # The workspace with the kind, as a word of its own column ("w12kclient"): FTS5 then
    # filters by it inside the index, and the word lists only that workspace's rows of
    # that kind.
    return f"'w' || {row}.workspace_id || 'k' || {row}.kind"


SQLITE_FTS = [
    # Contentless: the text lives once, in search_document, and nothing is read back from
    # the index but rowids and ranks. Prefix indexes make two- and three-letter prefixes
    # (search as you type) cheap.
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, scope, content='', "
    "tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
]

# Merges the index into one segment: after a bulk fill, queries then read one b-tree per
# word instead of dozens; FTS5's own automatic merging keeps it compact from then on.
SQLITE_FTS_OPTIMIZE = "INSERT INTO search_fts (search_fts) VALUES ('optimize')"

SQLITE_FTS_FILL = [
    "INSERT INTO search_fts (search_fts) VALUES ('delete-all')",
    "INSERT INTO search_fts (rowid, title, body, scope) "  # noqa: S608
    f"SELECT d.id, d.title, d.body, {_scope('d')} FROM search_document d",
]

_FTS_DELETE = (
    "INSERT INTO search_fts (search_fts, rowid, title, body, scope) "  # noqa: S608
    f"VALUES ('delete', OLD.id, OLD.title, OLD.body, {_scope('OLD')}); "
)
_FTS_INSERT = (
    "INSERT INTO search_fts (rowid, title, body, scope) "  # noqa: S608
    f"VALUES (NEW.id, NEW.title, NEW.body, {_scope('NEW')}); "
)

SQLITE_FTS_TRIGGERS = [
    f"CREATE TRIGGER search_document_ins AFTER INSERT ON search_document BEGIN {_FTS_INSERT}END",
    f"CREATE TRIGGER search_document_del AFTER DELETE ON search_document BEGIN {_FTS_DELETE}END",
    "CREATE TRIGGER search_document_upd AFTER UPDATE ON search_document "
    "WHEN OLD.title IS NOT NEW.title OR OLD.body IS NOT NEW.body "
    "OR OLD.workspace_id IS NOT NEW.workspace_id OR OLD.kind IS NOT NEW.kind "
    f"BEGIN {_FTS_DELETE}{_FTS_INSERT}END",
]


# PostgreSQL ---------------------------------------------------------------------------------


def _pg_clean(column: str) -> str:
    spaces = " " * len(PG_SPLIT_CHARS)
    return f"translate(coalesce({column}, ''), '{PG_SPLIT_CHARS.replace("'", "''")}', '{spaces}')"


PG_DOCUMENT = [
    # The title weighs A and the body B, so that ts_rank puts a name match first.
    "ALTER TABLE search_document ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('simple'::regconfig, {_pg_clean('title')}), 'A') || "
    f"setweight(to_tsvector('simple'::regconfig, {_pg_clean('body')}), 'B')) STORED",
    "CREATE INDEX search_document_fts ON search_document USING gin (document)",
]


def pg_source_triggers(source: Source) -> list[str]:
    """Return the functions and statement-level triggers of one source table on PostgreSQL.

    Statement triggers with transition tables index a bulk insert in one set-based
    statement instead of once per row.
    """
    ins, upd, dele = trigger_names(source)
    cols = ", ".join(COLUMNS)
    values = ", ".join(source.expressions("n", "postgresql"))
    upsert = "ON CONFLICT (kind, object_id) DO UPDATE SET " + ", ".join(
        f"{c} = EXCLUDED.{c}" for c in COLUMNS if c not in ("kind", "object_id")
    )
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in source.watched)
    extra = ""
    if source.kind == "contact":
        extra = (
            "UPDATE search_document d SET client_id = n.client_id "
            "FROM new_rows n JOIN old_rows o ON o.id = n.id "
            "WHERE o.client_id IS DISTINCT FROM n.client_id "
            "AND d.kind = 'fact' AND d.parent_id = n.id;"
        )
    bodies = {
        ins: f"INSERT INTO search_document ({cols}) SELECT {values} FROM new_rows n {upsert};",  # noqa: S608
        upd: (
            f"INSERT INTO search_document ({cols}) SELECT {values} "  # noqa: S608
            f"FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed} {upsert}; {extra}"
        ),
        dele: (
            "DELETE FROM search_document d USING old_rows o "  # noqa: S608
            f"WHERE d.kind = '{source.kind}' AND d.object_id = o.id;"
        ),
    }
    events = {
        ins: "INSERT",
        upd: "UPDATE",
        dele: "DELETE",
    }
    referencing = {
        ins: "REFERENCING NEW TABLE AS new_rows",
        upd: "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        dele: "REFERENCING OLD TABLE AS old_rows",
    }
    statements = []
    for name, body in bodies.items():
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        statements.append(
            f"CREATE TRIGGER {name} AFTER {events[name]} ON {source.table} "
            f"{referencing[name]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


# Installing, back-filling and repairing ----------------------------------------------------


def source_triggers(source: Source, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return sqlite_source_triggers(source)
    if vendor == "postgresql":
        return pg_source_triggers(source)
    raise ImproperlyConfigured(f"Search supports SQLite and PostgreSQL, not {vendor}.")


def backfill_sql(source: Source, vendor: str) -> str:
    """Return the INSERT that indexes every existing row of one source table."""
    cols = ", ".join(COLUMNS)
    values = ", ".join(source.expressions("t", vendor))
    return f"INSERT INTO search_document ({cols}) SELECT {values} FROM {source.table} t"  # noqa: S608


def _run(connection: Any, statements: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any) -> None:
    """Create the full-text objects and every trigger, then index the existing rows."""
    vendor = connection.vendor
    if vendor == "sqlite":
        _run(connection, SQLITE_FTS)
    elif vendor == "postgresql":
        _run(connection, PG_DOCUMENT)
    for source in SOURCES:
        _run(connection, [backfill_sql(source, vendor), *source_triggers(source, vendor)])
    if vendor == "sqlite":
        # Built once over the back-filled rows, then kept row by row by its triggers.
        _run(connection, [*SQLITE_FTS_FILL, *SQLITE_FTS_TRIGGERS, SQLITE_FTS_OPTIMIZE])


def sqlite_rebuild_fts(connection: Any) -> None:
    """Replace the FTS5 table and its triggers by the current design, filled from the rows."""
    if connection.vendor != "sqlite":
        return
    _run(connection, [f"DROP TRIGGER IF EXISTS {n}" for n in FTS_TRIGGERS])
    _run(connection, ["DROP TABLE IF EXISTS search_fts", *SQLITE_FTS])
    _run(connection, [*SQLITE_FTS_FILL, *SQLITE_FTS_TRIGGERS, SQLITE_FTS_OPTIMIZE])


def uninstall(connection: Any) -> None:
    """Drop every trigger and the full-text objects (the migration's reverse)."""
    vendor = connection.vendor
    statements = []
    for source in SOURCES:
        for name in trigger_names(source):
            statements.append(f"DROP TRIGGER IF EXISTS {name}" + _on(source.table, vendor))
            if vendor == "postgresql":
                statements.append(f"DROP FUNCTION IF EXISTS {name}()")
    if vendor == "sqlite":
        statements += [f"DROP TRIGGER IF EXISTS {n}" for n in FTS_TRIGGERS]
        statements.append("DROP TABLE IF EXISTS search_fts")
    else:
        statements.append("ALTER TABLE search_document DROP COLUMN IF EXISTS document")
    statements.append("DELETE FROM search_document")
    _run(connection, statements)


def _on(table: str, vendor: str) -> str:
    return f" ON {table}" if vendor == "postgresql" else ""


def _existing_triggers(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def ensure_triggers(connection: Any) -> list[str]:
    """Recreate any trigger a schema change dropped and re-index its table; return the kinds."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return []
    tables = set(connection.introspection.table_names())
    if "search_document" not in tables or (vendor == "sqlite" and "search_fts" not in tables):
        return []
    existing = _existing_triggers(connection)
    repaired = []
    if vendor == "sqlite" and not set(FTS_TRIGGERS) <= existing:
        _run(connection, [f"DROP TRIGGER IF EXISTS {n}" for n in FTS_TRIGGERS])
        _run(connection, [*SQLITE_FTS_FILL, *SQLITE_FTS_TRIGGERS])
        repaired.append("index")
    for source in SOURCES:
        names = trigger_names(source)
        if source.table not in tables or set(names) <= existing:
            continue
        drops = [f"DROP TRIGGER IF EXISTS {n}" + _on(source.table, vendor) for n in names]
        _run(
            connection,
            [
                *drops,
                f"DELETE FROM search_document WHERE kind = '{source.kind}'",  # noqa: S608
                backfill_sql(source, vendor),
                *source_triggers(source, vendor),
            ],
        )
        repaired.append(source.kind)
    return repaired
