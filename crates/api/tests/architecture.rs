//! The dependency invariants of ARCHITECTURE.md, read from `cargo metadata`: the pure
//! crates reach no I/O, only the named crates use the store, only the shell depends on
//! tauri and nothing depends on the shell, the server stays free of both, and the front
//! ends (CLI, window) reach the store and the sync client only through the api.
//!
//! Each rule is a function from the metadata JSON to the list of its violations, so the
//! unit tests at the bottom can show it failing on a doctored graph.
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Crates that compute and never touch the outside world: no database, network, async
/// runtime, window, keyring or platform folders, and no clock reads (clippy.toml).
const PURE: &[&str] = &["firebreak-core", "firebreak-policy", "firebreak-metrics", "firebreak-drill", "firebreak-pdf"];

/// What a pure crate must not reach, directly or not, and why. A name also forbids its
/// family (`tokio` forbids `tokio-util`, `hyper` forbids `hyper-util`).
const FORBIDDEN_IN_PURE: &[(&str, &str)] = &[
    ("rusqlite", "the local database belongs to crates/store"),
    ("tokio-postgres", "the server's database belongs to crates/server"),
    ("reqwest", "HTTP belongs to crates/sync"),
    ("hyper", "HTTP belongs to crates/sync and crates/server"),
    ("axum", "serving HTTP belongs to crates/server"),
    ("tokio", "an async runtime means I/O or timers; pure code is called, it does not wait"),
    ("tauri", "the window belongs to src-tauri"),
    ("keyring", "secrets belong to crates/api's vault"),
    ("dirs", "platform folders are read at the edge (crates/api/src/system.rs)"),
    ("firebreak-store", "state is passed in, not loaded"),
    ("firebreak-sync", "pure crates know nothing of the team server"),
    ("firebreak-api", "the api joins the pure crates, not the other way round"),
];

/// Workspace crates that may name the store in `[dependencies]`, and why.
const STORE_USERS: &[(&str, &str)] = &[
    ("firebreak-api", "the one API surface over the store"),
    ("firebreak-sync", "applies pulled pages and clears the outbox in store transactions"),
    (
        "firebreak-server",
        "`admin backup` takes its SQLite snapshot with the store's one backup routine (store::backup)",
    ),
];

/// Workspace crates that may name the store only in `[dev-dependencies]` (besides the
/// [`STORE_USERS`]): the CLI's tests read the backups and databases the binary wrote.
const STORE_DEV_USERS: &[&str] = &["firebreak-cli"];

/// The front ends: thin mappings onto the api. The sync session (client, member
/// adoption, status, live loop) is the api's too (crates/api/src/sync_session.rs).
const FRONT_ENDS: &[(&str, &str)] = &[("firebreak-cli", "crates/cli/src"), ("firebreak-app", "src-tauri/src")];

/// What a front end may not name in `[dependencies]`, and why.
const PAST_THE_API: &[(&str, &str)] = &[
    ("firebreak-store", "the store is reached through firebreak-api"),
    ("firebreak-sync", "sync goes through firebreak-api's sync session"),
];

/// What a front end's source may not say: calls that hand out the api's store, and paths
/// into the crates behind the api.
const REACHES_PAST_THE_API: &[&str] = &[".store()", ".store_mut()", "firebreak_store::", "firebreak_sync::"];

const STORE: &str = "firebreak-store";
const SHELL: &str = "firebreak-app";
/// The benchmark yardstick (bench/bare-window): a bare Tauri window, so it may depend on
/// tauri, and on nothing of Firebreak's.
const YARDSTICK: &str = "bare-window";
const SERVER: &str = "firebreak-server";

fn metadata() -> Value {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--filter-platform", env!("FIREBREAK_HOST_TARGET")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// Kind of a dependency edge as cargo metadata names it: `normal`, `dev` or `build`.
type Kind = &'static str;

/// The resolved graph: package names by id, the workspace's members, and each package's
/// direct dependencies with the kinds they are declared with.
struct Graph {
    names: BTreeMap<String, String>,
    members: BTreeSet<String>,
    deps: BTreeMap<String, Vec<(String, BTreeSet<Kind>)>>,
}

impl Graph {
    fn new(meta: &Value) -> Graph {
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let arr = |v: &Value| v.as_array().cloned().unwrap_or_default();
        let names = arr(&meta["packages"]).iter().map(|p| (s(&p["id"]), s(&p["name"]))).collect();
        let members = arr(&meta["workspace_members"]).iter().map(s).collect();
        let deps = arr(&meta["resolve"]["nodes"])
            .iter()
            .map(|n| {
                let edges = arr(&n["deps"])
                    .iter()
                    .map(|d| {
                        let kinds = arr(&d["dep_kinds"])
                            .iter()
                            .map(|k| match k["kind"].as_str() {
                                None => "normal",
                                Some("dev") => "dev",
                                Some(_) => "build",
                            })
                            .collect();
                        (s(&d["pkg"]), kinds)
                    })
                    .collect();
                (s(&n["id"]), edges)
            })
            .collect();
        Graph { names, members, deps }
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    fn id(&self, name: &str) -> Option<&str> {
        self.names.iter().find(|(_, n)| *n == name).map(|(id, _)| id.as_str())
    }

    fn member_names(&self) -> Vec<&str> {
        self.members.iter().map(|id| self.name(id)).collect()
    }

    /// Direct dependencies of `name` with their kinds.
    fn direct(&self, name: &str) -> Vec<(&str, &BTreeSet<Kind>)> {
        let Some(id) = self.id(name) else { return vec![] };
        self.deps.get(id).map_or(vec![], |d| d.iter().map(|(p, k)| (self.name(p), k)).collect())
    }

    /// Every package reachable from `root` through normal (not dev or build) dependencies:
    /// what ends up linked into it.
    fn closure(&self, root: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![root.to_string()];
        while let Some(name) = stack.pop() {
            for (dep, kinds) in self.direct(&name) {
                if kinds.contains("normal") && seen.insert(dep.to_string()) {
                    stack.push(dep.to_string());
                }
            }
        }
        seen
    }
}

fn in_family(dep: &str, forbidden: &str) -> bool {
    dep == forbidden || dep.starts_with(&format!("{forbidden}-"))
}

/// Rule 1: no pure crate links anything in [`FORBIDDEN_IN_PURE`].
fn pure_violations(meta: &Value) -> Vec<String> {
    let g = Graph::new(meta);
    let mut out = Vec::new();
    for krate in PURE {
        if g.id(krate).is_none() {
            out.push(format!("{krate} is listed as pure but is not in the workspace"));
            continue;
        }
        let deps = g.closure(krate);
        for (forbidden, why) in FORBIDDEN_IN_PURE {
            for dep in deps.iter().filter(|d| in_family(d, forbidden)) {
                out.push(format!("{krate} depends on {dep} (directly or not): {why}"));
            }
        }
    }
    out
}

/// Rule 2: only [`STORE_USERS`] name the store as a dependency, and only
/// [`STORE_DEV_USERS`] as a dev-dependency; nobody as a build dependency.
fn store_violations(meta: &Value) -> Vec<String> {
    let g = Graph::new(meta);
    let mut out = Vec::new();
    for member in g.member_names() {
        for (dep, kinds) in g.direct(member) {
            if dep != STORE {
                continue;
            }
            for kind in kinds {
                let allowed = match *kind {
                    "normal" => STORE_USERS.iter().any(|(u, _)| *u == member),
                    "dev" => STORE_USERS.iter().any(|(u, _)| *u == member) || STORE_DEV_USERS.contains(&member),
                    _ => false,
                };
                if !allowed {
                    out.push(format!("{member} has a {kind} dependency on {STORE}; go through firebreak-api"));
                }
            }
        }
    }
    out
}

/// Rule 3: only the shell links tauri, and nothing depends on the shell in any way.
fn tauri_violations(meta: &Value) -> Vec<String> {
    let g = Graph::new(meta);
    let mut out = Vec::new();
    for member in g.member_names().into_iter().filter(|m| *m != SHELL) {
        if member == YARDSTICK {
            for dep in g.closure(member).iter().filter(|d| in_family(d, "firebreak")) {
                out.push(format!("{member} depends on {dep}; the yardstick must stay a bare window"));
            }
            continue;
        }
        for dep in g.closure(member).iter().filter(|d| in_family(d, "tauri")) {
            out.push(format!("{member} depends on {dep}; only {SHELL} may"));
        }
        for (dep, kinds) in g.direct(member) {
            if dep == SHELL {
                let kinds: Vec<&str> = kinds.iter().copied().collect();
                out.push(format!("{member} has a {} dependency on {SHELL}; nothing may", kinds.join("+")));
            }
        }
    }
    out
}

/// Rule 4: the server is deployable alone: it links neither the shell nor tauri.
fn server_violations(meta: &Value) -> Vec<String> {
    let g = Graph::new(meta);
    if g.id(SERVER).is_none() {
        return vec![format!("{SERVER} is not in the workspace")];
    }
    g.closure(SERVER)
        .iter()
        .filter(|d| *d == SHELL || in_family(d, "tauri"))
        .map(|d| format!("{SERVER} depends on {d}; the server must build without the desktop shell"))
        .collect()
}

/// Rule 5: the front ends name neither the store nor the sync client as a dependency
/// (dev-dependencies are for their tests and stay allowed by rule 2's list).
fn front_end_violations(meta: &Value) -> Vec<String> {
    let g = Graph::new(meta);
    let mut out = Vec::new();
    for (front, _) in FRONT_ENDS {
        for (dep, kinds) in g.direct(front) {
            if let Some((_, why)) = PAST_THE_API.iter().find(|(p, _)| *p == dep).filter(|_| kinds.contains("normal")) {
                out.push(format!("{front} depends on {dep}; {why}"));
            }
        }
    }
    out
}

/// Rule 6: a front end's source does not reach past the api (`fb.store()`,
/// `firebreak_store::…`). `files` are (path, text); comments count too, which keeps the
/// rule simple and a stale comment honest.
fn source_violations(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        for (n, line) in text.lines().enumerate() {
            for needle in REACHES_PAST_THE_API.iter().filter(|s| line.contains(**s)) {
                out.push(format!("{path}:{}: `{needle}` reaches past firebreak-api", n + 1));
            }
        }
    }
    out
}

/// Rule 7: the api takes its clocks from the edge. `SystemClock` is named only where it is
/// implemented (crates/api/src/system.rs); everything else in the api is handed a clock
/// (the drill clock is built over the one the CLI or the window supplies).
fn clock_violations(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| !p.ends_with("crates/api/src/system.rs")) {
        for (n, _) in text.lines().enumerate().filter(|(_, l)| l.contains("SystemClock")) {
            out.push(format!("{path}:{}: the system clock is the edge's to supply; take a clock", n + 1));
        }
    }
    out
}

/// The Rust sources of the front ends, read from the workspace.
fn front_end_sources() -> Vec<(String, String)> {
    sources(FRONT_ENDS.iter().map(|(_, dir)| *dir))
}

/// The Rust files below `dirs` (relative to the workspace root), as (path, text).
fn sources<'a>(dirs: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in dirs {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("a front end's source folder is readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a source file is readable");
                    let shown = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
                    files.push((shown, text));
                }
            }
        }
    }
    assert!(files.len() > 5, "the sources were found ({} files)", files.len());
    files
}

fn assert_clean(rule: &str, violations: Vec<String>) {
    assert!(violations.is_empty(), "{rule}:\n{}", violations.join("\n"));
}

#[test]
fn pure_crates_reach_no_io() {
    assert_clean("pure crates", pure_violations(&metadata()));
}

#[test]
fn only_the_named_crates_use_the_store() {
    assert_clean("store users", store_violations(&metadata()));
}

#[test]
fn only_the_shell_depends_on_tauri() {
    assert_clean("tauri", tauri_violations(&metadata()));
}

#[test]
fn the_front_ends_go_through_the_api() {
    assert_clean("front ends", front_end_violations(&metadata()));
    assert_clean("front-end sources", source_violations(&front_end_sources()));
}

#[test]
fn the_api_reads_no_clock_of_its_own() {
    assert_clean("clocks", clock_violations(&sources(["crates/api/src"].into_iter())));
}

#[test]
fn the_server_depends_on_neither_the_shell_nor_tauri() {
    assert_clean("server", server_violations(&metadata()));
}

/// A crate of a doctored graph: its name and direct dependencies as `(name, kind)`.
type Node = (&'static str, &'static [(&'static str, Option<&'static str>)]);

/// A doctored `cargo metadata` document: `members` are workspace crates, each with its
/// direct dependencies as `(name, kind)` (`None` = normal, `Some("dev")`, `Some("build")`);
/// every name that appears is a package.
fn doctored(members: &[Node]) -> Value {
    let mut names: BTreeSet<&str> = members.iter().map(|(m, _)| *m).collect();
    for (_, deps) in members {
        names.extend(deps.iter().map(|(d, _)| *d));
    }
    let id = |n: &str| format!("{n} 0.1.0");
    let packages: Vec<Value> = names.iter().map(|n| json!({"id": id(n), "name": n})).collect();
    let nodes: Vec<Value> = members
        .iter()
        .map(|(m, deps)| {
            let deps: Vec<Value> =
                deps.iter().map(|(d, k)| json!({"pkg": id(d), "dep_kinds": [{"kind": k}]})).collect();
            json!({"id": id(m), "deps": deps})
        })
        .collect();
    let ws: Vec<String> = members.iter().filter(|(m, _)| m.starts_with("firebreak-")).map(|(m, _)| id(m)).collect();
    json!({"packages": packages, "workspace_members": ws, "resolve": {"nodes": nodes}})
}

/// The real shape in small: every rule passes on it.
fn sound() -> Vec<Node> {
    vec![
        ("firebreak-core", &[("serde", None)]),
        ("firebreak-policy", &[("firebreak-core", None), ("toml", None)]),
        ("firebreak-metrics", &[("chrono", None), ("criterion", Some("dev"))]),
        ("firebreak-drill", &[("serde", None)]),
        ("firebreak-pdf", &[("printpdf", None)]),
        ("firebreak-store", &[("firebreak-core", None), ("rusqlite", None)]),
        ("firebreak-api", &[("firebreak-store", None), ("firebreak-policy", None)]),
        ("firebreak-sync", &[("firebreak-store", None), ("reqwest", None), ("tokio", None)]),
        ("firebreak-server", &[("axum", None), ("firebreak-sync", None), ("firebreak-store", None)]),
        ("firebreak-cli", &[("firebreak-api", None), ("firebreak-store", Some("dev"))]),
        ("firebreak-app", &[("tauri", None), ("firebreak-api", None)]),
        ("reqwest", &[("hyper", None)]),
        ("axum", &[("hyper", None), ("tokio", None)]),
        ("tauri", &[("tokio", None)]),
        ("criterion", &[]),
    ]
}

fn with(extra: Node) -> Value {
    let mut g = sound();
    g.retain(|(m, _)| *m != extra.0);
    g.push(extra);
    doctored(&g)
}

#[test]
fn the_rules_pass_on_a_sound_graph() {
    let meta = doctored(&sound());
    assert_eq!(pure_violations(&meta), Vec::<String>::new());
    assert_eq!(store_violations(&meta), Vec::<String>::new());
    assert_eq!(tauri_violations(&meta), Vec::<String>::new());
    assert_eq!(server_violations(&meta), Vec::<String>::new());
    assert_eq!(front_end_violations(&meta), Vec::<String>::new());
}

#[test]
fn a_pure_crate_reaching_io_through_another_crate_fails() {
    // metrics → reqwest → hyper: both named, the indirect one too.
    let meta = with(("firebreak-metrics", &[("chrono", None), ("reqwest", None)]));
    let v = pure_violations(&meta);
    assert!(v.iter().any(|l| l.starts_with("firebreak-metrics depends on reqwest")), "{v:?}");
    assert!(v.iter().any(|l| l.starts_with("firebreak-metrics depends on hyper")), "{v:?}");
    // A family member counts; a dev-dependency does not link into the crate.
    let meta = with(("firebreak-pdf", &[("tokio-util", None), ("rusqlite", Some("dev"))]));
    assert_eq!(
        pure_violations(&meta),
        vec![
            "firebreak-pdf depends on tokio-util (directly or not): an async runtime means I/O or timers; \
              pure code is called, it does not wait"
        ]
    );
    // The core reaching the store through the policy crate.
    let meta = with(("firebreak-policy", &[("firebreak-store", None)]));
    let v = pure_violations(&meta);
    assert!(v.iter().any(|l| l.starts_with("firebreak-policy depends on rusqlite")), "{v:?}");
    assert!(v.iter().any(|l| l.starts_with("firebreak-policy depends on firebreak-store")), "{v:?}");
}

#[test]
fn a_crate_reaching_past_the_api_into_the_store_fails() {
    let meta = with(("firebreak-cli", &[("firebreak-api", None), ("firebreak-store", None)]));
    assert_eq!(
        store_violations(&meta),
        vec!["firebreak-cli has a normal dependency on firebreak-store; go through firebreak-api"]
    );
    let meta = with(("firebreak-drill", &[("firebreak-store", Some("dev"))]));
    assert_eq!(
        store_violations(&meta),
        vec!["firebreak-drill has a dev dependency on firebreak-store; go through firebreak-api"]
    );
    // The CLI's tests may read what the binary wrote, but the CLI may not link a store.
    let meta = with(("firebreak-cli", &[("firebreak-api", None), ("firebreak-store", Some("dev"))]));
    assert_eq!(store_violations(&meta), Vec::<String>::new());
    let meta = with(("firebreak-metrics", &[("firebreak-store", None)]));
    assert_eq!(
        store_violations(&meta),
        vec!["firebreak-metrics has a normal dependency on firebreak-store; go through firebreak-api"]
    );
}

#[test]
fn tauri_outside_the_shell_or_a_dependency_on_the_shell_fails() {
    let meta = with(("firebreak-api", &[("firebreak-store", None), ("tauri-plugin-notification", None)]));
    // The api names it; the cli links it through the api.
    assert_eq!(
        tauri_violations(&meta),
        vec![
            "firebreak-api depends on tauri-plugin-notification; only firebreak-app may",
            "firebreak-cli depends on tauri-plugin-notification; only firebreak-app may"
        ]
    );
    // Even a dev-dependency on the shell is refused.
    let meta = with(("firebreak-cli", &[("firebreak-api", None), ("firebreak-app", Some("dev"))]));
    let v = tauri_violations(&meta);
    assert_eq!(v, vec!["firebreak-cli has a dev dependency on firebreak-app; nothing may"]);
}

#[test]
fn a_server_linking_the_shell_fails() {
    let meta = with(("firebreak-server", &[("axum", None), ("firebreak-app", None)]));
    let v = server_violations(&meta);
    assert!(v.contains(
        &"firebreak-server depends on firebreak-app; the server must build without the desktop shell".into()
    ));
    assert!(v.contains(&"firebreak-server depends on tauri; the server must build without the desktop shell".into()));
}

#[test]
fn a_front_end_reaching_past_the_api_fails() {
    // The window linking the sync client itself (as background_sync.rs once did), and the
    // store: both refused, the store by rule 2 as well.
    let meta = with(("firebreak-app", &[("tauri", None), ("firebreak-sync", None), ("firebreak-store", None)]));
    assert_eq!(
        front_end_violations(&meta),
        vec![
            "firebreak-app depends on firebreak-sync; sync goes through firebreak-api's sync session",
            "firebreak-app depends on firebreak-store; the store is reached through firebreak-api"
        ]
    );
    assert_eq!(
        store_violations(&meta),
        vec!["firebreak-app has a normal dependency on firebreak-store; go through firebreak-api"]
    );
    // The source: a status view read from the store, and the store lent to a client.
    let file = |text: &str| vec![("crates/cli/src/sync.rs".to_string(), text.to_string())];
    assert_eq!(
        source_violations(&file("let ok = fb.sync_view()?;\nlet st = fb.store().sync_status()?;")),
        vec!["crates/cli/src/sync.rs:2: `.store()` reaches past firebreak-api"]
    );
    assert_eq!(
        source_violations(&file("let h = Mutex::new(fb.store_mut());\nuse firebreak_sync::SyncClient;")),
        vec![
            "crates/cli/src/sync.rs:1: `.store_mut()` reaches past firebreak-api",
            "crates/cli/src/sync.rs:2: `firebreak_sync::` reaches past firebreak-api"
        ]
    );
    // The api's own names for the same things are fine.
    assert_eq!(source_violations(&file("sync_session::deliver(&handle, &clock, &s, &o)")), Vec::<String>::new());
}

#[test]
fn the_api_naming_the_system_clock_outside_system_rs_fails() {
    let files = vec![
        ("crates/api/src/system.rs".to_string(), "pub struct SystemClock;".to_string()),
        (
            "crates/api/src/drill.rs".to_string(),
            "let c = drill_clock(real, d, 60);\nScaledClock::new(crate::system::SystemClock, s, 60)".to_string(),
        ),
    ];
    assert_eq!(
        clock_violations(&files),
        vec!["crates/api/src/drill.rs:2: the system clock is the edge's to supply; take a clock"]
    );
}
