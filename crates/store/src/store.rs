//! [`Store`]: opening, committing local ops, applying remote ops, reading projections.
use crate::migrate::migrate;
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use firebreak_core::hlc::{Hlc, HlcState};
use firebreak_core::ids::{human_id, IncidentId, OpId, ReplicaId};
use firebreak_core::incident::Incident;
use firebreak_core::op::{Declare, Op, OpPayload};
use firebreak_core::validate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::path::Path;

pub struct Store {
    pub(crate) conn: Connection,
    /// How many whole incidents this store has read (see [`Store::incidents_read`]).
    incidents_read: std::sync::atomic::AtomicU64,
    /// Transactions committed (see [`Store::commits`]), counted by SQLite's commit hook.
    commits: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The listing columns of an incident, read without unfolding its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRow {
    pub id: IncidentId,
    pub human_id: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub drill: bool,
    pub detected_at: Option<DateTime<Utc>>,
    /// The incident's version, for what is cached per incident: the local arrival number
    /// of the newest op that rewrote its head or added a timeline entry (a revision or a
    /// pin moves no clock and leaves it).
    pub last_seq: i64,
    /// The clock view cached at exactly `last_seq` (see [`Store::save_clock_views`]);
    /// `None` when there is none or it is stale.
    pub clock_view: Option<String>,
}

pub(crate) const META_REPLICA: &str = "replica_id";
pub(crate) const META_HLC: &str = "hlc_last";
pub(crate) const META_COUNTER: &str = "incident_counter";
/// The layout of the projections (see [`project_all`]); another value rebuilds them.
const META_PROJECTION_FORMAT: &str = "projection_format";
const PROJECTION_FORMAT: &str = "4";

impl Store {
    /// Opens (creating if needed) the database at `path`, applies migrations, and gives
    /// this database a replica id on first use.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::DataDir { path: dir.display().to_string(), why: e.to_string() })?;
        }
        let conn = Connection::open(path)?;
        restrict_to_owner(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::init(conn)
    }

    /// A private in-memory database, for tests.
    pub fn in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    pub(crate) fn init(mut conn: Connection) -> Result<Self> {
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Every statement on the write and read paths is prepared once per connection.
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn)?;
        crate::outbox::init(&conn)?;
        let commits = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = commits.clone();
        conn.commit_hook(Some(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            false // let the commit go ahead
        }));
        let mut store = Store { conn, incidents_read: Default::default(), commits };
        if store.meta(META_PROJECTION_FORMAT)?.as_deref() != Some(PROJECTION_FORMAT) {
            // Projections written by an older layout (or none yet): fold them afresh.
            store.rebuild_projections()?;
        }
        if store.meta(META_REPLICA)?.is_none() {
            let replica = ReplicaId(rand::random::<u128>());
            store
                .conn
                .execute("INSERT INTO meta(key, value) VALUES (?1, ?2)", params![META_REPLICA, replica.to_string()])?;
        }
        Ok(store)
    }

    /// Writes a consistent copy of this database to `dest` while others may write to it:
    /// complete or absent, readable by its owner only (see [`crate::backup`]). Returns
    /// its size in bytes.
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        crate::backup::snapshot(&self.conn, dest)
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn replica_id(&self) -> Result<ReplicaId> {
        let s = self.meta(META_REPLICA)?.ok_or_else(|| StoreError::Corrupt("no replica id".into()))?;
        s.parse().map_err(|e: firebreak_core::CoreError| StoreError::Corrupt(e.to_string()))
    }

    /// Writes a local op: stamps it, logs it, queues it for the server and folds it into
    /// the projection, all in one transaction.
    pub fn commit(&mut self, now: DateTime<Utc>, author: &str, target: IncidentId, payload: OpPayload) -> Result<Op> {
        let tx = self.conn.transaction()?;
        let op = stamp_op(&tx, now, author, target, payload)?;
        write_op(&tx, &op)?;
        tx.commit()?;
        Ok(op)
    }

    /// Declares an incident: allocates its human id from this replica's counter in the
    /// same transaction that writes the declare op.
    pub fn declare(
        &mut self,
        now: DateTime<Utc>,
        author: &str,
        build: impl FnOnce(String) -> Declare,
    ) -> Result<(IncidentId, Op)> {
        let tx = self.conn.transaction()?;
        let id = new_incident_id(now);
        let op = stamp_op(&tx, now, author, id, OpPayload::Declare(build(next_human_id(&tx)?)))?;
        write_op(&tx, &op)?;
        tx.commit()?;
        Ok((id, op))
    }

    /// Writes several local ops in one transaction (an import, a review that also closes
    /// its incident): all of them, or none. A `Declare` whose human id is empty gets
    /// the next one from this replica's counter.
    pub fn commit_all(
        &mut self,
        now: DateTime<Utc>,
        author: &str,
        ops: Vec<(IncidentId, OpPayload)>,
    ) -> Result<Vec<Op>> {
        self.commit_planned(now, author, ops.into_iter().map(|(t, p)| (None, t, p)).collect())
    }

    /// A fresh random op id, for ops that must be referred to by others written in the
    /// same [`Store::commit_planned`] call.
    pub fn new_op_id() -> OpId {
        OpId(rand::random::<u128>())
    }

    /// Like [`Store::commit_all`], with op ids chosen by the caller where given.
    pub fn commit_planned(
        &mut self,
        now: DateTime<Utc>,
        author: &str,
        ops: Vec<(Option<OpId>, IncidentId, OpPayload)>,
    ) -> Result<Vec<Op>> {
        let tx = self.conn.transaction()?;
        let mut stamper = Stamper::read(&tx)?;
        let mut out = Vec::with_capacity(ops.len());
        // Log every op, then fold each incident's ops into its projection once: an
        // import of n entries costs n row writes, not n rewrites of a growing incident.
        let mut by_incident: std::collections::BTreeMap<IncidentId, Vec<(i64, Op)>> = Default::default();
        for (op_id, target, mut payload) in ops {
            if let OpPayload::Declare(d) = &mut payload {
                if d.human_id.is_empty() {
                    d.human_id = next_human_id(&tx)?;
                }
            }
            let mut op = stamper.stamp(&tx, now, author, target, payload)?;
            if let Some(id) = op_id {
                op.op_id = id;
            }
            if let Some(seq) = log_op(&tx, &op)? {
                by_incident.entry(target).or_default().push((seq, op.clone()));
            }
            out.push(op);
        }
        stamper.save(&tx)?;
        for (target, ops) in &by_incident {
            project_all(&tx, *target, ops)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// A new incident id (UUIDv7) for `now`.
    pub fn new_incident_id(now: DateTime<Utc>) -> IncidentId {
        new_incident_id(now)
    }

    /// Applies ops that came from elsewhere, exactly as a pulled page would: each is
    /// validated, the valid ones applied, the rest held (see [`crate::held`]). Ops
    /// already present are skipped. All-or-nothing.
    pub fn apply_remote(&mut self, ops: &[Op], now: DateTime<Utc>) -> Result<crate::Intake> {
        let bodies = ops.iter().map(serde_json::to_string).collect::<Result<Vec<_>, _>>().map_err(corrupt)?;
        self.apply_remote_bodies(&bodies, now)
    }

    /// Like [`Store::apply_remote`], for op bodies as received (JSON text).
    pub fn apply_remote_bodies<B: AsRef<str>>(&mut self, bodies: &[B], now: DateTime<Utc>) -> Result<crate::Intake> {
        let tx = self.conn.transaction()?;
        let mut hlc = read_hlc(&tx)?;
        let (intake, _) = crate::held::take_in(&tx, bodies, now, &mut hlc)?;
        write_meta(&tx, META_HLC, &serde_json::to_string(&hlc).map_err(corrupt)?)?;
        tx.commit()?;
        Ok(intake)
    }

    pub fn incident(&self, id: IncidentId) -> Result<Option<Incident>> {
        let id = id.to_string();
        let state: Option<String> = self
            .conn
            .query_row("SELECT state FROM incidents WHERE id = ?1 AND declared = 1", [&id], |r| r.get(0))
            .optional()?;
        self.incidents_read.fetch_add(u64::from(state.is_some()), std::sync::atomic::Ordering::Relaxed);
        state.map(|s| load_incident(&self.conn, &s, &id)).transpose()
    }

    /// How many whole incidents (state, every timeline entry and revision) this store has
    /// read since it was opened: the tests' measure that an append does not read the
    /// incident it appends to, whatever its size.
    pub fn incidents_read(&self) -> u64 {
        self.incidents_read.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Finds an incident by human id (`INC-…`, any case), internal id, or a unique prefix
    /// of the internal id (at least 8 characters).
    pub fn find(&self, key: &str) -> Result<Incident> {
        let (id, _) = self.find_key(key)?;
        self.incident(id)?.ok_or_else(|| StoreError::NotFound(format!("no incident {key:?}")))
    }

    /// Like [`Store::find`], but only the incident's id and human id: one indexed read,
    /// whatever the incident's size (for appends, which need nothing else).
    pub fn find_key(&self, key: &str) -> Result<(IncidentId, String)> {
        let key = key.trim();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, human_id FROM incidents WHERE declared = 1 AND (upper(human_id) = upper(?1) OR id = lower(?1)
             OR (length(?1) >= 8 AND id LIKE lower(?1) || '%'))",
        )?;
        let rows: Vec<(String, Option<String>)> =
            stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        match rows.as_slice() {
            [] => Err(StoreError::NotFound(format!("no incident {key:?} in this data directory"))),
            [(one, human)] => {
                let id = IncidentId::parse_str(one).map_err(corrupt)?;
                Ok((id, human.clone().unwrap_or_else(|| one.clone())))
            }
            many => Err(StoreError::Ambiguous(format!(
                "{key:?} names {} incidents ({}); use the internal id",
                many.len(),
                many.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// Declared incidents, newest detection first. A row with an unreadable column (a
    /// value of the wrong type, a detection time that does not parse, e.g. from a year
    /// past 9999 written by a peer) is degraded, not an error for the whole list: the
    /// column reads as empty (`detected_at` as unknown, `None`); a row whose id does not
    /// parse cannot be opened and is left out.
    pub fn list(&self) -> Result<Vec<IncidentRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.human_id, i.title, i.severity, i.status, i.drill, i.detected_at,
                    max(i.head_seq, coalesce((SELECT max(seq) FROM timeline_rows WHERE incident = i.id), 0)), c.seq, c.body
             FROM incidents i LEFT JOIN clock_views c ON c.incident = i.id
             WHERE i.declared = 1 ORDER BY i.detected_at DESC, i.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            let text = |i: usize| r.get::<_, Option<String>>(i).ok().flatten();
            let number = |i: usize| r.get::<_, Option<i64>>(i).ok().flatten();
            let (last_seq, cached_at) = (number(7).unwrap_or(0), number(8));
            let id = text(0).and_then(|id| IncidentId::parse_str(&id).ok());
            Ok(id.map(|id| IncidentRow {
                id,
                human_id: text(1).unwrap_or_default(),
                title: text(2).unwrap_or_default(),
                severity: text(3).unwrap_or_default(),
                status: text(4).unwrap_or_default(),
                drill: r.get::<_, Option<bool>>(5).ok().flatten().unwrap_or(false),
                // RFC 3339 first; chrono's own form also reads years past 9999 (`+10000-…`).
                detected_at: text(6).and_then(|s| {
                    DateTime::parse_from_rfc3339(&s)
                        .map(|d| d.with_timezone(&Utc))
                        .or_else(|_| s.parse::<DateTime<Utc>>())
                        .ok()
                }),
                last_seq,
                clock_view: text(9).filter(|_| cached_at == Some(last_seq)),
            }))
        })?;
        // A row whose id does not parse cannot be opened: left out.
        Ok(rows.filter_map(|row| row.transpose()).collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every op in the log, in local arrival order.
    pub fn all_ops(&self) -> Result<Vec<Op>> {
        let mut stmt = self.conn.prepare("SELECT body FROM ops ORDER BY seq")?;
        let bodies = stmt.query_map([], |r| r.get::<_, String>(0))?;
        bodies.map(|b| serde_json::from_str(&b?).map_err(corrupt)).collect()
    }

    /// The newest op's local arrival number (0 when empty): a cursor for
    /// [`Store::incidents_changed_since`].
    pub fn op_cursor(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT coalesce(max(seq), 0) FROM ops", [], |r| r.get(0))?)
    }

    /// The incidents that ops arriving after `cursor` touched (from any process on this
    /// database), and the new cursor. One indexed read when nothing changed.
    pub fn incidents_changed_since(&self, cursor: i64) -> Result<(i64, Vec<IncidentId>)> {
        let now = self.op_cursor()?;
        if now == cursor {
            return Ok((cursor, Vec::new()));
        }
        // A log shorter than the cursor was replaced (a restore, by this process or
        // another): every incident it holds is news.
        let cursor = if now < cursor { 0 } else { cursor };
        let mut stmt = self.conn.prepare_cached("SELECT DISTINCT target FROM ops WHERE seq > ?1 AND seq <= ?2")?;
        let ids = stmt.query_map([cursor, now], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for id in ids {
            out.push(IncidentId::parse_str(&id?).map_err(corrupt)?);
        }
        Ok((now, out))
    }

    pub fn outbox_len(&self) -> Result<u64> {
        crate::outbox::len(&self.conn)
    }

    /// Throws the projections away and folds them again from the op log alone (each
    /// incident once).
    pub fn rebuild_projections(&mut self) -> Result<()> {
        let mut by_incident: std::collections::BTreeMap<IncidentId, Vec<(i64, Op)>> = Default::default();
        {
            let mut stmt = self.conn.prepare("SELECT seq, body FROM ops ORDER BY seq")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (seq, body) = row?;
                let op: Op = serde_json::from_str(&body).map_err(corrupt)?;
                by_incident.entry(op.target).or_default().push((seq, op));
            }
        }
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM incidents; DELETE FROM timeline_rows; DELETE FROM revision_rows; DELETE FROM pin_rows; DELETE FROM clock_views;",
        )?;
        for (target, ops) in &by_incident {
            project_all(&tx, *target, ops)?;
        }
        write_meta(&tx, META_PROJECTION_FORMAT, PROJECTION_FORMAT)?;
        tx.commit()?;
        Ok(())
    }
}

/// The database holds the sync token: only its owner may read it (and the directory).
/// SQLite creates the -wal and -shm files with the database file's permissions.
#[cfg(unix)]
pub(crate) fn restrict_to_owner(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
            .map_err(|e| StoreError::DataDir { path: p.display().to_string(), why: e.to_string() })
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        set(dir, 0o700)?;
    }
    set(path, 0o600)
}

#[cfg(not(unix))]
pub(crate) fn restrict_to_owner(_path: &Path) -> Result<()> {
    Ok(())
}

pub(crate) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub(crate) fn read_meta(tx: &Connection, key: &str) -> Result<Option<String>> {
    let mut stmt = tx.prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
    Ok(stmt.query_row([key], |r| r.get(0)).optional()?)
}

pub(crate) fn write_meta(tx: &Connection, key: &str, value: &str) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?;
    stmt.execute(params![key, value])?;
    Ok(())
}

/// A UUIDv7 from the given instant (the random bits come from the OS).
fn new_incident_id(now: DateTime<Utc>) -> IncidentId {
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, now.timestamp().max(0) as u64, now.timestamp_subsec_nanos());
    uuid::Uuid::new_v7(ts)
}

fn read_replica(tx: &Transaction<'_>) -> Result<ReplicaId> {
    read_meta(tx, META_REPLICA)?
        .ok_or_else(|| StoreError::Corrupt("no replica id".into()))?
        .parse()
        .map_err(|e: firebreak_core::CoreError| StoreError::Corrupt(e.to_string()))
}

/// This replica's hybrid clock: the later of the saved state (saved when ops from
/// elsewhere are taken in, and when the clock starts again, see [`Stamper::stamp`]) and
/// the stamp of the newest op in the log. A local op is the newest op, so writing one
/// never writes the clock too.
pub(crate) fn read_hlc(conn: &Connection) -> Result<HlcState> {
    let saved: HlcState =
        read_meta(conn, META_HLC)?.map(|s| serde_json::from_str(&s)).transpose().map_err(corrupt)?.unwrap_or_default();
    Ok(HlcState { last: saved.last.max(newest_stamp(conn)?) })
}

/// The stamp of the op that arrived last (a zero stamp for an empty log): one read at
/// the end of the log's index.
pub(crate) fn newest_stamp(conn: &Connection) -> Result<Hlc> {
    let mut stmt = conn.prepare_cached("SELECT wall_ms, counter FROM ops ORDER BY seq DESC LIMIT 1")?;
    let newest = stmt.query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))).optional()?;
    // Stored from u64/u32 (`wall_ms as i64`): read back the same bits; an out-of-range
    // counter (only a hand-edited row has one) saturates rather than stopping every write.
    Ok(newest.map_or_else(Hlc::default, |(wall, counter)| Hlc {
        wall_ms: wall as u64,
        counter: u32::try_from(counter.max(0)).unwrap_or(u32::MAX),
    }))
}

/// The next human id of this replica (`INC-<tag>-<n>`), counted inside `tx`.
fn next_human_id(tx: &Transaction<'_>) -> Result<String> {
    let replica = read_replica(tx)?;
    let counter: u64 = read_meta(tx, META_COUNTER)?.map_or(Ok(0), |s| s.parse()).map_err(corrupt)? + 1;
    write_meta(tx, META_COUNTER, &counter.to_string())?;
    Ok(human_id(replica, counter))
}

/// Stamps a local op and writes it (log, outbox, projection) inside `tx`.
pub(crate) fn stamp_and_write(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    author: &str,
    target: IncidentId,
    payload: OpPayload,
) -> Result<Op> {
    let op = stamp_op(tx, now, author, target, payload)?;
    write_op(tx, &op)?;
    Ok(op)
}

fn stamp_op(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    author: &str,
    target: IncidentId,
    payload: OpPayload,
) -> Result<Op> {
    let mut stamper = Stamper::read(tx)?;
    let op = stamper.stamp(tx, now, author, target, payload)?;
    stamper.save(tx)?;
    Ok(op)
}

/// This replica's id and hybrid clock, read once for a batch of local ops (an import
/// writes thousands), inside the batch's transaction. The clock needs no saving after
/// it (the batch's last op is the newest in the log, see [`read_hlc`]), unless it
/// started again.
struct Stamper {
    replica: ReplicaId,
    hlc: HlcState,
    /// The clock started again from the wall clock: save it, or the state pushed ahead
    /// would be read again.
    restarted: bool,
}

impl Stamper {
    fn read(tx: &Transaction<'_>) -> Result<Self> {
        Ok(Stamper { replica: read_replica(tx)?, hlc: read_hlc(tx)?, restarted: false })
    }

    fn save(&self, tx: &Transaction<'_>) -> Result<()> {
        if !self.restarted {
            return Ok(());
        }
        write_meta(tx, META_HLC, &serde_json::to_string(&self.hlc).map_err(corrupt)?)
    }

    /// The next local op: stamped, validated, and not a second declaration.
    fn stamp(
        &mut self,
        tx: &Transaction<'_>,
        now: DateTime<Utc>,
        author: &str,
        target: IncidentId,
        payload: OpPayload,
    ) -> Result<Op> {
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        // A clock state pushed far ahead (by a version that adopted any stamp it saw)
        // would make every local op invalid; start again from this clock instead.
        let limit = now.checked_add_signed(validate::MAX_STAMP_AHEAD).map_or(u64::MAX, |l| l.timestamp_millis() as u64);
        if self.hlc.last.wall_ms > limit {
            self.hlc.last = Hlc { wall_ms: now_ms, counter: 0 };
            self.restarted = true;
        }
        let op = Op {
            op_id: OpId(rand::random::<u128>()),
            replica: self.replica,
            hlc: self.hlc.tick(now_ms),
            author: author.to_string(),
            target,
            v: validate::OP_FORMAT,
            payload,
        };
        validate::validate(&op, now).map_err(|e| StoreError::Invalid(format!("{} refused: {e}", op.payload.name())))?;
        if let Some(first) = crate::held::second_declaration(tx, &op)? {
            return Err(StoreError::Invalid(format!("incident {target} is already declared (by op {first})")));
        }
        Ok(op)
    }
}

/// Logs a local op (once) and folds it into its incident's projection. Returns false
/// when the op was already in the log.
pub(crate) fn write_op(tx: &Transaction<'_>, op: &Op) -> Result<bool> {
    let Some(seq) = log_op(tx, op)? else {
        return Ok(false);
    };
    project_all(tx, op.target, &[(seq, op.clone())])?;
    Ok(true)
}

/// Logs an op (once), without touching the projection. A local op is queued for the
/// server by being logged (past the outbox mark, see `crate::outbox`); an op from
/// elsewhere must be logged between `outbox::settle` and `outbox::skip_to_end`.
/// Returns its number in the log (`ops.seq`), or `None` when it was already there.
pub(crate) fn log_op(tx: &Transaction<'_>, op: &Op) -> Result<Option<i64>> {
    let body = serde_json::to_string(op).map_err(corrupt)?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO ops(op_id, replica, wall_ms, counter, author, target, kind, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(op_id) DO NOTHING",
    )?;
    let inserted = insert.execute(params![
        op.op_id.to_string(),
        op.replica.to_string(),
        op.hlc.wall_ms as i64,
        op.hlc.counter,
        op.author,
        op.target.to_string(),
        op.payload.name(),
        body
    ])?;
    if inserted == 0 {
        return Ok(None);
    }
    Ok(Some(tx.last_insert_rowid()))
}

mod projection;
use projection::load_incident;
mod clock_views;
mod settings;
mod timeline_page;
pub(crate) use projection::project_all;
pub use timeline_page::{EntryKey, EntryPage};

#[cfg(test)]
mod tests;
