//! The storage rules on every backend: SQLite always, PostgreSQL when
//! `FIREBREAK_TEST_POSTGRES_URL` is set. Tests use unique team names, so they can share
//! one PostgreSQL database.
mod common;

use common::{op, op_with_text, postgres_url, unique};
use firebreak_server::storage::PushedOp;
use firebreak_server::Storage;
use firebreak_sync::wire::AckStatus;
use std::collections::HashSet;
use std::sync::Arc;

/// (label, storage) for each backend under test. SQLite runs on a temporary file.
async fn backends() -> Vec<(String, Arc<Storage>, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("server.db").display());
    let mut out = vec![("sqlite".to_string(), Arc::new(Storage::open(&url).await.unwrap()), Some(dir))];
    if let Some(pg) = postgres_url() {
        out.push(("postgres".into(), Arc::new(Storage::open(&pg).await.unwrap()), None));
    }
    out
}

/// A new team with member `ana`; returns (team name, team id, token).
async fn team(s: &Storage) -> (String, i64, String) {
    let name = unique("t");
    s.create_team(&name).await.unwrap();
    s.add_member(&name, "ana").await.unwrap();
    let token = s.issue_token(&name, "ana").await.unwrap();
    let p = s.authenticate(&token).await.unwrap().expect("a fresh token works");
    (name, p.team_id, token)
}

#[tokio::test]
async fn admin_rules_tokens_and_revocation() {
    for (label, s, _dir) in backends().await {
        let (name, _, token) = team(&s).await;
        assert!(s.create_team(&name).await.is_err(), "{label}: duplicate team");
        assert!(s.issue_token(&name, "nobody").await.is_err(), "{label}: non-member");
        assert!(s.add_member("no-such-team", "ana").await.is_err(), "{label}");
        assert!(s.create_team("bad/name").await.is_err(), "{label}");
        let p = s.authenticate(&token).await.unwrap().unwrap();
        assert_eq!((p.team.as_str(), p.person.as_str()), (name.as_str(), "ana"));
        assert_eq!(s.authenticate("fbt_unknown").await.unwrap(), None);
        let second = s.issue_token(&name, "ana").await.unwrap();
        assert_eq!(s.revoke_tokens(&name, "ana").await.unwrap(), 2, "{label}");
        assert_eq!(s.authenticate(&token).await.unwrap(), None, "{label}");
        assert_eq!(s.authenticate(&second).await.unwrap(), None, "{label}");
    }
}

#[tokio::test]
async fn pushes_are_idempotent_gap_free_and_keep_conflicts() {
    for (label, s, _dir) in backends().await {
        let (_, id, _) = team(&s).await;
        let rows = |ops: Vec<firebreak_core::op::Op>| {
            ops.into_iter()
                .map(|o| PushedOp { id: o.op_id, body: serde_json::to_string(&o).unwrap(), declares: None })
                .collect::<Vec<_>>()
        };
        let first = s.push(id, rows((1..=3).map(|n| op("ana", n)).collect())).await.unwrap();
        assert_eq!(first.max_seq, 3, "{label}");
        let again = s.push(id, rows(vec![op("ana", 2), op_with_text("ana", 3, "other"), op("ana", 4)])).await.unwrap();
        let got: Vec<(i64, AckStatus)> = again.acks.iter().map(|a| (a.seq, a.status)).collect();
        assert_eq!(got, vec![(2, AckStatus::Duplicate), (3, AckStatus::Conflict), (4, AckStatus::Stored)], "{label}");
        assert_eq!(s.conflict_count(id).await.unwrap(), 1, "{label}");
        let page = s.pull(id, 0, 2).await.unwrap();
        assert_eq!(page.ops.iter().map(|o| o.0).collect::<Vec<_>>(), vec![1, 2], "{label}");
        assert!(page.more && page.max_seq == 4, "{label}");
        let rest = s.pull(id, 2, 10).await.unwrap();
        assert_eq!(rest.ops.iter().map(|o| o.0).collect::<Vec<_>>(), vec![3, 4], "{label}");
        assert!(!rest.more, "{label}");
        assert!(rest.ops[0].1.contains("note 3"), "{label}: the first version stays");
    }
}

#[tokio::test]
async fn teams_do_not_see_each_other() {
    for (label, s, _dir) in backends().await {
        let (_, a, _) = team(&s).await;
        let (_, b, _) = team(&s).await;
        let row = |n| {
            let o = op("ana", n);
            PushedOp { id: o.op_id, body: serde_json::to_string(&o).unwrap(), declares: None }
        };
        s.push(a, vec![row(1), row(2)]).await.unwrap();
        let out = s.push(b, vec![row(2)]).await.unwrap();
        assert_eq!((out.acks[0].seq, out.acks[0].status), (1, AckStatus::Stored), "{label}");
        assert_eq!(s.pull(b, 0, 10).await.unwrap().ops.len(), 1, "{label}");
    }
}

#[tokio::test]
async fn the_epoch_survives_reopening_and_rotates_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("e.db").display());
    let epoch = Storage::open(&url).await.unwrap().epoch().await.unwrap();
    assert_eq!(epoch.len(), 32);
    let s = Storage::open(&url).await.unwrap();
    assert_eq!(s.epoch().await.unwrap(), epoch);
    let new = s.rotate_epoch().await.unwrap();
    assert_ne!(new, epoch);
    assert_eq!(s.epoch().await.unwrap(), new);
    let other = Storage::open("sqlite::memory:").await.unwrap().epoch().await.unwrap();
    assert_ne!(other, epoch, "each database gets its own epoch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_pushers_never_let_a_cursor_skip_an_op() {
    for (label, s, _dir) in backends().await {
        let (_, id, _) = team(&s).await;
        let (pushers, batches, per) = (16u128, 10u128, 5u128);
        let total = (pushers * batches * per) as usize;
        let reader = {
            let s = s.clone();
            tokio::spawn(async move {
                let (mut cursor, mut seen) = (0i64, Vec::new());
                while seen.len() < total {
                    let page = s.pull(id, cursor, 37).await.unwrap();
                    for (seq, body) in page.ops {
                        assert!(seq > cursor);
                        cursor = seq;
                        seen.push(body);
                    }
                    tokio::task::yield_now().await;
                }
                seen
            })
        };
        let mut tasks = Vec::new();
        for p in 0..pushers {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                for b in 0..batches {
                    let rows = (0..per)
                        .map(|i| {
                            let o = op("ana", (p << 32) | (b << 16) | i);
                            PushedOp { id: o.op_id, body: serde_json::to_string(&o).unwrap(), declares: None }
                        })
                        .collect();
                    s.push(id, rows).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let seen = tokio::time::timeout(std::time::Duration::from_secs(60), reader)
            .await
            .unwrap_or_else(|_| panic!("{label}: the reader never caught up (an op was skipped)"))
            .unwrap();
        assert_eq!(seen.len(), total, "{label}");
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), total, "{label}: no duplicates");
        assert_eq!(s.max_seq(id).await.unwrap(), total as i64, "{label}: gap-free");
    }
}
