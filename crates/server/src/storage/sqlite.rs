//! The embedded SQLite backend: one connection behind a mutex, used from
//! `spawn_blocking` so the async runtime never waits on disk. Writes take SQLite's
//! single writer lock (`BEGIN IMMEDIATE`), which serialises sequence allocation.
//! The database file and its `-wal`/`-shm` companions are owner-only (0600): they
//! hold every team's record and the token hashes.
use super::{
    check_name, new_epoch, plan_push, Page, PushOutcome, PushedOp, Result, StorageError, MAX_CONFLICTS_PER_TEAM,
};
use crate::auth::Principal;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    next_seq   INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS members (
    team_id    INTEGER NOT NULL REFERENCES teams(id),
    person     TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (team_id, person)
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    team_id    INTEGER NOT NULL,
    person     TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at TEXT,
    FOREIGN KEY (team_id, person) REFERENCES members(team_id, person)
);
CREATE TABLE IF NOT EXISTS ops (
    team_id     INTEGER NOT NULL REFERENCES teams(id),
    seq         INTEGER NOT NULL,
    op_id       TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (team_id, seq),
    UNIQUE (team_id, op_id)
);
-- One declaration per incident and team: a second `declare` of an incident is refused.
CREATE TABLE IF NOT EXISTS declarations (
    team_id INTEGER NOT NULL REFERENCES teams(id),
    target  TEXT NOT NULL,
    op_id   TEXT NOT NULL,
    PRIMARY KEY (team_id, target)
);
CREATE TABLE IF NOT EXISTS conflicts (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams(id),
    op_id       TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS conflicts_team ON conflicts(team_id);
CREATE TABLE IF NOT EXISTS conflicts_dropped (
    team_id INTEGER PRIMARY KEY REFERENCES teams(id),
    dropped INTEGER NOT NULL
);
";

/// Past [`MAX_CONFLICTS_PER_TEAM`] stored conflicts a team's further ones are only
/// counted (the push path needs no change: the trigger decides).
fn conflicts_cap_sql() -> String {
    format!(
        "CREATE TRIGGER IF NOT EXISTS conflicts_cap BEFORE INSERT ON conflicts
         WHEN (SELECT count(*) FROM conflicts WHERE team_id = NEW.team_id) >= {MAX_CONFLICTS_PER_TEAM}
         BEGIN
           INSERT OR IGNORE INTO conflicts_dropped(team_id, dropped) VALUES (NEW.team_id, 0);
           UPDATE conflicts_dropped SET dropped = dropped + 1 WHERE team_id = NEW.team_id;
           SELECT RAISE(IGNORE);
         END;"
    )
}

/// Creates the database file owner-only if it is new, and makes an existing one (and
/// its `-wal`/`-shm`, which SQLite creates with the main file's mode) owner-only.
#[cfg(unix)]
fn owner_only(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let created = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
    match created {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(StorageError::File(format!("cannot create {}: {e}", path.display()))),
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| StorageError::File(format!("cannot make {} owner-only: {e}", file.display())))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_path: &std::path::Path) -> Result<()> {
    Ok(())
}

#[derive(Clone)]
pub struct SqliteStorage {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStorage {
    pub async fn open(path: &str) -> Result<Self> {
        let path = std::path::PathBuf::from(path);
        let conn = tokio::task::spawn_blocking(move || -> Result<Connection> {
            owner_only(&path)?;
            let conn = Connection::open(&path)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // The -wal and -shm files now exist; an older database's may be wider.
            owner_only(&path)?;
            Ok(conn)
        })
        .await
        .map_err(|e| StorageError::Task(e.to_string()))??;
        Self::init(conn).await
    }

    pub async fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?).await
    }

    async fn init(conn: Connection) -> Result<Self> {
        let s = SqliteStorage { conn: Arc::new(Mutex::new(conn)) };
        s.run(|c| {
            c.pragma_update(None, "synchronous", "FULL")?;
            c.pragma_update(None, "foreign_keys", "ON")?;
            c.busy_timeout(std::time::Duration::from_secs(10))?;
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(SCHEMA)?;
            // Declarations stored before the table existed (idempotent).
            tx.execute(
                "INSERT OR IGNORE INTO declarations(team_id, target, op_id)
                 SELECT team_id, json_extract(body, '$.target'), op_id FROM ops
                 WHERE json_valid(body) AND json_extract(body, '$.payload.type') = 'declare'
                   AND NOT EXISTS (SELECT 1 FROM server_meta WHERE key = 'declarations_indexed')",
                [],
            )?;
            tx.execute(
                "INSERT INTO server_meta(key, value) VALUES ('declarations_indexed', '1') ON CONFLICT DO NOTHING",
                [],
            )?;
            tx.execute_batch(&conflicts_cap_sql())?;
            tx.execute(
                "INSERT INTO server_meta(key, value) VALUES ('epoch', ?1) ON CONFLICT DO NOTHING",
                [new_epoch()],
            )?;
            tx.execute(
                "INSERT INTO server_meta(key, value) VALUES ('schema_version', '1')
                 ON CONFLICT DO NOTHING",
                [],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
        Ok(s)
    }

    /// Runs `f` on the connection in the blocking pool.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StorageError::Task(e.to_string()))?
    }

    pub async fn create_team(&self, team: &str) -> Result<()> {
        check_name("team", team)?;
        let team = team.to_string();
        self.run(move |c| {
            let n = c.execute("INSERT INTO teams(name) VALUES (?1) ON CONFLICT(name) DO NOTHING", [&team])?;
            if n == 0 {
                return Err(StorageError::Exists(format!("team {team:?} already exists")));
            }
            Ok(())
        })
        .await
    }

    pub async fn add_member(&self, team: &str, person: &str) -> Result<()> {
        check_name("person", person)?;
        let (team, person) = (team.to_string(), person.to_string());
        self.run(move |c| {
            let id = team_id(c, &team)?;
            c.execute(
                "INSERT INTO members(team_id, person) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![id, person],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn insert_token(&self, team: &str, person: &str, hash: &str) -> Result<()> {
        let (team, person, hash) = (team.to_string(), person.to_string(), hash.to_string());
        self.run(move |c| {
            let id = team_id(c, &team)?;
            let member: Option<i64> = c
                .query_row("SELECT 1 FROM members WHERE team_id = ?1 AND person = ?2", params![id, person], |r| {
                    r.get(0)
                })
                .optional()?;
            if member.is_none() {
                return Err(StorageError::NotFound(format!(
                    "{person:?} is not a member of team {team:?} (admin add-member first)"
                )));
            }
            c.execute(
                "INSERT INTO tokens(token_hash, team_id, person) VALUES (?1, ?2, ?3)",
                params![hash, id, person],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn revoke_tokens(&self, team: &str, person: &str) -> Result<u64> {
        let (team, person) = (team.to_string(), person.to_string());
        self.run(move |c| {
            let id = team_id(c, &team)?;
            let n = c.execute(
                "UPDATE tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE team_id = ?1 AND person = ?2 AND revoked_at IS NULL",
                params![id, person],
            )?;
            Ok(n as u64)
        })
        .await
    }

    pub async fn set_epoch(&self, epoch: &str) -> Result<()> {
        let epoch = epoch.to_string();
        self.run(move |c| {
            c.execute("UPDATE server_meta SET value = ?1 WHERE key = 'epoch'", [epoch])?;
            Ok(())
        })
        .await
    }

    pub async fn epoch(&self) -> Result<String> {
        self.run(|c| Ok(read_epoch(c)?)).await
    }

    pub async fn authenticate(&self, hash: &str) -> Result<Option<Principal>> {
        let hash = hash.to_string();
        self.run(move |c| {
            Ok(c.query_row(
                "SELECT t.team_id, teams.name, t.person FROM tokens t
                 JOIN teams ON teams.id = t.team_id
                 WHERE t.token_hash = ?1 AND t.revoked_at IS NULL",
                [hash],
                |r| Ok(Principal { team_id: r.get(0)?, team: r.get(1)?, person: r.get(2)? }),
            )
            .optional()?)
        })
        .await
    }

    pub async fn push(&self, team: i64, ops: Vec<PushedOp>) -> Result<PushOutcome> {
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let next_seq: i64 = tx.query_row("SELECT next_seq FROM teams WHERE id = ?1", [team], |r| r.get(0))?;
            let mut existing = HashMap::new();
            {
                let mut find = tx.prepare_cached("SELECT seq, body FROM ops WHERE team_id = ?1 AND op_id = ?2")?;
                for PushedOp { id, .. } in &ops {
                    if let Some(found) = find
                        .query_row(params![team, id.to_string()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                        .optional()?
                    {
                        existing.insert(*id, found);
                    }
                }
            }
            let mut declared = HashMap::new();
            {
                let mut find =
                    tx.prepare_cached("SELECT op_id FROM declarations WHERE team_id = ?1 AND target = ?2")?;
                for target in ops.iter().filter_map(|o| o.declares.as_ref()) {
                    if let Some(op_id) = find.query_row(params![team, target], |r| r.get::<_, String>(0)).optional()? {
                        declared.insert(target.clone(), op_id);
                    }
                }
            }
            let plan = plan_push(existing, declared, next_seq, &ops);
            {
                let mut insert =
                    tx.prepare_cached("INSERT INTO ops(team_id, seq, op_id, body) VALUES (?1, ?2, ?3, ?4)")?;
                for (seq, id, body) in &plan.inserts {
                    insert.execute(params![team, seq, id, body])?;
                }
                let mut declare =
                    tx.prepare_cached("INSERT INTO declarations(team_id, target, op_id) VALUES (?1, ?2, ?3)")?;
                for (target, id) in &plan.declarations {
                    declare.execute(params![team, target, id])?;
                }
                let mut conflict =
                    tx.prepare_cached("INSERT INTO conflicts(team_id, op_id, body) VALUES (?1, ?2, ?3)")?;
                for (id, body) in &plan.conflicts {
                    conflict.execute(params![team, id, body])?;
                }
            }
            tx.execute("UPDATE teams SET next_seq = ?2 WHERE id = ?1", params![team, plan.next_seq])?;
            tx.commit()?;
            Ok(PushOutcome { acks: plan.acks, max_seq: plan.next_seq - 1 })
        })
        .await
    }

    pub async fn pull(&self, team: i64, after: i64, limit: u32, max_bytes: usize) -> Result<Page> {
        self.run(move |c| {
            let tx = c.transaction()?;
            let epoch = read_epoch(&tx)?;
            let max_seq: i64 = tx.query_row("SELECT next_seq - 1 FROM teams WHERE id = ?1", [team], |r| r.get(0))?;
            let ops = {
                let mut stmt = tx.prepare_cached(
                    "SELECT seq, body FROM ops WHERE team_id = ?1 AND seq > ?2
                     ORDER BY seq LIMIT ?3",
                )?;
                let mut rows = stmt.query(params![team, after, limit])?;
                let (mut ops, mut bytes) = (Vec::new(), 0usize);
                // The first op always; later ones while the page stays within max_bytes.
                while let Some(row) = rows.next()? {
                    let body: String = row.get(1)?;
                    if !ops.is_empty() && bytes.saturating_add(body.len()) > max_bytes {
                        break;
                    }
                    bytes = bytes.saturating_add(body.len());
                    ops.push((row.get::<_, i64>(0)?, body));
                }
                ops
            };
            tx.commit()?;
            let last = ops.last().map_or(after, |o| o.0);
            Ok(Page { epoch, more: last < max_seq, ops, max_seq })
        })
        .await
    }

    pub async fn max_seq(&self, team: i64) -> Result<i64> {
        self.run(move |c| Ok(c.query_row("SELECT next_seq - 1 FROM teams WHERE id = ?1", [team], |r| r.get(0))?)).await
    }

    pub async fn conflict_count(&self, team: i64) -> Result<(i64, i64)> {
        self.run(move |c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM conflicts WHERE team_id = ?1),
                        COALESCE((SELECT dropped FROM conflicts_dropped WHERE team_id = ?1), 0)",
                [team],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .await
    }
}

fn read_epoch(c: &Connection) -> rusqlite::Result<String> {
    c.query_row("SELECT value FROM server_meta WHERE key = 'epoch'", [], |r| r.get(0))
}

fn team_id(c: &Connection, team: &str) -> Result<i64> {
    c.query_row("SELECT id FROM teams WHERE name = ?1", [team], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StorageError::NotFound(format!("no team {team:?} (admin create-team first)")))
}
