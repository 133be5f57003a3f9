-- The op log is the source of truth; everything else here can be rebuilt from it.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE ops (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT, -- local arrival order
    op_id    TEXT NOT NULL UNIQUE,
    replica  TEXT NOT NULL,
    wall_ms  INTEGER NOT NULL,
    counter  INTEGER NOT NULL,
    author   TEXT NOT NULL,
    target   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    body     TEXT NOT NULL                       -- the whole op, JSON
) STRICT;
CREATE INDEX ops_by_target ON ops(target);

-- Ops made here that the team server has not acknowledged yet.
CREATE TABLE outbox (
    op_id TEXT PRIMARY KEY REFERENCES ops(op_id)
) STRICT;

-- Projection: one row per incident, the folded state plus columns to list and find by.
CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    human_id    TEXT,
    declared    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    severity    TEXT NOT NULL,
    status      TEXT NOT NULL,
    drill       INTEGER NOT NULL,
    detected_at TEXT,
    state       TEXT NOT NULL
) STRICT;
CREATE INDEX incidents_by_human_id ON incidents(human_id);

-- Local, non-replicated settings (who I am, policy in force, drafts).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
