//! Generates `ui/src/ipc/bindings.ts`: the TypeScript types of every IPC input, result
//! and error, and one typed wrapper per command. The list of commands lives here, once;
//! `src-tauri/src/commands.rs` must define each (a test checks), and the committed file
//! must equal what this generates (a test checks; `UPDATE_BINDINGS=1 cargo test -p
//! firebreak-api` rewrites it).
use crate::dto::*;
use crate::error::{ApiError, ErrorCode};
use firebreak_core::incident::{Milestones, Status};
use firebreak_core::timeline::{Change, EntryKind};
use ts_rs::TS;

/// One IPC command: its Rust/IPC name, its single `input` argument (TS type) if any,
/// and its result type.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub name: &'static str,
    pub input: Option<&'static str>,
    pub output: &'static str,
}

pub const COMMANDS: &[Command] = &[
    Command {
        name: "whoami",
        input: None,
        output: "Identity",
    },
    Command {
        name: "set_whoami",
        input: Some("string"),
        output: "Identity",
    },
    Command {
        name: "list_levels",
        input: None,
        output: "LevelInfo[]",
    },
    Command {
        name: "list_incidents",
        input: None,
        output: "IncidentSummary[]",
    },
    Command {
        name: "show_incident",
        input: Some("string"),
        output: "IncidentDetail",
    },
    Command {
        name: "declare_incident",
        input: Some("DeclareInput"),
        output: "IncidentDetail",
    },
    Command {
        name: "set_status",
        input: Some("StatusInput"),
        output: "IncidentDetail",
    },
    Command {
        name: "set_severity",
        input: Some("SeverityInput"),
        output: "IncidentDetail",
    },
    Command {
        name: "add_entry",
        input: Some("EntryInput"),
        output: "IncidentDetail",
    },
];

fn decls() -> Vec<String> {
    vec![
        Status::decl(),
        EntryKind::decl(),
        Change::decl(),
        Milestones::decl(),
        ErrorCode::decl(),
        ApiError::decl(),
        Identity::decl(),
        LevelInfo::decl(),
        DeclareInput::decl(),
        StatusInput::decl(),
        SeverityInput::decl(),
        EntryInput::decl(),
        IncidentSummary::decl(),
        EntryView::decl(),
        IncidentDetail::decl(),
    ]
}

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in name.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole generated TypeScript file.
pub fn typescript() -> String {
    let mut out = String::from(
        "// Generated from the Rust types by crates/api/src/bindings.rs. Do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p firebreak-api --test bindings\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n",
    );
    for d in decls() {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push('\n');
    }
    out.push_str("\n/** Every IPC command, typed. Errors reject with an `ApiError`. */\nexport const commands = {\n");
    for c in COMMANDS {
        let (param, args) = match c.input {
            Some(t) => (format!("input: {t}"), ", { input }"),
            None => (String::new(), ""),
        };
        out.push_str(&format!(
            "  {}: ({param}) => invoke<{}>(\"{}\"{args}),\n",
            camel(c.name),
            c.output,
            c.name
        ));
    }
    out.push_str("};\n");
    out
}
