-- Projections by piece, so an op's cost no longer grows with its incident: the
-- timeline's entries and their revisions are rows of their own (an op adds at most
-- one), and `incidents.state` keeps the rest of the folded incident (small, rewritten
-- in place). Existing projections are rebuilt from the op log on the next open
-- (`projection_format` in meta).
CREATE TABLE timeline_rows (
    incident TEXT NOT NULL,
    op_id    TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (incident, op_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE revision_rows (
    incident TEXT NOT NULL,
    op_id    TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (incident, op_id)
) STRICT, WITHOUT ROWID;
