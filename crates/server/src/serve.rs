//! Serving the router on a socket: plain HTTP, or HTTPS with rustls when the admin
//! gives a certificate and key, both with the connection limits that keep a slow or
//! idle client from holding the server's sockets (a header-read timeout against
//! slowloris, a bound on the wait for the first request and the TLS handshake).
//! Lives in the library (not `main.rs`) so tests serve a real socket in-process.
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long a client may take to send a request's headers (and its first request
/// after connecting) before the connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a TLS handshake may take.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// After a stop signal: how long requests in flight may finish before they are cut.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Below this many open files the server warns at start: every laptop holding a
/// long-poll keeps a socket open, and a team of teams easily has a thousand.
pub const FEW_OPEN_FILES: u64 = 4_096;

/// Raises this process's soft limit on open files to its hard limit and returns
/// (before, after). Every held long-poll is an open socket; systemd and most shells
/// start services at a soft limit of 1,024 (with a far higher hard limit that a process
/// may raise itself to), which a thousand laptops exhaust: past it the listener cannot
/// accept, and new connections wait until another closes.
#[cfg(unix)]
pub fn raise_open_file_limit() -> std::io::Result<(u64, u64)> {
    let (before, hard) = rlimit::Resource::NOFILE.get()?;
    if before >= hard {
        return Ok((before, before));
    }
    let after = rlimit::increase_nofile_limit(hard)?;
    Ok((before, after))
}

/// Elsewhere there is no such limit to raise.
#[cfg(not(unix))]
pub fn raise_open_file_limit() -> std::io::Result<(u64, u64)> {
    Ok((u64::MAX, u64::MAX))
}

/// How to serve: TLS or not, and the header-read timeout (shorter in tests).
#[derive(Clone)]
pub struct ServeOptions {
    pub tls: Option<RustlsConfig>,
    pub header_read_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions { tls: None, header_read_timeout: HEADER_READ_TIMEOUT }
    }
}

impl std::fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeOptions")
            .field("tls", &self.tls.is_some())
            .field("header_read_timeout", &self.header_read_timeout)
            .finish()
    }
}

/// Reads a PEM certificate chain and its private key into a rustls server config
/// (ring provider, TLS 1.2 and 1.3, HTTP/1.1). Every problem is one line naming the
/// file and what is wrong with it.
pub fn load_tls(cert: &Path, key: &Path) -> Result<RustlsConfig, String> {
    let certs_pem = std::fs::read(cert).map_err(|e| format!("--tls-cert {}: cannot read it: {e}", cert.display()))?;
    let key_pem = std::fs::read(key).map_err(|e| format!("--tls-key {}: cannot read it: {e}", key.display()))?;
    let certs = CertificateDer::pem_slice_iter(&certs_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("--tls-cert {}: not a PEM certificate chain: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("--tls-cert {}: no certificate in it (expected PEM BEGIN CERTIFICATE)", cert.display()));
    }
    let key_der = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| format!("--tls-key {}: no PEM private key in it (PKCS#8, PKCS#1 or SEC1): {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key_der)
        .map_err(|e| {
            format!("--tls-cert {} and --tls-key {} do not make a usable pair: {e}", cert.display(), key.display())
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}

/// Serves `router` on `listener` until `shutdown` completes, then lets requests in
/// flight finish for up to [`SHUTDOWN_GRACE`].
pub async fn serve(
    listener: std::net::TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(SHUTDOWN_GRACE));
    });
    let service = router.into_make_service();
    let timeout = options.header_read_timeout;
    match options.tls {
        None => {
            let mut server = axum_server::from_tcp(listener)?.handle(handle).first_request_timeout(timeout);
            server.http_builder().http1().header_read_timeout(timeout);
            server.serve(service).await
        }
        Some(tls) => {
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls).handshake_timeout(HANDSHAKE_TIMEOUT);
            let mut server =
                axum_server::from_tcp(listener)?.acceptor(acceptor).handle(handle).first_request_timeout(timeout);
            server.http_builder().http1().header_read_timeout(timeout);
            server.serve(service).await
        }
    }
}
