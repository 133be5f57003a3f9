//! Seeded simulation of a team syncing through a flaky relay: 2–6 replicas with clocks
//! up to ±24 h off make random edits of every payload kind while the network
//! partitions and heals, acknowledgements and pull responses get lost, the server
//! crashes mid-batch, delivers pushes twice, and is restored from an older backup.
//! After healing, every replica must hold every op exactly once and the same incident
//! states as the order-insensitive fold of everything anyone made.
//!
//! `FIREBREAK_SIM_SEEDS=N` runs N seeds (default 1,000); `FIREBREAK_SIM_SEED=S` runs
//! one. A failure names its seed.
mod sim;

use chrono::Duration as ChronoDuration;
use firebreak_core::op::Op;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sim::{arrival_order_fold, expected_states, Faults, Replica, ServerState, World};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

/// Which fold the final check compares replicas with.
#[derive(Clone, Copy, PartialEq)]
enum Fold {
    /// The store's own projections (the real rule: LWW by stamp).
    Store,
    /// Negative control: scalar fields by arrival order.
    ArrivalOrder,
}

fn run_seed(rt: &tokio::runtime::Runtime, seed: u64, fold: Fold) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = rng.gen_range(2..=6);
    let world = Arc::new(Mutex::new(World {
        server: ServerState { epoch: "epoch-0".into(), ..ServerState::default() },
        backup: None,
        partitioned: vec![false; n],
        faults: Faults {
            crash_mid_batch: rng.gen_range(0.0..0.15),
            lost_ack: rng.gen_range(0.0..0.2),
            duplicate: rng.gen_range(0.0..0.1),
            lost_pull: rng.gen_range(0.0..0.15),
        },
        rng: StdRng::seed_from_u64(seed ^ 0x5eed),
    }));
    let mut replicas: Vec<Replica> = (0..n)
        .map(|i| {
            let skew = rng.gen_range(-86_400_000..=86_400_000);
            Replica::new(&world, i, skew, &mut rng)
        })
        .collect();
    let mut created: Vec<Op> = Vec::new();
    let mut epochs = 0;
    let steps = rng.gen_range(10..32);
    for _ in 0..steps {
        let tick = ChronoDuration::milliseconds(rng.gen_range(0..5_000));
        for r in &replicas {
            r.clock.advance(tick);
        }
        let who = rng.gen_range(0..n);
        match rng.gen_range(0..100) {
            0..=44 => created.push(replicas[who].random_edit(&mut rng)),
            45..=79 => {
                let r = &replicas[who];
                let _ = rt.block_on(r.client.sync_once(&r.store));
            }
            80..=89 => {
                let mut w = world.lock().expect("world");
                w.partitioned[who] = !w.partitioned[who];
            }
            90..=94 => {
                let mut w = world.lock().expect("world");
                w.backup = Some(w.server.clone());
            }
            _ => {
                // Restored from the last backup (or lost everything), then the admin
                // runs `rotate-epoch` as the runbook says.
                let mut w = world.lock().expect("world");
                epochs += 1;
                let mut restored = w.backup.clone().unwrap_or_default();
                restored.epoch = format!("epoch-{epochs}");
                w.server = restored;
            }
        }
    }
    // Heal: no partitions, no faults; two full rounds so every op reaches everyone.
    {
        let mut w = world.lock().expect("world");
        w.partitioned.iter_mut().for_each(|p| *p = false);
        w.faults = Faults::NONE;
    }
    for _ in 0..2 {
        for (i, r) in replicas.iter().enumerate() {
            rt.block_on(r.client.sync_once(&r.store))
                .map_err(|e| format!("replica {i} cannot sync after healing: {e}"))?;
        }
    }
    check(&replicas, &created, &world, fold)
}

fn check(replicas: &[Replica], created: &[Op], world: &Arc<Mutex<World>>, fold: Fold) -> Result<(), String> {
    let made: HashSet<_> = created.iter().map(|o| o.op_id).collect();
    let w = world.lock().expect("world");
    let on_server: Vec<_> = w.server.log.iter().map(|e| e.1).collect();
    if on_server.len() != made.len() || on_server.iter().collect::<HashSet<_>>().len() != made.len() {
        return Err(format!(
            "server holds {} ops ({} distinct), {} were made",
            on_server.len(),
            on_server.iter().collect::<HashSet<_>>().len(),
            made.len()
        ));
    }
    drop(w);
    let expected = expected_states(created);
    let mut hashes: Vec<BTreeMap<_, String>> = Vec::new();
    for (i, r) in replicas.iter().enumerate() {
        let ids = r.op_ids();
        let distinct: HashSet<_> = ids.iter().copied().collect();
        if ids.len() != distinct.len() || distinct != made {
            return Err(format!(
                "replica {i} holds {} ops ({} distinct), {} were made",
                ids.len(),
                distinct.len(),
                made.len()
            ));
        }
        let status = r.store.lock().expect("store").sync_status().map_err(|e| e.to_string())?;
        if status.pending != 0 {
            return Err(format!("replica {i} still has {} unacknowledged ops", status.pending));
        }
        hashes.push(match fold {
            Fold::Store => {
                let h = r.state_hash();
                if h != expected {
                    return Err(format!("replica {i} differs from the fold of all ops"));
                }
                h
            }
            Fold::ArrivalOrder => arrival_order_fold(&r.arrival_order()),
        });
    }
    if hashes.windows(2).any(|p| p[0] != p[1]) {
        return Err("replicas' state hashes differ".into());
    }
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

#[test]
fn replicas_converge_under_partitions_crashes_lost_acks_skew_and_restores() {
    let seeds: Vec<u64> = match std::env::var("FIREBREAK_SIM_SEED") {
        Ok(one) => vec![one.parse().expect("FIREBREAK_SIM_SEED is a number")],
        Err(_) => {
            let n = std::env::var("FIREBREAK_SIM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000u64);
            (0..n).collect()
        }
    };
    // Seeds split over the machine's cores; each worker has its own runtime.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let seeds = &seeds;
                scope.spawn(move || {
                    let rt = runtime();
                    seeds
                        .iter()
                        .skip(w)
                        .step_by(workers)
                        .filter_map(|seed| {
                            run_seed(&rt, *seed, Fold::Store)
                                .err()
                                .map(|why| format!("seed {seed} failed: {why} (rerun with FIREBREAK_SIM_SEED={seed})"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a simulation worker panicked")).collect()
    });
    assert!(failures.is_empty(), "{} seed(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn negative_control_arrival_order_fold_is_caught() {
    let rt = runtime();
    let caught = (0..100u64).filter(|seed| run_seed(&rt, *seed, Fold::ArrivalOrder).is_err()).count();
    assert!(caught >= 5, "an arrival-order fold must make the harness fail for many seeds, failed {caught}/100");
}
