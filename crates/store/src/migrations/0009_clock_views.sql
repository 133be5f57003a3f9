-- Per incident, what its clocks and alerts read (a small JSON the api makes from the
-- folded incident), cached at the incident's version (`seq`). The list and the
-- notification scheduler read these instead of unfolding every incident; a row whose
-- `seq` is behind the incident's version is stale and made again. A cache only: it
-- can be emptied at any time (rebuilding the projections does).
CREATE TABLE clock_views (
    incident TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL,
    body     TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- An incident's version is the newer of the last op that rewrote its head and its
-- newest timeline row (ops that touch neither — a revision, a pin — move no clock).
ALTER TABLE incidents ADD COLUMN head_seq INTEGER NOT NULL DEFAULT 0;

-- The list's order (newest detection first), read from an index instead of sorted.
CREATE INDEX incidents_by_detection ON incidents(declared, detected_at DESC, id DESC);
