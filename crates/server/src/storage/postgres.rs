//! The PostgreSQL backend (tokio-postgres with a deadpool pool), for teams that run
//! several server instances or want their database managed. Sequences are allocated
//! under `SELECT … FOR UPDATE` on the team row inside the insert transaction: a second
//! pusher waits for the first to commit, so sequences become visible in order and a
//! reader's cursor never passes an op that commits later.
use super::{check_name, new_epoch, plan_push, Page, PushOutcome, PushedOp, Result, StorageError};
use crate::auth::Principal;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use firebreak_core::ids::OpId;
use std::collections::HashMap;
use std::str::FromStr;
use tokio_postgres::NoTls;

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
";

/// Serialises concurrent start-ups' migrations (`pg_advisory_xact_lock`).
const MIGRATION_LOCK: i64 = 0x4669_7265_6272_6b31;

#[derive(Clone)]
pub struct PgStorage {
    pool: Pool,
}

fn pool_err(e: impl std::fmt::Display) -> StorageError {
    StorageError::Pool(e.to_string())
}

impl PgStorage {
    pub async fn open(url: &str) -> Result<Self> {
        let cfg = tokio_postgres::Config::from_str(url)
            .map_err(|e| StorageError::BadUrl(format!("bad PostgreSQL URL: {e}")))?;
        let mgr = Manager::from_config(cfg, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(mgr).max_size(16).build().map_err(pool_err)?;
        let s = PgStorage { pool };
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
        let row = self.client().await?.query_one("SELECT value FROM server_meta WHERE key = 'epoch'", &[]).await?;
        Ok(row.get(0))
    }

    pub async fn authenticate(&self, hash: &str) -> Result<Option<Principal>> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT t.team_id, teams.name, t.person FROM tokens t
                 JOIN teams ON teams.id = t.team_id
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                &[&hash],
            )
            .await?;
        Ok(row.map(|r| Principal { team_id: r.get(0), team: r.get(1), person: r.get(2) }))
    }

    pub async fn push(&self, team: i64, ops: Vec<PushedOp>) -> Result<PushOutcome> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let next_seq: i64 = tx.query_one("SELECT next_seq FROM teams WHERE id = $1 FOR UPDATE", &[&team]).await?.get(0);
        let ids: Vec<String> = ops.iter().map(|o| o.id.to_string()).collect();
        let mut existing = HashMap::new();
        for row in
            tx.query("SELECT op_id, seq, body FROM ops WHERE team_id = $1 AND op_id = ANY($2)", &[&team, &ids]).await?
        {
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
            tx.execute(
                "INSERT INTO ops(team_id, seq, op_id, body)
                 SELECT $1, s, o, b FROM UNNEST($2::bigint[], $3::text[], $4::text[]) AS t(s, o, b)",
                &[&team, &seqs, &op_ids, &bodies],
            )
            .await?;
        }
        for (target, id) in &plan.declarations {
            tx.execute("INSERT INTO declarations(team_id, target, op_id) VALUES ($1, $2, $3)", &[&team, target, id])
                .await?;
        }
        for (id, body) in &plan.conflicts {
            tx.execute("INSERT INTO conflicts(team_id, op_id, body) VALUES ($1, $2, $3)", &[&team, id, body]).await?;
        }
        tx.execute("UPDATE teams SET next_seq = $2 WHERE id = $1", &[&team, &plan.next_seq]).await?;
        tx.commit().await?;
        Ok(PushOutcome { acks: plan.acks, max_seq: plan.next_seq - 1 })
    }

    pub async fn pull(&self, team: i64, after: i64, limit: u32) -> Result<Page> {
        let mut c = self.client().await?;
        let tx = c
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let epoch: String = tx.query_one("SELECT value FROM server_meta WHERE key = 'epoch'", &[]).await?.get(0);
        let max_seq: i64 = tx.query_one("SELECT next_seq - 1 FROM teams WHERE id = $1", &[&team]).await?.get(0);
        let ops: Vec<(i64, String)> = tx
            .query(
                "SELECT seq, body FROM ops WHERE team_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&team, &after, &i64::from(limit)],
            )
            .await?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        tx.commit().await?;
        let last = ops.last().map_or(after, |o| o.0);
        Ok(Page { epoch, more: last < max_seq, ops, max_seq })
    }

    pub async fn max_seq(&self, team: i64) -> Result<i64> {
        Ok(self.client().await?.query_one("SELECT next_seq - 1 FROM teams WHERE id = $1", &[&team]).await?.get(0))
    }

    pub async fn conflict_count(&self, team: i64) -> Result<i64> {
        Ok(self.client().await?.query_one("SELECT count(*) FROM conflicts WHERE team_id = $1", &[&team]).await?.get(0))
    }
}
