-- Fewer pages written per op (issue 13: a note must cost little more than one bare
-- insert). Each page an op touches is one more 4 KiB frame in the WAL, synced before the
-- op is acknowledged:
-- * the op log numbers ops with a plain integer key: `AUTOINCREMENT` rewrote the
--   `sqlite_sequence` row on every insert, and ops are never deleted, so the next
--   number is the same either way (max + 1);
-- * the index of ops by incident was only read to find an incident's declaration: it now
--   holds declarations only;
-- * the outbox holds the ops' numbers in the log, not their (random) ids: one small
--   b-tree that grows at its end, instead of a table and an index of random keys;
-- * timeline rows are keyed by the number of the op that made them (an incident's rows
--   are appended at the end of its range rather than put anywhere in it); the
--   projections are folded again from the log on the next open (`projection_format` 4).
-- The tables that refer to the op log are set aside while it is rebuilt, so no foreign
-- key ever points at a missing table; every row keeps its values (and `seq` its number).
CREATE TEMP TABLE outbox_kept AS SELECT op_id FROM outbox;
CREATE TEMP TABLE sync_rejected_kept AS SELECT op_id, reason, rejected_at FROM sync_rejected;
DROP TABLE outbox;
DROP TABLE sync_rejected;

CREATE TABLE ops_lean (
    seq      INTEGER PRIMARY KEY,                -- local arrival order
    op_id    TEXT NOT NULL UNIQUE,
    replica  TEXT NOT NULL,
    wall_ms  INTEGER NOT NULL,
    counter  INTEGER NOT NULL,
    author   TEXT NOT NULL,
    target   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    body     TEXT NOT NULL                       -- the whole op, JSON
) STRICT;
INSERT INTO ops_lean(seq, op_id, replica, wall_ms, counter, author, target, kind, body)
    SELECT seq, op_id, replica, wall_ms, counter, author, target, kind, body FROM ops ORDER BY seq;
DROP TABLE ops;
ALTER TABLE ops_lean RENAME TO ops;
CREATE INDEX ops_declarations ON ops(target) WHERE kind = 'declare';
DELETE FROM sqlite_sequence WHERE name IN ('ops', 'ops_lean');

CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY REFERENCES ops(seq)
) STRICT;
INSERT INTO outbox(seq) SELECT ops.seq FROM outbox_kept JOIN ops USING (op_id);

CREATE TABLE sync_rejected (
    op_id       TEXT PRIMARY KEY REFERENCES ops(op_id),
    reason      TEXT NOT NULL,
    rejected_at TEXT NOT NULL
) STRICT;
INSERT INTO sync_rejected(op_id, reason, rejected_at) SELECT op_id, reason, rejected_at FROM sync_rejected_kept;

DROP TABLE temp.outbox_kept;
DROP TABLE temp.sync_rejected_kept;

DROP TABLE timeline_rows;
CREATE TABLE timeline_rows (
    incident TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (incident, seq)
) STRICT, WITHOUT ROWID;
