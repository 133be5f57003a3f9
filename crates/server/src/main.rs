//! The `firebreak-server` binary: serves the relay, or runs an admin command against
//! the same database. anyhow lives here, at the edge.
use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use firebreak_server::{app, AppState, Storage};
use std::io::Write;
use std::sync::Arc;
use tokio::sync::watch;

#[derive(Parser)]
#[command(name = "firebreak-server", about = "Firebreak's team sync relay")]
struct Cli {
    /// Database: sqlite://PATH (default sqlite://firebreak-server.db) or postgres://USER@HOST/DB
    #[arg(long, global = true, env = "FIREBREAK_SERVER_DB", default_value = "sqlite://firebreak-server.db")]
    db: String,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the relay (the default).
    Serve,
    /// Manage teams, members and tokens.
    #[command(subcommand)]
    Admin(Admin),
}

#[derive(Subcommand)]
enum Admin {
    /// Create a team.
    CreateTeam { team: String },
    /// Add a person to a team (the name must match what they sign their ops with).
    AddMember { team: String, person: String },
    /// Issue an API token for a member; it is printed once and stored only hashed.
    IssueToken { team: String, person: String },
    /// Revoke every token of a member.
    RevokeToken { team: String, person: String },
    /// Give the database a new epoch after restoring a backup, so every client
    /// re-pushes its ops and pulls from zero.
    RotateEpoch,
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let storage = Storage::open(&cli.db).await.with_context(|| format!("opening the database {}", redact(&cli.db)))?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(storage, &cli.listen).await,
        Command::Admin(cmd) => admin(&storage, cmd).await,
    }
}

async fn admin(storage: &Storage, cmd: Admin) -> Result<()> {
    match cmd {
        Admin::CreateTeam { team } => {
            storage.create_team(&team).await?;
            println!("created team {team}");
        }
        Admin::AddMember { team, person } => {
            storage.add_member(&team, &person).await?;
            println!("{person} is a member of {team}");
        }
        Admin::IssueToken { team, person } => {
            let token = storage.issue_token(&team, &person).await?;
            println!("{token}");
            eprintln!("this token is shown once; give it to {person} for `firebreak remote set`");
        }
        Admin::RevokeToken { team, person } => {
            let n = storage.revoke_tokens(&team, &person).await?;
            println!("revoked {n} token(s) of {person} in {team}");
        }
        Admin::RotateEpoch => {
            let epoch = storage.rotate_epoch().await?;
            println!("new epoch {epoch}");
        }
    }
    Ok(())
}

async fn serve(storage: Storage, listen: &str) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let backend = storage.backend();
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = AppState::new(Arc::new(storage), stop_rx);
    tracing::info!(%addr, backend, "firebreak-server listening");
    println!("listening on http://{addr}");
    std::io::stdout().flush()?;
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests in flight");
            let _ = stop_tx.send(true);
        })
        .await
        .context("serving")?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// The database URL without its password, for error messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
