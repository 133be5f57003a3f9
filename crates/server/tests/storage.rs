//! The storage rules on every backend: SQLite always, PostgreSQL when
//! `FIREBREAK_TEST_POSTGRES_URL` is set. Tests use unique team names, so they can share
//! one PostgreSQL database.
mod common;

use common::{op, op_with_text, postgres_url, unique};
use firebreak_server::storage::PushedOp;
use firebreak_server::Storage;
use firebreak_sync::wire::{AckStatus, MAX_PULL_PAGE_BYTES};
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
        assert_eq!(s.conflict_count(id).await.unwrap().stored, 1, "{label}");
        let page = s.pull(id, 0, 2, MAX_PULL_PAGE_BYTES).await.unwrap();
        assert_eq!(page.ops.iter().map(|o| o.0).collect::<Vec<_>>(), vec![1, 2], "{label}");
        assert!(page.more && page.max_seq == 4, "{label}");
        let rest = s.pull(id, 2, 10, MAX_PULL_PAGE_BYTES).await.unwrap();
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
        assert_eq!(s.pull(b, 0, 10, MAX_PULL_PAGE_BYTES).await.unwrap().ops.len(), 1, "{label}");
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
                    let page = s.pull(id, cursor, 37, MAX_PULL_PAGE_BYTES).await.unwrap();
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

#[tokio::test]
async fn a_page_stops_before_its_byte_cap_but_always_carries_one_op() {
    for (label, s, _dir) in backends().await {
        let (_, id, _) = team(&s).await;
        let rows: Vec<_> = (1..=4)
            .map(|n| {
                let o = op_with_text("ana", n, &"x".repeat(1_000));
                PushedOp { id: o.op_id, body: serde_json::to_string(&o).unwrap(), declares: None }
            })
            .collect();
        let one = rows[0].body.len();
        s.push(id, rows).await.unwrap();
        // Room for two ops and a half: the page holds two, and says more follow.
        let page = s.pull(id, 0, 100, one * 5 / 2).await.unwrap();
        assert_eq!(page.ops.iter().map(|o| o.0).collect::<Vec<_>>(), vec![1, 2], "{label}");
        assert!(page.more, "{label}");
        // Exactly two ops' worth still fits two.
        assert_eq!(s.pull(id, 0, 100, one * 2).await.unwrap().ops.len(), 2, "{label}");
        // An op larger than the cap still comes, alone.
        let page = s.pull(id, 2, 100, 10).await.unwrap();
        assert_eq!(page.ops.iter().map(|o| o.0).collect::<Vec<_>>(), vec![3], "{label}");
        assert!(page.more, "{label}");
        let page = s.pull(id, 3, 100, 10).await.unwrap();
        assert_eq!((page.ops.len(), page.more), (1, false), "{label}");
    }
}

#[tokio::test]
async fn conflict_records_are_capped_per_team_and_the_rest_counted() {
    use firebreak_server::storage::MAX_CONFLICTS_PER_TEAM;
    for (label, s, _dir) in backends().await {
        let (_, id, _) = team(&s).await;
        let (_, other, _) = team(&s).await;
        let row = |n: u128, text: &str| {
            let o = op_with_text("ana", n, text);
            PushedOp { id: o.op_id, body: serde_json::to_string(&o).unwrap(), declares: None }
        };
        s.push(id, vec![row(1, "original")]).await.unwrap();
        s.push(other, vec![row(1, "original")]).await.unwrap();
        let cap = MAX_CONFLICTS_PER_TEAM as usize;
        // Same id, other content, over and over: each is a conflict.
        let variants: Vec<_> = (0..cap + 5).map(|i| row(1, &format!("variant {i}"))).collect();
        for chunk in variants.chunks(500) {
            let out = s.push(id, chunk.to_vec()).await.unwrap();
            assert!(out.acks.iter().all(|a| a.status == AckStatus::Conflict), "{label}: still reported");
        }
        let count = s.conflict_count(id).await.unwrap();
        assert_eq!((count.stored, count.dropped), (MAX_CONFLICTS_PER_TEAM, 5), "{label}");
        // Another team's record is its own.
        s.push(other, vec![row(1, "variant")]).await.unwrap();
        let count = s.conflict_count(other).await.unwrap();
        assert_eq!((count.stored, count.dropped), (1, 0), "{label}");
        let page = s.pull(id, 0, 10, MAX_PULL_PAGE_BYTES).await.unwrap();
        assert!(page.ops[0].1.contains("original"), "{label}: the stored op is untouched");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_database_and_its_journal_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let files = |p: &std::path::Path| {
        ["", "-wal", "-shm"].map(|suffix| std::path::PathBuf::from(format!("{}{suffix}", p.display())))
    };
    {
        let s = Storage::open(&format!("sqlite://{}", path.display())).await.unwrap();
        let (_, id, _) = team(&s).await;
        let o = op("ana", 1);
        s.push(id, vec![PushedOp { id: o.op_id, body: serde_json::to_string(&o).unwrap(), declares: None }])
            .await
            .unwrap();
        for f in files(&path) {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
    // A database an older version left readable by others is tightened on open.
    let old = dir.path().join("old.db");
    std::fs::write(&old, b"").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = Storage::open(&format!("sqlite://{}", old.display())).await.unwrap();
    team(&s).await;
    for f in files(&old) {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}

/// TLS settings in the URL reach the connection. The test PostgreSQL (Debian's) may
/// serve TLS with its self-signed "snakeoil" certificate, which nothing trusts: then
/// `prefer` and `require` are refused for the unverified certificate, saying so; without
/// TLS on the server `prefer` falls back to plain and `require` is refused. No `sslmode`
/// and `disable` stay plain, as before.
#[tokio::test]
async fn postgres_sslmode_in_the_url_is_honoured() {
    let Some(pg) = postgres_url() else {
        eprintln!(
            "postgres_sslmode_in_the_url_is_honoured: not run (FIREBREAK_TEST_POSTGRES_URL is set by scripts/test.sh)"
        );
        return;
    };
    let (client, conn) = tokio_postgres::connect(&pg, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    let ssl_on: String = client.query_one("SHOW ssl", &[]).await.unwrap().get(0);
    let ssl_on = ssl_on == "on";
    let with = |mode: &str| {
        let sep = if pg.contains('?') { '&' } else { '?' };
        format!("{pg}{sep}sslmode={mode}")
    };
    let err = |url: String| async move { Storage::open(&url).await.err().map(|e| e.to_string()).unwrap_or_default() };
    team(&Storage::open(&pg).await.unwrap()).await;
    team(&Storage::open(&with("disable")).await.unwrap()).await;
    let require = err(with("require")).await;
    assert!(require.to_lowercase().contains("tls"), "require is refused: {require:?}");
    if ssl_on {
        assert!(require.contains("certificate"), "says why: {require}");
        let prefer = err(with("prefer")).await;
        assert!(prefer.contains("certificate"), "prefer verifies too: {prefer:?}");
    } else {
        team(&Storage::open(&with("prefer")).await.unwrap()).await;
    }
}
