-- Messages for other systems (a chat webhook), queued in the same transaction as the
-- act that produced them and sent when online, once: `sent_at` is set after a 2xx.
CREATE TABLE outbound (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id      TEXT NOT NULL,            -- the op that produced the message
    kind       TEXT NOT NULL,            -- 'webhook'
    url        TEXT NOT NULL,
    body       TEXT NOT NULL,            -- JSON
    created_at TEXT NOT NULL,
    sent_at    TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
) STRICT;
CREATE INDEX outbound_unsent ON outbound(sent_at) WHERE sent_at IS NULL;
