//! The PostgreSQL backend (tokio-postgres with a deadpool pool), for teams that run
//! several server instances or want their database managed. Sequences are allocated
//! under `SELECT … FOR UPDATE` on the team row inside the insert transaction: a second
//! pusher waits for the first to commit, so sequences become visible in order and a
//! reader's cursor never passes an op that commits later. A push is announced with
//! `NOTIFY` on [`CHANNEL`] (payload: the team id), and each instance `LISTEN`s on a
//! connection of its own to wake its held pulls. TLS settings come from the URL
//! (`pg_tls`).
use super::pg_tls::{self, PgTarget};
use super::{
    check_name, new_epoch, plan_push, Page, PushOutcome, PushedOp, Result, StorageError, MAX_CONFLICTS_PER_TEAM,
};
use crate::auth::Principal;
use crate::wake::Waiters;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use firebreak_core::ids::OpId;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Weak;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{AsyncMessage, NoTls, Socket};

/// The NOTIFY channel on which pushes announce that a team's sequence moved.
pub const CHANNEL: &str = "firebreak_seq";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    next_seq   BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS members (
    team_id    BIGINT NOT NULL REFERENCES teams(id),
    person     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, person)
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    team_id    BIGINT NOT NULL,
    person     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ,
    FOREIGN KEY (team_id, person) REFERENCES members(team_id, person)
);
CREATE TABLE IF NOT EXISTS ops (
    team_id     BIGINT NOT NULL REFERENCES teams(id),
    seq         BIGINT NOT NULL,
    op_id       TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, seq),
    UNIQUE (team_id, op_id)
);
-- One declaration per incident and team: a second `declare` of an incident is refused.
CREATE TABLE IF NOT EXISTS declarations (
    team_id BIGINT NOT NULL REFERENCES teams(id),
    target  TEXT NOT NULL,
    op_id   TEXT NOT NULL,
    PRIMARY KEY (team_id, target)
);
CREATE TABLE IF NOT EXISTS conflicts (
    id          BIGSERIAL PRIMARY KEY,
    team_id     BIGINT NOT NULL REFERENCES teams(id),
    op_id       TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS conflicts_team ON conflicts(team_id);
CREATE TABLE IF NOT EXISTS conflicts_dropped (
    team_id BIGINT PRIMARY KEY REFERENCES teams(id),
    dropped BIGINT NOT NULL
);
";

/// Past [`MAX_CONFLICTS_PER_TEAM`] stored conflicts a team's further ones are only
/// counted (the push path needs no change: the trigger decides).
fn conflicts_cap_sql() -> String {
    format!(
        "CREATE OR REPLACE FUNCTION firebreak_conflicts_cap() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF (SELECT count(*) FROM conflicts WHERE team_id = NEW.team_id) >= {MAX_CONFLICTS_PER_TEAM} THEN
             INSERT INTO conflicts_dropped(team_id, dropped) VALUES (NEW.team_id, 1)
               ON CONFLICT (team_id) DO UPDATE SET dropped = conflicts_dropped.dropped + 1;
             RETURN NULL;
           END IF;
           RETURN NEW;
         END $$;
         DROP TRIGGER IF EXISTS conflicts_cap ON conflicts;
         CREATE TRIGGER conflicts_cap BEFORE INSERT ON conflicts
           FOR EACH ROW EXECUTE FUNCTION firebreak_conflicts_cap();"
    )
}

/// Serialises concurrent start-ups' migrations (`pg_advisory_xact_lock`).
const MIGRATION_LOCK: i64 = 0x4669_7265_6272_6b31;

#[derive(Clone)]
pub struct PgStorage {
    pool: Pool,
    /// For the listener's own connection.
    target: std::sync::Arc<PgTarget>,
}

/// A pool error with its causes ("… error performing TLS handshake: invalid peer
/// certificate: UnknownIssuer"), which say what to fix.
fn pool_err(e: impl std::error::Error) -> StorageError {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let c_text = c.to_string();
        if !text.contains(&c_text) {
            text.push_str(": ");
            text.push_str(&c_text);
        }
        cause = c.source();
    }
    StorageError::Pool(text)
}

impl PgStorage {
    pub async fn open(url: &str) -> Result<Self> {
        let target = pg_tls::parse(url)?;
        let mc = || ManagerConfig { recycling_method: RecyclingMethod::Fast };
        let mgr = match &target.tls {
            None => Manager::from_config(target.config.clone(), NoTls, mc()),
            Some(tls) => Manager::from_config(target.config.clone(), tls.clone(), mc()),
        };
        let pool = Pool::builder(mgr).max_size(16).build().map_err(pool_err)?;
        let s = PgStorage { pool, target: std::sync::Arc::new(target) };
        let mut client = s.pool.get().await.map_err(pool_err)?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        tx.batch_execute(SCHEMA).await?;
        // Declarations stored before the table existed (once).
        tx.execute(
            "INSERT INTO declarations(team_id, target, op_id)
             SELECT team_id, body::jsonb->>'target', op_id FROM ops
             WHERE body::jsonb->'payload'->>'type' = 'declare'
               AND NOT EXISTS (SELECT 1 FROM server_meta WHERE key = 'declarations_indexed')
             ON CONFLICT DO NOTHING",
            &[],
        )
        .await?;
        tx.execute(
            "INSERT INTO server_meta(key, value) VALUES ('declarations_indexed', '1') ON CONFLICT DO NOTHING",
            &[],
        )
        .await?;
        tx.batch_execute(&conflicts_cap_sql()).await?;
        tx.execute("INSERT INTO server_meta(key, value) VALUES ('epoch', $1) ON CONFLICT DO NOTHING", &[&new_epoch()])
            .await?;
        tx.execute("INSERT INTO server_meta(key, value) VALUES ('schema_version', '1') ON CONFLICT DO NOTHING", &[])
            .await?;
        tx.commit().await?;
        drop(client);
        Ok(s)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(pool_err)
    }

    async fn team_id(&self, team: &str) -> Result<i64> {
        let row = self.client().await?.query_opt("SELECT id FROM teams WHERE name = $1", &[&team]).await?;
        row.map(|r| r.get(0))
            .ok_or_else(|| StorageError::NotFound(format!("no team {team:?} (admin create-team first)")))
    }

    pub async fn create_team(&self, team: &str) -> Result<()> {
        check_name("team", team)?;
        let n = self
            .client()
            .await?
            .execute("INSERT INTO teams(name) VALUES ($1) ON CONFLICT(name) DO NOTHING", &[&team])
            .await?;
        if n == 0 {
            return Err(StorageError::Exists(format!("team {team:?} already exists")));
        }
        Ok(())
    }

    pub async fn add_member(&self, team: &str, person: &str) -> Result<()> {
        check_name("person", person)?;
        let id = self.team_id(team).await?;
        self.client()
            .await?
            .execute("INSERT INTO members(team_id, person) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&id, &person])
            .await?;
        Ok(())
    }

    pub async fn insert_token(&self, team: &str, person: &str, hash: &str) -> Result<()> {
        let id = self.team_id(team).await?;
        let c = self.client().await?;
        let member = c.query_opt("SELECT 1 FROM members WHERE team_id = $1 AND person = $2", &[&id, &person]).await?;
        if member.is_none() {
            return Err(StorageError::NotFound(format!(
                "{person:?} is not a member of team {team:?} (admin add-member first)"
            )));
        }
        c.execute("INSERT INTO tokens(token_hash, team_id, person) VALUES ($1, $2, $3)", &[&hash, &id, &person])
            .await?;
        Ok(())
    }

    pub async fn revoke_tokens(&self, team: &str, person: &str) -> Result<u64> {
        let id = self.team_id(team).await?;
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE tokens SET revoked_at = now()
                 WHERE team_id = $1 AND person = $2 AND revoked_at IS NULL",
                &[&id, &person],
            )
            .await?)
    }

    pub async fn set_epoch(&self, epoch: &str) -> Result<()> {
        self.client().await?.execute("UPDATE server_meta SET value = $1 WHERE key = 'epoch'", &[&epoch]).await?;
        Ok(())
    }

    pub async fn epoch(&self) -> Result<String> {
        let c = self.client().await?;
        let statement = c.prepare_cached("SELECT value FROM server_meta WHERE key = 'epoch'").await?;
        Ok(c.query_one(&statement, &[]).await?.get(0))
    }

    /// Every request checks its token: prepared once per connection, one round trip.
    pub async fn authenticate(&self, hash: &str) -> Result<Option<Principal>> {
        let c = self.client().await?;
        let statement = c
            .prepare_cached(
                "SELECT t.team_id, teams.name, t.person FROM tokens t
                 JOIN teams ON teams.id = t.team_id
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            )
            .await?;
        let row = c.query_opt(&statement, &[&hash]).await?;
        Ok(row.map(|r| Principal { team_id: r.get(0), team: r.get(1), person: r.get(2) }))
    }

    pub async fn push(&self, team: i64, ops: Vec<PushedOp>) -> Result<PushOutcome> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // Statements prepared once per connection: a push is a handful of round trips.
        let lock = tx.prepare_cached("SELECT next_seq FROM teams WHERE id = $1 FOR UPDATE").await?;
        let next_seq: i64 = tx.query_one(&lock, &[&team]).await?.get(0);
        let ids: Vec<String> = ops.iter().map(|o| o.id.to_string()).collect();
        let mut existing = HashMap::new();
        let find = tx.prepare_cached("SELECT op_id, seq, body FROM ops WHERE team_id = $1 AND op_id = ANY($2)").await?;
        for row in tx.query(&find, &[&team, &ids]).await? {
            let id: String = row.get(0);
            let id = OpId::from_str(&id).map_err(|e| StorageError::Task(e.to_string()))?;
            existing.insert(id, (row.get::<_, i64>(1), row.get::<_, String>(2)));
        }
        let targets: Vec<String> = ops.iter().filter_map(|o| o.declares.clone()).collect();
        let mut declared = HashMap::new();
        if !targets.is_empty() {
            for row in tx
                .query(
                    "SELECT target, op_id FROM declarations WHERE team_id = $1 AND target = ANY($2)",
                    &[&team, &targets],
                )
                .await?
            {
                declared.insert(row.get::<_, String>(0), row.get::<_, String>(1));
            }
        }
        let plan = plan_push(existing, declared, next_seq, &ops);
        if !plan.inserts.is_empty() {
            let (seqs, rest): (Vec<i64>, Vec<(String, String)>) =
                plan.inserts.iter().map(|(s, id, b)| (*s, (id.clone(), b.clone()))).unzip();
            let (op_ids, bodies): (Vec<String>, Vec<String>) = rest.into_iter().unzip();
            let insert = tx
                .prepare_cached(
                    "INSERT INTO ops(team_id, seq, op_id, body)
                     SELECT $1, s, o, b FROM UNNEST($2::bigint[], $3::text[], $4::text[]) AS t(s, o, b)",
                )
                .await?;
            tx.execute(&insert, &[&team, &seqs, &op_ids, &bodies]).await?;
        }
        for (target, id) in &plan.declarations {
            tx.execute("INSERT INTO declarations(team_id, target, op_id) VALUES ($1, $2, $3)", &[&team, target, id])
                .await?;
        }
        for (id, body) in &plan.conflicts {
            tx.execute("INSERT INTO conflicts(team_id, op_id, body) VALUES ($1, $2, $3)", &[&team, id, body]).await?;
        }
        let advance = tx.prepare_cached("UPDATE teams SET next_seq = $2 WHERE id = $1").await?;
        tx.execute(&advance, &[&team, &plan.next_seq]).await?;
        tx.commit().await?;
        Ok(PushOutcome { acks: plan.acks, max_seq: plan.next_seq - 1 })
    }

    /// One statement, prepared once per connection, so one round trip: a thousand
    /// waiting laptops make this the busiest query (each push wakes a team's pulls and
    /// each comes straight back). A statement reads one snapshot, so the epoch, the
    /// newest sequence and the page agree, as the transaction that held them did.
    pub async fn pull(&self, team: i64, after: i64, limit: u32, max_bytes: usize) -> Result<Page> {
        let c = self.client().await?;
        let statement = c
            .prepare_cached(
                "SELECT m.epoch, m.max_seq, p.seq, p.body
                 FROM (SELECT (SELECT value FROM server_meta WHERE key = 'epoch') AS epoch,
                              (SELECT next_seq - 1 FROM teams WHERE id = $1) AS max_seq) m
                 LEFT JOIN (
                   SELECT seq, body FROM (
                     SELECT seq, body, row_number() OVER w AS n, sum(octet_length(body)) OVER w AS total
                     FROM (SELECT seq, body FROM ops WHERE team_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) page
                     WINDOW w AS (ORDER BY seq)
                   ) t WHERE n = 1 OR total <= $4
                 ) p ON true
                 ORDER BY p.seq",
            )
            .await?;
        // The first op always; later ones while the page stays within `max_bytes`.
        let max_bytes = i64::try_from(max_bytes).unwrap_or(i64::MAX);
        let rows = c.query(&statement, &[&team, &after, &i64::from(limit), &max_bytes]).await?;
        let first = rows.first().ok_or_else(|| StorageError::NotFound(format!("no team {team}")))?;
        let epoch: Option<String> = first.try_get(0)?;
        let max_seq: Option<i64> = first.try_get(1)?;
        let (Some(epoch), Some(max_seq)) = (epoch, max_seq) else {
            return Err(StorageError::NotFound(format!("no team {team} or no epoch")));
        };
        let mut ops = Vec::with_capacity(rows.len());
        for r in &rows {
            if let (Some(seq), Some(body)) = (r.try_get::<_, Option<i64>>(2)?, r.try_get::<_, Option<String>>(3)?) {
                ops.push((seq, body));
            }
        }
        let last = ops.last().map_or(after, |o| o.0);
        Ok(Page { epoch, more: last < max_seq, ops, max_seq })
    }

    pub async fn max_seq(&self, team: i64) -> Result<i64> {
        Ok(self.client().await?.query_one("SELECT next_seq - 1 FROM teams WHERE id = $1", &[&team]).await?.get(0))
    }

    pub async fn conflict_count(&self, team: i64) -> Result<(i64, i64)> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT (SELECT count(*) FROM conflicts WHERE team_id = $1),
                        COALESCE((SELECT dropped FROM conflicts_dropped WHERE team_id = $1), 0)",
                &[&team],
            )
            .await?;
        Ok((row.get(0), row.get(1)))
    }

    /// Tells every instance listening on [`CHANNEL`] that the team's sequence moved.
    pub async fn announce(&self, team: i64) -> Result<()> {
        let c = self.client().await?;
        let statement = c.prepare_cached("SELECT pg_notify($1, $2)").await?;
        c.execute(&statement, &[&CHANNEL, &team.to_string()]).await?;
        Ok(())
    }

    /// Starts this instance's listener: a connection of its own that `LISTEN`s on
    /// [`CHANNEL`] and wakes the team's held pulls on each notification. It reconnects
    /// after a failure (waking every held pull, since notifications may have been
    /// missed meanwhile) and ends when `waiters` is gone.
    pub fn listen(&self, waiters: Weak<Waiters>) {
        let target = self.target.clone();
        tokio::spawn(async move {
            let mut delay = Duration::from_millis(250);
            while waiters.strong_count() > 0 {
                let ended = match &target.tls {
                    None => listen_once(&target.config, NoTls, &waiters).await,
                    Some(tls) => listen_once(&target.config, tls.clone(), &waiters).await,
                };
                if waiters.strong_count() == 0 {
                    return;
                }
                match ended {
                    Ok(()) => tracing::warn!("the PostgreSQL listener's connection closed; reconnecting"),
                    Err(e) => tracing::warn!(error = %e, "the PostgreSQL listener failed; reconnecting"),
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        });
    }
}

/// One listening connection, until it ends or `waiters` is gone.
async fn listen_once<T>(config: &tokio_postgres::Config, tls: T, waiters: &Weak<Waiters>) -> Result<()>
where
    T: MakeTlsConnect<Socket>,
    T::Stream: AsyncRead + AsyncWrite + Unpin,
{
    let (client, mut connection) = config.connect(tls).await?;
    let statement = format!("LISTEN {CHANNEL}");
    let listen = client.batch_execute(&statement);
    tokio::pin!(listen);
    let mut listening = false;
    let mut check = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            r = &mut listen, if !listening => {
                r?;
                listening = true;
                // Anything pushed while this instance was not listening.
                if let Some(w) = waiters.upgrade() {
                    w.wake(None);
                }
            }
            msg = std::future::poll_fn(|cx| connection.poll_message(cx)) => match msg {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    let Some(w) = waiters.upgrade() else { return Ok(()) };
                    match n.payload().parse::<i64>() {
                        Ok(team) => w.wake(Some(team)),
                        Err(_) => w.wake(None),
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            _ = check.tick() => {
                if waiters.strong_count() == 0 {
                    return Ok(());
                }
            }
        }
    }
}
