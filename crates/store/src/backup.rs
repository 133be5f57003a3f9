//! Backups of a laptop's database, and restoring one, without ever leaving a half-written
//! file or a half-restored database.
//!
//! **Taking a backup** is `VACUUM INTO` a temporary file beside the target, then fsync and
//! rename (complete or absent), mode 0600. `VACUUM INTO` reads inside one read
//! transaction, so with WAL the copy is the database as of the last commit before it
//! started while the window or another process keeps writing (writers are not blocked).
//! The online backup API would also give a snapshot, but stepped in pieces it starts over
//! whenever another process writes between steps (a busy window could keep it from ever
//! finishing), and it copies pages verbatim, free pages included, which may still hold
//! the bytes of deleted rows; `VACUUM INTO` writes live rows only. The same function backs
//! up the team server's SQLite database.
//!
//! **Restoring** checks the file before anything is touched: an SQLite file, undamaged
//! (`quick_check`), with Firebreak's tables and a replica id, from a schema this build
//! knows. It is copied into a temporary file in the data directory, migrated there, then
//! written over the live database with SQLite's backup API in one step: one write
//! transaction on the live database, so the live file (and its `-wal`/`-shm`, which SQLite
//! keeps consistent) holds either the old record or the restored one, and a window that
//! has the database open simply sees a new commit. Renaming a file over the live
//! database would leave a running window writing into the unlinked old file, and a stale
//! `-wal` beside the new file would be replayed into it.
//!
//! **Replica identity.** A backup of this laptop keeps its replica id, and the incident
//! counter and hybrid clock stay at the later of the live and backed-up values, so no
//! human id or stamp this laptop already issued is issued again. A backup of another
//! laptop is restored only where this laptop has made no changes of its own (a new
//! laptop replacing a lost one), and then this laptop continues as that replica; onto a
//! laptop with changes of its own it is refused, since two laptops sharing one id would
//! issue the same incident ids and stamps. Where this laptop keeps its secrets (the
//! `secret.where.*` settings) is a fact of this laptop, not of the backup, and is kept.
use crate::atomic::TempFile;
use crate::migrate::KNOWN_SCHEMA;
use crate::store::{newest_stamp, restrict_to_owner, META_COUNTER, META_HLC, META_REPLICA};
use crate::{Result, StoreError};
use firebreak_core::hlc::HlcState;
use firebreak_core::ids::ReplicaId;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::io::{Read, Seek};
use std::path::Path;
use std::time::{Duration, Instant};

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// How long a restore waits for another process's write transaction to end.
const BUSY_WAIT: Duration = Duration::from_secs(10);

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The replica this laptop is after the restore.
    pub replica: ReplicaId,
    /// True when this data directory had another replica, or none: it now continues as
    /// the backup's.
    pub adopted: bool,
    /// Ops in the restored log.
    pub ops: u64,
}

/// Writes a consistent copy of the database behind `conn` to `dest` (complete or absent,
/// readable by its owner only); returns its size in bytes.
pub fn snapshot(conn: &Connection, dest: &Path) -> Result<u64> {
    let temp = temp_beside(dest)?;
    let Some(temp_str) = temp.path().to_str() else {
        return Err(StoreError::File(format!("{} is not a UTF-8 path", temp.path().display())));
    };
    conn.execute("VACUUM INTO ?1", [temp_str])?;
    let bytes = sync_file(temp.path())?;
    rename_into_place(temp, dest)?;
    Ok(bytes)
}

/// Replaces the database at `live` with the Firebreak backup `file` (see the module
/// comment); on any error the live database is untouched.
pub fn restore(live: &Path, file: &Path) -> Result<Restored> {
    let name = file.display().to_string();
    let not_ours = |why: &str| StoreError::Invalid(format!("{name} is not a Firebreak backup: {why}"));
    let mut source = std::fs::File::open(file).map_err(|e| StoreError::File(format!("cannot read {name}: {e}")))?;
    let mut magic = [0u8; 16];
    if source.read_exact(&mut magic).is_err() || &magic != SQLITE_MAGIC {
        return Err(not_ours("it is not an SQLite database"));
    }
    let dir = live.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| StoreError::DataDir { path: dir.display().to_string(), why: e.to_string() })?;

    // 1. A private copy in the data directory, checked and migrated there.
    let temp = temp_beside(live)?;
    {
        let mut out = std::fs::OpenOptions::new().write(true).open(temp.path()).map_err(file_err(temp.path()))?;
        source
            .rewind()
            .and_then(|()| std::io::copy(&mut source, &mut out))
            .and_then(|_| out.sync_all())
            .map_err(|e| StoreError::File(format!("cannot copy {name}: {e}")))?;
    }
    let cand = Connection::open_with_flags(temp.path(), OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let check: String = cand.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|e| not_ours(&e.to_string()))?;
    if check != "ok" {
        return Err(not_ours(&format!("the database is damaged ({check})")));
    }
    let version: i64 = cand.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > KNOWN_SCHEMA {
        return Err(StoreError::Invalid(format!(
            "{name} was written by a newer Firebreak (schema {version}, this build knows up to {KNOWN_SCHEMA}); \
             restore it with that version or later"
        )));
    }
    let tables: i64 = cand.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'ops')",
        [],
        |r| r.get(0),
    )?;
    if version < 1 || tables != 2 {
        return Err(not_ours("an SQLite database without Firebreak's tables"));
    }
    let replica = meta(&cand, META_REPLICA)?
        .and_then(|s| s.parse::<ReplicaId>().ok())
        .ok_or_else(|| not_ours("it has no replica id"))?;
    cand.pragma_update(None, "journal_mode", "DELETE")?;
    // Migrated and its projections refolded here, so a window that has the live database
    // open reads the current layout at once.
    let mut cand = crate::Store::init(cand)
        .map_err(|e| not_ours(&format!("it cannot be brought to this build's schema ({e})")))?
        .conn;

    // 2. This laptop's identity, counter, clock and secret locations.
    let live_exists = live.exists();
    let open_live = || -> Result<Connection> {
        let c = Connection::open_with_flags(live, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        c.busy_timeout(BUSY_WAIT)?;
        Ok(c)
    };
    let unreadable = |e: StoreError| {
        StoreError::File(format!(
            "the current database {} cannot be read ({e}); move it aside and restore again",
            live.display()
        ))
    };
    let here = if live_exists { open_live().and_then(|c| LiveFacts::read(&c)).map_err(unreadable)? } else { None };
    let adopted = match &here {
        Some(h) if h.replica == replica => {
            let tx = cand.transaction()?;
            let counter: u64 = meta(&tx, META_COUNTER)?.and_then(|s| s.parse().ok()).unwrap_or(0);
            set_meta(&tx, META_COUNTER, &counter.max(h.counter).to_string())?;
            let hlc: HlcState = meta(&tx, META_HLC)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
            // The clock is the saved state or the newest op's stamp, whichever is later
            // (see `read_hlc`); the live database's newest ops are not in the backup.
            let later = HlcState { last: hlc.last.max(newest_stamp(&tx)?).max(h.hlc.last) };
            set_meta(&tx, META_HLC, &serde_json::to_string(&later).map_err(crate::store::corrupt)?)?;
            tx.commit()?;
            false
        }
        Some(h) if h.own_changes => {
            return Err(StoreError::Invalid(format!(
                "{name} is a backup of another laptop (replica {}) and this laptop (replica {}) has changes of its \
                 own: two laptops sharing one replica would issue the same incident ids; restore it into an empty \
                 data directory on the laptop that replaces that one",
                replica.tag(),
                h.replica.tag()
            )))
        }
        _ => true,
    };
    if let Some(h) = &here {
        let tx = cand.transaction()?;
        tx.execute("DELETE FROM settings WHERE key LIKE 'secret.where.%'", [])?;
        for (k, v) in &h.secret_places {
            tx.execute("INSERT INTO settings(key, value) VALUES (?1, ?2)", params![k, v])?;
        }
        tx.commit()?;
    }
    let ops: i64 = cand.query_row("SELECT count(*) FROM ops", [], |r| r.get(0))?;
    let mut dest = if live_exists {
        open_live()?
    } else {
        let c = Connection::open(live)?;
        restrict_to_owner(live)?;
        c.pragma_update(None, "journal_mode", "WAL")?;
        c.busy_timeout(BUSY_WAIT)?;
        c
    };
    // 3. One write transaction on the live database.
    let written = match_page_size(&cand, &dest).and_then(|()| write_over(&cand, &mut dest, live));
    drop(dest);
    if written.is_err() && !live_exists {
        // The empty database made to restore into goes too: nothing is left behind.
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = live.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
    written?;
    restrict_to_owner(live)?;
    Ok(Restored { replica, adopted, ops: ops.max(0) as u64 })
}

/// Gives `cand` the page size of `dest`: the backup API cannot write pages of another
/// size into a WAL database.
fn match_page_size(cand: &Connection, dest: &Connection) -> Result<()> {
    let page: i64 = dest.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let cand_page: i64 = cand.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    if page != cand_page {
        cand.pragma_update(None, "page_size", page)?;
        cand.execute_batch("VACUUM")?;
    }
    Ok(())
}

/// Copies every page of `cand` over `dest` in one backup-API step (one write transaction
/// on `dest`), waiting out another process's write for up to [`BUSY_WAIT`].
fn write_over(cand: &Connection, dest: &mut Connection, live: &Path) -> Result<()> {
    let backup = Backup::new(cand, dest)?;
    let started = Instant::now();
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if started.elapsed() > BUSY_WAIT => {
                return Err(StoreError::File(format!(
                    "the database {} stayed busy for {} s; nothing was restored, try again",
                    live.display(),
                    BUSY_WAIT.as_secs()
                )))
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// What restoring needs to know of the live database.
struct LiveFacts {
    replica: ReplicaId,
    counter: u64,
    hlc: HlcState,
    own_changes: bool,
    secret_places: Vec<(String, String)>,
}

impl LiveFacts {
    /// `None` for a database that has no replica yet (created but never opened by Firebreak).
    fn read(conn: &Connection) -> Result<Option<LiveFacts>> {
        let has_meta: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
            [],
            |r| r.get(0),
        )?;
        if !has_meta {
            return Ok(None);
        }
        let Some(replica) = meta(conn, META_REPLICA)? else {
            return Ok(None);
        };
        let replica: ReplicaId =
            replica.parse().map_err(|e: firebreak_core::CoreError| StoreError::Corrupt(e.to_string()))?;
        let counter = meta(conn, META_COUNTER)?.and_then(|s| s.parse().ok()).unwrap_or(0);
        let saved: HlcState = meta(conn, META_HLC)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        let hlc = HlcState { last: saved.last.max(newest_stamp(conn)?) };
        let own_changes =
            conn.query_row("SELECT EXISTS(SELECT 1 FROM ops WHERE replica = ?1)", [replica.to_string()], |r| r.get(0))?;
        let mut stmt = conn.prepare("SELECT key, value FROM settings WHERE key LIKE 'secret.where.%'")?;
        let secret_places =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(LiveFacts { replica, counter, hlc, own_changes, secret_places }))
    }
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn file_err(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::File(format!("{}: {e}", path.display()))
}

/// fsyncs a file; returns its length.
fn sync_file(path: &Path) -> Result<u64> {
    let f = std::fs::File::open(path).map_err(file_err(path))?;
    f.sync_all().map_err(file_err(path))?;
    Ok(f.metadata().map_err(file_err(path))?.len())
}

/// A temporary file beside `dest`, owner-only (the one implementation: crate::atomic).
fn temp_beside(dest: &Path) -> Result<TempFile> {
    TempFile::create_beside(dest, 0o600).map_err(|e| {
        let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        StoreError::File(format!("cannot write in {}: {e}", dir.display()))
    })
}

/// Renames `temp` over `dest` (fsynced, and the folder too).
fn rename_into_place(temp: TempFile, dest: &Path) -> Result<()> {
    temp.rename_to(dest).map_err(|e| StoreError::File(format!("cannot write {}: {e}", dest.display())))
}
