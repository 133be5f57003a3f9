-- Ops received from the team that this laptop does not apply (crates/core/src/validate.rs):
-- 'newer' ones come from a newer Firebreak (an op type or format this build does not
-- know) and are applied after an upgrade; 'quarantined' ones failed validation and are
-- kept for an admin (`firebreak sync quarantine --export`). Nothing received is lost.
-- `retry` = 1: looked at again (after an upgrade, or as this clock catches up with a
-- stamp that was too far ahead).
CREATE TABLE held_ops (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id       TEXT UNIQUE,
    kind        TEXT NOT NULL,
    class       TEXT NOT NULL CHECK (class IN ('newer', 'quarantined')),
    reason      TEXT NOT NULL,
    retry       INTEGER NOT NULL,
    author      TEXT,
    target      TEXT,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;
