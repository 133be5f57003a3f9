//! The `firebreak-server` binary: serves the relay, or runs an admin command against
//! the same database. anyhow lives here, at the edge.
use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use firebreak_server::serve::{load_tls, raise_open_file_limit, serve, ServeOptions, FEW_OPEN_FILES};
use firebreak_server::wake::{PollLimits, MAX_POLLS_PER_MEMBER, MAX_POLLS_PER_TEAM};
use firebreak_server::{app, AppState, Storage};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::watch;

#[derive(Parser)]
#[command(name = "firebreak-server", version, about = "Firebreak's team sync relay")]
struct Cli {
    /// Database: sqlite://PATH (default sqlite://firebreak-server.db) or postgres://USER@HOST/DB
    #[arg(long, global = true, env = "FIREBREAK_SERVER_DB", default_value = "sqlite://firebreak-server.db")]
    db: String,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, env = "FIREBREAK_SERVER_LISTEN", default_value = "127.0.0.1:8787")]
    listen: String,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "FILE", env = "FIREBREAK_SERVER_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", env = "FIREBREAK_SERVER_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Pulls one member may hold waiting at once; more are answered 429 at once.
    #[arg(long, default_value_t = MAX_POLLS_PER_MEMBER)]
    max_polls_per_member: usize,
    /// Pulls one team may hold waiting at once; more are answered 429 at once.
    #[arg(long, default_value_t = MAX_POLLS_PER_TEAM)]
    max_polls_per_team: usize,
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
    /// Write a consistent copy of the SQLite database while the server runs (complete or
    /// absent, mode 0600). PostgreSQL: use pg_dump (the command is printed). After
    /// restoring a backup, run `rotate-epoch`.
    Backup {
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    // A bad certificate or key is said before anything else is opened.
    let tls = match (&cli.tls_cert, &cli.tls_key) {
        (Some(cert), Some(key)) => Some(load_tls(cert, key).map_err(anyhow::Error::msg)?),
        _ => None,
    };
    if let Some(Command::Admin(Admin::Backup { output })) = &cli.command {
        // Before `Storage::open`, which would create a database that is not there.
        return backup(&cli.db, output);
    }
    let storage = Storage::open(&cli.db).await.with_context(|| format!("opening the database {}", redact(&cli.db)))?;
    let limits = PollLimits { per_member: cli.max_polls_per_member.max(1), per_team: cli.max_polls_per_team.max(1) };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => run(storage, &cli.listen, ServeOptions { tls, ..ServeOptions::default() }, limits).await,
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
        Admin::Backup { .. } => anyhow::bail!("admin backup runs before the database is opened"),
    }
    Ok(())
}

/// `admin backup`: SQLite through `VACUUM INTO` (the laptop's backup function); for
/// PostgreSQL the tool is pg_dump, whose command is printed.
fn backup(db: &str, output: &std::path::Path) -> Result<()> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        anyhow::bail!(
            "admin backup copies SQLite databases only; back PostgreSQL up with pg_dump: \
             pg_dump --format=custom --file {} '{}' (the password from PGPASSWORD or ~/.pgpass)",
            output.display(),
            redact(db)
        );
    }
    let Some(path) = db.strip_prefix("sqlite://") else {
        anyhow::bail!("--db must be sqlite://PATH or postgres://…, not {}", redact(db));
    };
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening the database {path}"))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let bytes = firebreak_store::backup::snapshot(&conn, output).map_err(anyhow::Error::msg)?;
    println!(
        "wrote {} ({bytes} bytes); after restoring it, run `firebreak-server admin rotate-epoch`",
        output.display()
    );
    Ok(())
}

async fn run(storage: Storage, listen: &str, options: ServeOptions, limits: PollLimits) -> Result<()> {
    open_file_limit();
    let listener = std::net::TcpListener::bind(listen).with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let backend = storage.backend();
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = AppState::with_limits(Arc::new(storage), stop_rx, limits);
    let scheme = if options.tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, backend, scheme, "firebreak-server listening");
    println!("listening on {scheme}://{addr}");
    std::io::stdout().flush()?;
    let stop = async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = stop_tx.send(true);
    };
    serve(listener, app(state), options, stop).await.context("serving")?;
    Ok(())
}

/// Every held long-poll keeps a socket open: take the most open files allowed, and say
/// so when that is still few.
fn open_file_limit() {
    match raise_open_file_limit() {
        Ok((before, after)) => {
            if after > before {
                tracing::info!(before, after, "raised the open-file limit (a socket per waiting laptop)");
            }
            if after < FEW_OPEN_FILES {
                tracing::warn!(
                    limit = after,
                    "the open-file limit allows fewer than {FEW_OPEN_FILES} connections at once; each laptop's \
                     waiting pull holds one (raise LimitNOFILE or `ulimit -Hn`)"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not read or raise the open-file limit"),
    }
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
