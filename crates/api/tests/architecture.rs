//! The dependency invariants of ARCHITECTURE.md, read from `cargo metadata`:
//! the core is pure, only the shell depends on tauri, nothing depends on the shell.
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::process::Command;

fn metadata() -> Value {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--filter-platform", env!("FIREBREAK_HOST_TARGET")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Names of every package reachable from `root` through normal (not dev/build) deps.
fn closure(meta: &Value, root: &str) -> BTreeSet<String> {
    let names: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: HashMap<&str, &Value> =
        meta["resolve"]["nodes"].as_array().unwrap().iter().map(|n| (n["id"].as_str().unwrap(), n)).collect();
    let start = names.iter().find(|(_, n)| **n == root).map(|(id, _)| *id).expect("package exists");
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"].as_array().unwrap().iter().any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    seen.into_iter().map(|id| names[id].to_string()).filter(|n| n != root).collect()
}

fn assert_none_of(meta: &Value, root: &str, forbidden: &[&str]) {
    let deps = closure(meta, root);
    for f in forbidden {
        assert!(
            !deps.iter().any(|d| d == f || d.starts_with(&format!("{f}-"))),
            "{root} must not depend on {f} (directly or not)"
        );
    }
}

#[test]
fn core_is_pure() {
    let meta = metadata();
    assert_none_of(&meta, "firebreak-core", &["tauri", "rusqlite", "reqwest", "axum", "tokio", "hyper"]);
}

#[test]
fn only_the_shell_depends_on_tauri() {
    let meta = metadata();
    for p in meta["packages"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let is_member = p["source"].is_null();
        if is_member && name != "firebreak-app" {
            assert_none_of(&meta, name, &["tauri", "firebreak-app"]);
        }
    }
}
