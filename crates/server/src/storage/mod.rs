//! The server's database: teams, members, hashed tokens, the per-team op log and the
//! conflicts table, on embedded SQLite (default) or PostgreSQL (bigger teams, several
//! server instances). Both backends share the push planning in [`plan_push`], so
//! idempotency and conflict rules cannot drift apart. Both cap a pulled page in bytes
//! as well as ops, and keep at most [`MAX_CONFLICTS_PER_TEAM`] conflict records per
//! team (a trigger counts the rest in `conflicts_dropped`).
mod pg_tls;
mod postgres;
mod sqlite;

use crate::auth::Principal;
use crate::wake::Waiters;
use firebreak_core::ids::OpId;
use firebreak_sync::wire::{AckStatus, OpAck};
use std::collections::HashMap;
use std::sync::Weak;
use thiserror::Error;

pub use postgres::PgStorage;
pub use sqlite::SqliteStorage;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("postgres pool: {0}")]
    Pool(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Exists(String),
    #[error("{0}")]
    BadUrl(String),
    #[error("background task failed: {0}")]
    Task(String),
    #[error("{0}")]
    File(String),
}

/// Conflict records kept per team; further conflicts are only counted, so a member
/// pushing different content under known ids cannot grow the database without bound.
pub const MAX_CONFLICTS_PER_TEAM: i64 = 1_000;

/// A team's conflicting pushes: records kept, and those only counted past the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConflictCount {
    pub stored: i64,
    pub dropped: i64,
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// The outcome of one push: an ack per op in request order, and the newest sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOutcome {
    pub acks: Vec<OpAck>,
    pub max_seq: i64,
}

/// A page of stored ops (sequence, JSON body as pushed) after a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub epoch: String,
    pub ops: Vec<(i64, String)>,
    pub max_seq: i64,
    pub more: bool,
}

/// One op of a push, as admitted by the HTTP layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedOp {
    pub id: OpId,
    /// The op's JSON text as received.
    pub body: String,
    /// For a `declare`: the incident it declares. A team has one declaration per
    /// incident; a second one (another op id) is refused.
    pub declares: Option<String>,
}

/// What a push writes, decided from what the team already has.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct PushPlan {
    /// (seq, op id, body) rows for the op log.
    pub inserts: Vec<(i64, String, String)>,
    /// (incident, op id) of new declarations.
    pub declarations: Vec<(String, String)>,
    /// (op id, body) of ops whose id is taken by different content.
    pub conflicts: Vec<(String, String)>,
    pub acks: Vec<OpAck>,
    pub next_seq: i64,
}

/// Decides a push: new ids get the next sequences in request order; a known id with
/// the same body is a duplicate; with another body, a conflict; a new declaration of an
/// incident the team has declared under another op is rejected. `existing` maps the
/// pushed ids the team already has to their (seq, body); `declared` maps the incidents
/// the pushed declarations name to the op that declared them.
pub(crate) fn plan_push(
    mut existing: HashMap<OpId, (i64, String)>,
    mut declared: HashMap<String, String>,
    next_seq: i64,
    ops: &[PushedOp],
) -> PushPlan {
    let mut plan = PushPlan { next_seq, ..PushPlan::default() };
    for PushedOp { id, body, declares } in ops {
        let first = declares.as_ref().and_then(|t| declared.get(t)).filter(|first| **first != id.to_string());
        if let (Some(first), None) = (first, existing.get(id)) {
            plan.acks.push(OpAck {
                op_id: *id,
                seq: 0,
                status: AckStatus::Rejected,
                reason: Some(format!("declares an incident the team already has (declared by op {first})")),
            });
            continue;
        }
        let status = match existing.get(id) {
            Some((seq, stored)) => {
                let status = if stored == body {
                    AckStatus::Duplicate
                } else {
                    plan.conflicts.push((id.to_string(), body.clone()));
                    AckStatus::Conflict
                };
                OpAck { op_id: *id, seq: *seq, status, reason: None }
            }
            None => {
                let seq = plan.next_seq;
                plan.next_seq += 1;
                plan.inserts.push((seq, id.to_string(), body.clone()));
                existing.insert(*id, (seq, body.clone()));
                if let Some(target) = declares {
                    declared.insert(target.clone(), id.to_string());
                    plan.declarations.push((target.clone(), id.to_string()));
                }
                OpAck { op_id: *id, seq, status: AckStatus::Stored, reason: None }
            }
        };
        plan.acks.push(status);
    }
    plan
}

/// One of the two backends, chosen by the `--db` URL.
pub enum Storage {
    Sqlite(SqliteStorage),
    Postgres(PgStorage),
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Storage::Sqlite($s) => $e,
            Storage::Postgres($s) => $e,
        }
    };
}

impl Storage {
    /// Opens `sqlite://PATH`, `sqlite::memory:` or `postgres://…` and migrates it.
    pub async fn open(url: &str) -> Result<Self> {
        if url == "sqlite::memory:" {
            return Ok(Storage::Sqlite(SqliteStorage::open_in_memory().await?));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok(Storage::Sqlite(SqliteStorage::open(path).await?));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Storage::Postgres(PgStorage::open(url).await?));
        }
        Err(StorageError::BadUrl("--db must be sqlite://PATH, sqlite::memory: or postgres://USER@HOST/DB".into()))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Storage::Sqlite(_) => "sqlite",
            Storage::Postgres(_) => "postgres",
        }
    }

    pub async fn create_team(&self, team: &str) -> Result<()> {
        dispatch!(self, s => s.create_team(team).await)
    }

    pub async fn add_member(&self, team: &str, person: &str) -> Result<()> {
        dispatch!(self, s => s.add_member(team, person).await)
    }

    /// Issues a token for a member and returns it; only its hash is kept.
    pub async fn issue_token(&self, team: &str, person: &str) -> Result<String> {
        let token = crate::auth::new_token();
        let hash = crate::auth::token_hash(&token);
        dispatch!(self, s => s.insert_token(team, person, &hash).await)?;
        Ok(token)
    }

    /// Revokes every live token of a member; returns how many.
    pub async fn revoke_tokens(&self, team: &str, person: &str) -> Result<u64> {
        dispatch!(self, s => s.revoke_tokens(team, person).await)
    }

    /// Gives the database a new epoch (run after restoring a backup: every client then
    /// re-pushes its ops and pulls from zero). Returns the new epoch.
    pub async fn rotate_epoch(&self) -> Result<String> {
        let epoch = new_epoch();
        dispatch!(self, s => s.set_epoch(&epoch).await)?;
        Ok(epoch)
    }

    pub async fn epoch(&self) -> Result<String> {
        dispatch!(self, s => s.epoch().await)
    }

    /// The member behind a live token, if any.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>> {
        let hash = crate::auth::token_hash(token);
        dispatch!(self, s => s.authenticate(&hash).await)
    }

    /// Stores admitted ops for a team in one transaction.
    pub async fn push(&self, team_id: i64, ops: Vec<PushedOp>) -> Result<PushOutcome> {
        dispatch!(self, s => s.push(team_id, ops).await)
    }

    /// Ops after `after`: at most `limit`, and no more than `max_bytes` of op JSON
    /// (but always at least one op when there is one).
    pub async fn pull(&self, team_id: i64, after: i64, limit: u32, max_bytes: usize) -> Result<Page> {
        dispatch!(self, s => s.pull(team_id, after, limit, max_bytes).await)
    }

    /// Tells other server instances that the team's sequence moved (PostgreSQL
    /// `NOTIFY`; nothing to do for SQLite, which one instance serves).
    pub async fn announce(&self, team_id: i64) -> Result<()> {
        match self {
            Storage::Sqlite(_) => Ok(()),
            Storage::Postgres(s) => s.announce(team_id).await,
        }
    }

    /// Wakes `waiters` when another instance announces a push (PostgreSQL `LISTEN`).
    pub fn listen(&self, waiters: Weak<Waiters>) {
        if let Storage::Postgres(s) = self {
            s.listen(waiters);
        }
    }

    /// The team's newest sequence (0 when empty).
    pub async fn max_seq(&self, team_id: i64) -> Result<i64> {
        dispatch!(self, s => s.max_seq(team_id).await)
    }

    /// How many conflicting pushes the team has had: kept, and counted past the cap.
    pub async fn conflict_count(&self, team_id: i64) -> Result<ConflictCount> {
        let (stored, dropped) = dispatch!(self, s => s.conflict_count(team_id).await)?;
        Ok(ConflictCount { stored, dropped })
    }
}

/// A fresh random epoch: 128 bits, hex.
pub(crate) fn new_epoch() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Team and person names: 1–64 characters of letters, digits, `.`, `_`, `-`, `@`.
pub fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(StorageError::BadUrl(format!("{what} {name:?} must be 1-64 letters, digits, '.', '_', '-' or '@'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_sequences_new_ops_and_sorts_out_retries_and_conflicts() {
        let existing = HashMap::from([(OpId(1), (4, "a".to_string()))]);
        let op = |id: u128, body: &str| PushedOp { id: OpId(id), body: body.into(), declares: None };
        let ops = vec![op(1, "a"), op(2, "b"), op(1, "x"), op(2, "b"), op(3, "c")];
        let plan = plan_push(existing, HashMap::new(), 5, &ops);
        let statuses: Vec<(u128, i64, AckStatus)> = plan.acks.iter().map(|a| (a.op_id.0, a.seq, a.status)).collect();
        assert_eq!(
            statuses,
            vec![
                (1, 4, AckStatus::Duplicate),
                (2, 5, AckStatus::Stored),
                (1, 4, AckStatus::Conflict),
                (2, 5, AckStatus::Duplicate),
                (3, 6, AckStatus::Stored),
            ]
        );
        assert_eq!(plan.inserts.len(), 2);
        assert_eq!(plan.conflicts, vec![(OpId(1).to_string(), "x".to_string())]);
        assert_eq!(plan.next_seq, 7);
    }

    #[test]
    fn a_second_declaration_of_an_incident_is_rejected_and_a_retry_of_the_first_is_not() {
        let declare = |id: u128, target: &str| PushedOp {
            id: OpId(id),
            body: format!("d{id}"),
            declares: Some(target.to_string()),
        };
        let existing = HashMap::from([(OpId(1), (1, "d1".to_string()))]);
        let declared = HashMap::from([("inc-a".to_string(), OpId(1).to_string())]);
        let ops = vec![declare(1, "inc-a"), declare(2, "inc-a"), declare(3, "inc-b"), declare(4, "inc-b")];
        let plan = plan_push(existing, declared, 2, &ops);
        let statuses: Vec<AckStatus> = plan.acks.iter().map(|a| a.status).collect();
        assert_eq!(statuses, vec![AckStatus::Duplicate, AckStatus::Rejected, AckStatus::Stored, AckStatus::Rejected]);
        assert!(plan.acks[1].reason.as_deref().unwrap_or("").contains("already"));
        assert_eq!(plan.declarations, vec![("inc-b".to_string(), OpId(3).to_string())]);
        assert_eq!(plan.next_seq, 3);
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("team", "sre-eu.1").is_ok());
        assert!(check_name("team", "").is_err());
        assert!(check_name("team", "a/b").is_err());
        assert!(check_name("person", &"x".repeat(65)).is_err());
    }
}
