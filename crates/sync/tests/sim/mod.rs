//! The simulated world: an in-memory model of the relay (same rules as
//! firebreak-server: idempotent by op id, conflicts kept, per-team sequence, epoch,
//! author check) behind a [`Transport`] that injects faults, and replicas that are real
//! `Store::in_memory()` databases driven by the real [`SyncClient`].
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use firebreak_core::clock::{Clock, SteppingClock};
use firebreak_core::ids::{IncidentId, OpId};
use firebreak_core::incident::{Incident, Status};
use firebreak_core::op::{Declare, Op, OpPayload};
use firebreak_core::timeline::EntryKind;
use firebreak_store::Store;
use firebreak_sync::wire::{AckStatus, OpAck, PullResponse, PushRequest, PushResponse, SeqOp};
use firebreak_sync::{SyncClient, SyncError, SyncOptions, Transport};
use rand::rngs::StdRng;
use rand::Rng;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The relay's durable state.
#[derive(Clone, Default)]
pub struct ServerState {
    pub epoch: String,
    pub log: Vec<(i64, OpId, String)>,
    pub by_id: HashMap<OpId, (i64, String)>,
    pub conflicts: usize,
}

impl ServerState {
    fn max_seq(&self) -> i64 {
        self.log.last().map_or(0, |e| e.0)
    }

    /// Stores ops as the server does: ops not authored by `person` are refused one by one.
    fn store(&mut self, ops: &[Op], person: &str) -> Vec<OpAck> {
        let mut acks = Vec::new();
        for op in ops {
            if op.author != person {
                acks.push(OpAck {
                    op_id: op.op_id,
                    seq: 0,
                    status: AckStatus::Rejected,
                    reason: Some("author".into()),
                });
                continue;
            }
            let body = serde_json::to_string(op).expect("ops serialize");
            let ack = match self.by_id.get(&op.op_id) {
                Some((seq, stored)) if *stored == body => (*seq, AckStatus::Duplicate),
                Some((seq, _)) => {
                    self.conflicts += 1;
                    (*seq, AckStatus::Conflict)
                }
                None => {
                    let seq = self.max_seq() + 1;
                    self.log.push((seq, op.op_id, body.clone()));
                    self.by_id.insert(op.op_id, (seq, body));
                    (seq, AckStatus::Stored)
                }
            };
            acks.push(OpAck { op_id: op.op_id, seq: ack.0, status: ack.1, reason: None });
        }
        acks
    }
}

/// Fault probabilities; all zero once the network heals.
#[derive(Clone, Copy)]
pub struct Faults {
    pub crash_mid_batch: f64,
    pub lost_ack: f64,
    pub duplicate: f64,
    pub lost_pull: f64,
}

impl Faults {
    pub const NONE: Faults = Faults { crash_mid_batch: 0.0, lost_ack: 0.0, duplicate: 0.0, lost_pull: 0.0 };
}

pub struct World {
    pub server: ServerState,
    pub backup: Option<ServerState>,
    pub partitioned: Vec<bool>,
    pub faults: Faults,
    pub rng: StdRng,
}

pub struct SimTransport {
    world: Arc<Mutex<World>>,
    replica: usize,
    person: String,
}

fn lost(why: &str) -> SyncError {
    SyncError::Network(why.to_string())
}

impl Transport for SimTransport {
    async fn push(&self, req: &PushRequest) -> Result<PushResponse, SyncError> {
        let mut w = self.world.lock().expect("world lock");
        if w.partitioned[self.replica] {
            return Err(lost("partitioned"));
        }
        let f = w.faults;
        let roll: f64 = w.rng.gen();
        if roll < f.crash_mid_batch {
            let upto = w.rng.gen_range(0..=req.ops.len());
            w.server.store(&req.ops[..upto], &self.person);
            return Err(lost("server crashed mid-batch"));
        }
        let acks = w.server.store(&req.ops, &self.person);
        if roll < f.crash_mid_batch + f.lost_ack {
            return Err(lost("acknowledgement lost"));
        }
        let acks = if roll < f.crash_mid_batch + f.lost_ack + f.duplicate {
            w.server.store(&req.ops, &self.person)
        } else {
            acks
        };
        Ok(PushResponse { epoch: w.server.epoch.clone(), acks, max_seq: w.server.max_seq() })
    }

    async fn pull(&self, after: i64, limit: u32, _wait: Option<Duration>) -> Result<PullResponse, SyncError> {
        let mut w = self.world.lock().expect("world lock");
        if w.partitioned[self.replica] {
            return Err(lost("partitioned"));
        }
        let f = w.faults;
        if w.rng.gen::<f64>() < f.lost_pull {
            return Err(lost("pull response lost"));
        }
        let ops: Vec<SeqOp> = w
            .server
            .log
            .iter()
            .filter(|e| e.0 > after)
            .take(limit as usize)
            .map(|(seq, _, body)| SeqOp {
                seq: *seq,
                op: serde_json::value::RawValue::from_string(body.clone()).expect("stored ops are JSON"),
            })
            .collect();
        let last = ops.last().map_or(after, |o| o.seq);
        Ok(PullResponse {
            epoch: w.server.epoch.clone(),
            more: last < w.server.max_seq(),
            max_seq: w.server.max_seq(),
            ops,
        })
    }
}

pub struct Replica {
    pub store: Mutex<Store>,
    pub clock: Arc<SteppingClock>,
    pub client: SyncClient<SimTransport>,
    pub person: String,
    pub incidents: Vec<IncidentId>,
}

pub fn base_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("valid instant")
}

impl Replica {
    pub fn new(world: &Arc<Mutex<World>>, index: usize, skew_ms: i64, rng: &mut StdRng) -> Self {
        let clock = Arc::new(SteppingClock::new(base_time() + ChronoDuration::milliseconds(skew_ms)));
        let person = format!("person{index}");
        let options = SyncOptions {
            push_batch: rng.gen_range(1..=8),
            pull_page: rng.gen_range(2..=12),
            ..SyncOptions::default()
        };
        let transport = SimTransport { world: world.clone(), replica: index, person: person.clone() };
        Replica {
            store: Mutex::new(Store::in_memory().expect("in-memory store")),
            client: SyncClient::new(transport, clock.clone() as Arc<dyn Clock>, options),
            clock,
            person,
            incidents: Vec::new(),
        }
    }

    /// A random edit of a random payload kind; returns the op written.
    pub fn random_edit(&mut self, rng: &mut StdRng) -> Op {
        let now = self.clock.now();
        let mut store = self.store.lock().expect("store lock");
        if self.incidents.is_empty() || rng.gen_bool(0.1) {
            let title = format!("t{}", rng.gen::<u16>());
            let (id, op) = store
                .declare(now, &self.person, |human_id| Declare {
                    human_id,
                    title,
                    summary: "s".into(),
                    severity: "SEV2".into(),
                    services: vec!["api".into()],
                    drill: false,
                    detected_at: now,
                    suggested: None,
                })
                .expect("declare");
            self.incidents.push(id);
            return op;
        }
        let target = self.incidents[rng.gen_range(0..self.incidents.len())];
        let status = |rng: &mut StdRng| Status::ALL[rng.gen_range(0..Status::ALL.len())];
        let inc = store.incident(target).expect("read").expect("declared");
        let entry = inc.timeline.keys().nth(rng.gen_range(0..inc.timeline.len().max(1))).copied();
        let person = |rng: &mut StdRng| format!("person{}", rng.gen_range(0..6));
        let payload = match (rng.gen_range(0..11), entry) {
            (0, _) => OpPayload::SetStatus { from: status(rng), to: status(rng), at: now },
            (1, _) => {
                OpPayload::SetSeverity { from: "SEV2".into(), to: format!("SEV{}", rng.gen_range(1..5)), at: now }
            }
            (2, Some(entry)) => OpPayload::ReviseEntry { entry, text: format!("rev{}", rng.gen::<u16>()) },
            (3, _) => OpPayload::EditIncident {
                title: rng.gen_bool(0.5).then(|| format!("t{}", rng.gen::<u16>())),
                summary: rng.gen_bool(0.5).then(|| format!("s{}", rng.gen::<u16>())),
                services: rng.gen_bool(0.3).then(|| vec![format!("svc{}", rng.gen::<u8>())]),
                impact_started_at: rng.gen_bool(0.2).then_some(now - ChronoDuration::minutes(5)),
                detected_at: None,
            },
            (4, _) => OpPayload::AssignRole {
                role: ["commander", "scribe", "comms"][rng.gen_range(0..3)].into(),
                from: String::new(),
                to: person(rng),
                at: now,
            },
            (5, Some(entry)) => OpPayload::PinEntry { entry, pinned: rng.gen_bool(0.7) },
            (6, _) => OpPayload::AddTask {
                owner: person(rng),
                text: format!("task{}", rng.gen::<u16>()),
                check_back_at: now + ChronoDuration::minutes(15),
                at: now,
            },
            (7, Some(task)) => OpPayload::CompleteTask { task, text: "done".into(), at: now },
            (8, _) => OpPayload::CheckItem {
                list: "triage".into(),
                item: format!("item{}", rng.gen_range(0..4)),
                checked: rng.gen_bool(0.6),
                at: now,
            },
            (9, _) => OpPayload::Handoff {
                from: self.person.clone(),
                to: person(rng),
                note: format!("handoff{}", rng.gen::<u16>()),
                at: now,
            },
            _ => note(rng, now),
        };
        store.commit(now, &self.person, target, payload).expect("commit")
    }

    /// Every incident's folded state, serialized, by id.
    pub fn state_hash(&self) -> BTreeMap<IncidentId, String> {
        let store = self.store.lock().expect("store lock");
        store
            .list()
            .expect("list")
            .into_iter()
            .map(|row| {
                let inc = store.incident(row.id).expect("read").expect("declared");
                (row.id, serde_json::to_string(&inc).expect("serialize"))
            })
            .collect()
    }

    pub fn op_ids(&self) -> Vec<OpId> {
        let store = self.store.lock().expect("store lock");
        store.all_ops().expect("ops").iter().map(|o| o.op_id).collect()
    }

    pub fn arrival_order(&self) -> Vec<Op> {
        self.store.lock().expect("store lock").all_ops().expect("ops")
    }
}

fn note(rng: &mut StdRng, now: DateTime<Utc>) -> OpPayload {
    let kinds = [
        EntryKind::Note,
        EntryKind::Decision,
        EntryKind::Action,
        EntryKind::Alert,
        EntryKind::CustomerReport,
        EntryKind::CommsUpdate,
    ];
    OpPayload::AddEntry {
        kind: kinds[rng.gen_range(0..kinds.len())],
        at: now - ChronoDuration::seconds(rng.gen_range(0..600)),
        text: format!("n{}", rng.gen::<u32>()),
        decision: None,
    }
}

/// The states every replica must reach: the order-insensitive fold of all ops made.
pub fn expected_states(created: &[Op]) -> BTreeMap<IncidentId, String> {
    let mut by_target: BTreeMap<IncidentId, Vec<&Op>> = BTreeMap::new();
    for op in created {
        by_target.entry(op.target).or_default().push(op);
    }
    by_target
        .into_iter()
        .map(|(id, ops)| {
            let inc = Incident::from_ops(id, ops);
            (id, serde_json::to_string(&inc).expect("serialize"))
        })
        .collect()
}

/// The broken rule for the negative control: scalar fields take whatever op was
/// applied last (arrival order) instead of the greatest stamp.
pub fn arrival_order_fold(ops: &[Op]) -> BTreeMap<IncidentId, String> {
    let mut states: BTreeMap<IncidentId, (String, String, String)> = BTreeMap::new();
    for op in ops {
        let s = states.entry(op.target).or_default();
        match &op.payload {
            OpPayload::Declare(d) => {
                s.0 = d.title.clone();
                s.1 = d.severity.clone();
            }
            OpPayload::EditIncident { title: Some(t), .. } => s.0 = t.clone(),
            OpPayload::SetSeverity { to, .. } => s.1 = to.clone(),
            OpPayload::SetStatus { to, .. } => s.2 = to.to_string(),
            _ => {}
        }
    }
    states.into_iter().map(|(id, s)| (id, format!("{s:?}"))).collect()
}
