-- Key-event pins as rows of their own, beside the timeline rows: an imported review
-- pins every event, and a head carrying ten thousand pins made every later op on that
-- incident rewrite them all. The projections are rebuilt on the next open
-- (`projection_format` 3).
CREATE TABLE pin_rows (
    incident TEXT NOT NULL,
    entry    TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (incident, entry)
) STRICT, WITHOUT ROWID;
