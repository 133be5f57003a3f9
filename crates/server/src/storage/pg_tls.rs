//! PostgreSQL connection settings from a `postgres://` URL, with TLS: libpq's
//! `sslmode` values (tokio-postgres itself knows only disable/prefer/require) and
//! `sslrootcert=FILE` for a private CA, turned into a tokio-postgres config and a
//! rustls connector (ring provider; the system's roots plus `sslrootcert`).
//!
//! Whenever TLS is used the server's certificate and host name are verified — also for
//! `require` and `verify-ca`, where libpq would check less: a database that holds the
//! team's record is not worth a connection to an unverified peer. Without `sslmode`,
//! or with `disable`, the connection is plain, as before.
use super::{Result, StorageError};
use std::str::FromStr;
use std::sync::Arc;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

/// How the server connects to PostgreSQL.
#[derive(Clone)]
pub(crate) struct PgTarget {
    pub config: tokio_postgres::Config,
    /// `None`: plain TCP (no `sslmode`, or `disable`).
    pub tls: Option<MakeRustlsConnect>,
}

impl std::fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgTarget").field("tls", &self.tls.is_some()).finish_non_exhaustive()
    }
}

/// Splits `sslmode` and `sslrootcert` out of a URL's query (tokio-postgres refuses
/// what it does not know) and returns the rest of the URL with them.
fn split_tls_params(url: &str) -> (String, Option<String>, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None, None);
    };
    let (mut mode, mut root, mut kept) = (None, None, Vec::new());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", v)) => mode = Some(percent_decode(v)),
            Some(("sslrootcert", v)) => root = Some(percent_decode(v)),
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    (url, mode, root)
}

/// `%2F` → `/` (a path in a URL query is often encoded); anything malformed is kept.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a `postgres://` URL with optional `sslmode` and `sslrootcert`.
pub(crate) fn parse(url: &str) -> Result<PgTarget> {
    let (rest, mode, root) = split_tls_params(url);
    let mut config = tokio_postgres::Config::from_str(&rest)
        .map_err(|e| StorageError::BadUrl(format!("bad PostgreSQL URL: {e}")))?;
    let ssl_mode = match mode.as_deref() {
        None => None,
        Some("disable") => Some(SslMode::Disable),
        Some("prefer") => Some(SslMode::Prefer),
        Some("require" | "verify-ca" | "verify-full") => Some(SslMode::Require),
        Some(other) => {
            return Err(StorageError::BadUrl(format!(
                "sslmode={other} is not supported; use disable, prefer, require, verify-ca or verify-full"
            )))
        }
    };
    let tls = match ssl_mode {
        None | Some(SslMode::Disable) => {
            if root.is_some() && ssl_mode.is_some() {
                return Err(StorageError::BadUrl("sslrootcert is given but sslmode=disable turns TLS off".into()));
            }
            config.ssl_mode(SslMode::Disable);
            None
        }
        Some(mode) => {
            config.ssl_mode(mode);
            Some(connector(root.as_deref())?)
        }
    };
    Ok(PgTarget { config, tls })
}

/// A rustls connector trusting the system's roots and, if given, the PEM file's.
fn connector(root_file: Option<&str>) -> Result<MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(path) = root_file {
        use rustls::pki_types::pem::PemObject;
        let pem = std::fs::read(path).map_err(|e| StorageError::BadUrl(format!("sslrootcert {path}: {e}")))?;
        let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&pem)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| StorageError::BadUrl(format!("sslrootcert {path}: not PEM certificates: {e}")))?;
        let (added, _) = roots.add_parsable_certificates(certs);
        if added == 0 {
            return Err(StorageError::BadUrl(format!("sslrootcert {path}: no usable CA certificate in it")));
        }
    }
    // Unreadable system certificates are skipped; with none at all and no
    // sslrootcert, nothing could be verified.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if roots.is_empty() {
        return Err(StorageError::BadUrl(
            "TLS to PostgreSQL needs CA certificates: none found on this system; give sslrootcert=FILE".into(),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StorageError::BadUrl(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_without_tls_stay_plain() {
        for url in ["postgres://fb@db.example/firebreak", "postgres://fb@db.example/firebreak?sslmode=disable"] {
            let t = parse(url).unwrap();
            assert!(t.tls.is_none(), "{url}");
            assert_eq!(t.config.get_ssl_mode(), SslMode::Disable, "{url}");
            assert_eq!(t.config.get_dbname(), Some("firebreak"));
        }
    }

    #[test]
    fn tls_modes_build_a_verifying_connector_and_keep_other_parameters() {
        let dir = tempfile::tempdir().unwrap();
        let ca = rcgen::generate_simple_self_signed(vec!["db.example".into()]).unwrap();
        let ca_file = dir.path().join("ca dir").join("root.pem");
        std::fs::create_dir_all(ca_file.parent().unwrap()).unwrap();
        std::fs::write(&ca_file, ca.cert.pem()).unwrap();
        let encoded = ca_file.display().to_string().replace(' ', "%20");
        for (mode, expected) in [
            ("require", SslMode::Require),
            ("verify-ca", SslMode::Require),
            ("verify-full", SslMode::Require),
            ("prefer", SslMode::Prefer),
        ] {
            let url = format!(
                "postgres://fb:pw@db.example:5433/firebreak?application_name=fb&sslmode={mode}&sslrootcert={encoded}"
            );
            let t = parse(&url).unwrap();
            assert!(t.tls.is_some(), "{mode} uses TLS");
            assert_eq!(t.config.get_ssl_mode(), expected);
            assert_eq!(t.config.get_application_name(), Some("fb"));
            assert_eq!(t.config.get_ports(), &[5433]);
        }
    }

    #[test]
    fn bad_tls_settings_are_one_clear_error() {
        let err = |url: &str| parse(url).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err("postgres://fb@h/db?sslmode=sometimes").contains("sslmode=sometimes is not supported"));
        assert!(err("postgres://fb@h/db?sslmode=require&sslrootcert=/no/such/ca.pem")
            .contains("sslrootcert /no/such/ca.pem"));
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        let e = err(&format!("postgres://fb@h/db?sslmode=verify-full&sslrootcert={}", junk.display()));
        assert!(e.contains("no usable CA certificate"), "{e}");
        assert!(err("postgres://fb@h/db?sslmode=disable&sslrootcert=/x").contains("sslmode=disable"));
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("%2Fetc%2Fssl%20x"), "/etc/ssl x");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
