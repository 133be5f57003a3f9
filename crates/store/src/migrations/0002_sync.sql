-- Team sync: where this replica pushes and pulls, and how far it has pulled.
-- The remote (server URL, team, API token) is local configuration, never replicated.
CREATE TABLE sync_remote (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    url   TEXT NOT NULL,
    team  TEXT NOT NULL,
    token TEXT NOT NULL
) STRICT;

-- The pull cursor: the server's epoch and the last per-team sequence applied here.
-- Written in the same transaction as the ops of the page that advanced it.
CREATE TABLE sync_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    epoch          TEXT,
    cursor         INTEGER NOT NULL DEFAULT 0,
    last_synced_at TEXT
) STRICT;
INSERT INTO sync_state(id, epoch, cursor, last_synced_at) VALUES (1, NULL, 0, NULL);
