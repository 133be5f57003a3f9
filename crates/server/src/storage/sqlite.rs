//! The embedded SQLite backend: one writer connection and a few read-only ones (WAL
//! lets them read while the writer commits), each used from `spawn_blocking` so the
//! async runtime never waits on disk. A request waits for a free connection
//! asynchronously, so a thousand waiting laptops take no thread each, and a pull or a
//! token check never waits behind a push's fsync (`synchronous=FULL`). Writes take
//! SQLite's single writer lock (`BEGIN IMMEDIATE`), which serialises sequence
//! allocation; a reader's transaction sees a prefix of the committed sequence.
//! The database file and its `-wal`/`-shm` companions are owner-only (0600): they
//! hold every team's record and the token hashes.
use super::{
    check_name, new_epoch, plan_push, Page, PushOutcome, PushedOp, Result, StorageError, MAX_CONFLICTS_PER_TEAM,
};
use crate::auth::Principal;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Read-only connections beside the writer: pulls and token checks of many laptops at
/// once, without a thread or a connection per laptop.
pub const READERS: usize = 4;

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
    writer: Arc<Mutex<Connection>>,
    /// Empty for an in-memory database (one connection sees it): reads use the writer.
    readers: Arc<Vec<Arc<Mutex<Connection>>>>,
    next_reader: Arc<AtomicUsize>,
}

impl SqliteStorage {
    pub async fn open(path: &str) -> Result<Self> {
        let path = std::path::PathBuf::from(path);
        let conn = tokio::task::spawn_blocking(move || -> Result<(Connection, Vec<Connection>)> {
            owner_only(&path)?;
            let conn = Connection::open(&path)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // The -wal and -shm files now exist; an older database's may be wider.
            owner_only(&path)?;
            let readers = (0..READERS).map(|_| open_reader(&path)).collect::<Result<Vec<_>>>()?;
            Ok((conn, readers))
        })
        .await
        .map_err(|e| StorageError::Task(e.to_string()))??;
        Self::init(conn.0, conn.1).await
    }

    pub async fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, Vec::new()).await
    }

    async fn init(conn: Connection, readers: Vec<Connection>) -> Result<Self> {
        let s = SqliteStorage {
            writer: Arc::new(Mutex::new(conn)),
            readers: Arc::new(readers.into_iter().map(|c| Arc::new(Mutex::new(c))).collect()),
            next_reader: Arc::default(),
        };
        s.write(|c| {
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

    /// Runs `f` on the writer connection in the blocking pool, once it is free.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let guard = self.writer.clone().lock_owned().await;
        blocking(guard, f).await
    }

    /// Runs `f` on a free read-only connection (the writer for an in-memory database):
    /// the first free one, else waits for the next in turn.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        if self.readers.is_empty() {
            return self.write(f).await;
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let n = self.readers.len();
        let free = (0..n).find_map(|i| self.readers[(start + i) % n].clone().try_lock_owned().ok());
        let guard = match free {
            Some(g) => g,
            None => self.readers[start % n].clone().lock_owned().await,
        };
        blocking(guard, f).await
    }

    pub async fn create_team(&self, team: &str) -> Result<()> {
        check_name("team", team)?;
        let team = team.to_string();
        self.write(move |c| {
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
        self.write(move |c| {
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
        self.write(move |c| {
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
        self.write(move |c| {
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
        self.write(move |c| {
            c.execute("UPDATE server_meta SET value = ?1 WHERE key = 'epoch'", [epoch])?;
            Ok(())
        })
        .await
    }

    pub async fn epoch(&self) -> Result<String> {
        self.read(|c| Ok(read_epoch(c)?)).await
    }

    pub async fn authenticate(&self, hash: &str) -> Result<Option<Principal>> {
        let hash = hash.to_string();
        self.read(move |c| {
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
        self.write(move |c| {
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
        self.read(move |c| {
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
        self.read(move |c| Ok(c.query_row("SELECT next_seq - 1 FROM teams WHERE id = ?1", [team], |r| r.get(0))?)).await
    }

    pub async fn conflict_count(&self, team: i64) -> Result<(i64, i64)> {
        self.read(move |c| {
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

/// Runs `f` with a connection taken from its lock, in the blocking pool; the lock is
/// given back when `f` returns (or panics).
async fn blocking<T: Send + 'static>(
    mut guard: OwnedMutexGuard<Connection>,
    f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || f(&mut guard)).await.map_err(|e| StorageError::Task(e.to_string()))?
}

/// A read-only connection to the database file (the writer has created and migrated it).
fn open_reader(path: &std::path::Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn read_epoch(c: &Connection) -> rusqlite::Result<String> {
    c.query_row("SELECT value FROM server_meta WHERE key = 'epoch'", [], |r| r.get(0))
}

fn team_id(c: &Connection, team: &str) -> Result<i64> {
    c.query_row("SELECT id FROM teams WHERE name = ?1", [team], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StorageError::NotFound(format!("no team {team:?} (admin create-team first)")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Holds the writer inside an open write transaction until `release` says so.
    async fn hold_writer(s: &SqliteStorage) -> (tokio::task::JoinHandle<Result<()>>, mpsc::Sender<()>) {
        let (held_tx, held_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let w = s.clone();
        let writer = tokio::spawn(async move {
            w.write(move |c| {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                tx.execute("UPDATE teams SET next_seq = next_seq", [])?;
                let _ = held_tx.send(());
                let _ = release_rx.recv();
                tx.commit()?;
                Ok(())
            })
            .await
        });
        tokio::task::spawn_blocking(move || held_rx.recv()).await.unwrap().unwrap();
        (writer, release_tx)
    }

    /// A push holds the writer through its fsync; token checks and pulls, which every
    /// waiting laptop makes, go to the read-only connections instead of queueing behind
    /// it. (With one connection for all, these reads could only finish after the
    /// release below, which they come before: the timeout would fire.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn token_checks_and_pulls_are_answered_while_a_write_is_in_progress() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path().join("s.db").to_str().unwrap()).await.unwrap();
        s.create_team("sre").await.unwrap();
        s.add_member("sre", "ana").await.unwrap();
        s.insert_token("sre", "ana", "hash").await.unwrap();
        let op = PushedOp { id: firebreak_core::ids::OpId(1), body: "{}".into(), declares: None };
        s.push(1, vec![op]).await.unwrap();

        let (writer, release) = hold_writer(&s).await;
        let mut reads = Vec::new();
        // More reads at once than there are read connections: they take turns.
        for _ in 0..3 * READERS {
            let (s1, s2) = (s.clone(), s.clone());
            reads.push(tokio::spawn(async move { s1.authenticate("hash").await.unwrap().is_some() }));
            reads.push(tokio::spawn(async move { s2.pull(1, 0, 10, 1 << 20).await.unwrap().ops.len() == 1 }));
        }
        let reads = async {
            let mut answered = 0;
            for r in reads {
                answered += usize::from(r.await.unwrap());
            }
            answered
        };
        let answered = tokio::time::timeout(std::time::Duration::from_secs(10), reads).await;
        release.send(()).unwrap();
        writer.await.unwrap().unwrap();
        assert_eq!(answered.ok(), Some(6 * READERS), "every read was answered while the writer was held");
    }

    /// An in-memory database has one connection: reads use the writer, and still work.
    #[tokio::test]
    async fn an_in_memory_database_reads_through_its_one_connection() {
        let s = SqliteStorage::open_in_memory().await.unwrap();
        s.create_team("sre").await.unwrap();
        assert!(s.readers.is_empty());
        assert_eq!(s.max_seq(1).await.unwrap(), 0);
    }
}
