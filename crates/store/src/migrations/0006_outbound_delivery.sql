-- Delivering the outbound queue safely (crates/store/src/outbound.rs):
-- * a sender claims a message before sending it (`claimed_by`, with a lease until
--   `claimed_until`, taken in an immediate transaction), so the CLI and the window on one
--   data directory never send it twice, and a crashed sender's claim runs out;
-- * a failed attempt sets `next_attempt_at` (exponential backoff with a cap);
--   `rejections` counts permanent refusals (4xx other than 408/429), and after a few the
--   message is given up (`failed_at`) and shown with its reason (`last_error`);
-- * GitHub issues name the action item they were made for (`incident_id`, `item_key`),
--   and the created issue's address is kept (`result_url`) and written into the item
--   (`linked_at`), so the same item is never filed twice.
-- Times here are Unix milliseconds, compared as numbers.
-- The webhook address is a secret (kept in the vault, looked up at send time): webhook
-- rows carry an empty `url` from now on; older rows are emptied when the API opens.
ALTER TABLE outbound ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE outbound ADD COLUMN claimed_by TEXT;
ALTER TABLE outbound ADD COLUMN claimed_until INTEGER;
ALTER TABLE outbound ADD COLUMN rejections INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbound ADD COLUMN failed_at TEXT;
ALTER TABLE outbound ADD COLUMN incident_id TEXT;
ALTER TABLE outbound ADD COLUMN item_key TEXT;
ALTER TABLE outbound ADD COLUMN result_url TEXT;
ALTER TABLE outbound ADD COLUMN linked_at TEXT;
CREATE INDEX outbound_for_item ON outbound(incident_id, item_key) WHERE item_key IS NOT NULL;
