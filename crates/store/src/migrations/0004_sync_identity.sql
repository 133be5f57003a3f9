-- The team server token no longer lives in the database: it is kept in the OS keyring
-- or an owner-only file (crates/api/src/secrets.rs). The `token` column stays for
-- databases written before; it is emptied once its value has moved.
-- `member` is who the token belongs to, as the server said when it was last checked.
ALTER TABLE sync_remote ADD COLUMN member TEXT;

-- Local ops the server refused (their author is not the token's member). They stay in
-- the op log and in this laptop's state; they leave the outbox so everything else
-- still flows, and are shown to the person until a remote change queues them again.
CREATE TABLE sync_rejected (
    op_id       TEXT PRIMARY KEY REFERENCES ops(op_id),
    reason      TEXT NOT NULL,
    rejected_at TEXT NOT NULL
) STRICT;
