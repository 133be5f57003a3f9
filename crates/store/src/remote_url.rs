//! Whether a sync server address sends the team's record and the member's token in
//! the clear across a network: plain `http://` to a host other than this machine.
//! One definition for the api (refused when a remote is set) and the sync client
//! (refused when it connects), kept beside [`crate::RemoteConfig`] that both share.
use std::net::{Ipv4Addr, Ipv6Addr};

/// The host of a plain `http://` address that is not loopback (127.0.0.0/8, ::1,
/// `localhost`); `None` for https and for loopback.
pub fn plain_http_host(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.get(..7).filter(|s| s.eq_ignore_ascii_case("http://")).map(|_| &url[7..])?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!is_loopback_host(&host)).then_some(host)
}

/// `localhost`, an address in 127.0.0.0/8, `::1`, or `::ffff:127.x.y.z`.
pub fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return v4.is_loopback();
    }
    if let Ok(v6) = host.parse::<Ipv6Addr>() {
        return v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_off_this_machine_is_flagged() {
        for ok in [
            "https://fb.example",
            "https://10.0.0.5:8443",
            "http://127.0.0.1:8787",
            "http://127.8.9.10/",
            "HTTP://LOCALHOST:1",
            "http://localhost.",
            "http://[::1]:8787/x",
            "http://[::ffff:127.0.0.1]:80",
            "http://user:pw@127.0.0.1:9",
        ] {
            assert_eq!(plain_http_host(ok), None, "{ok}");
        }
        for (bad, host) in [
            ("http://fb.example", "fb.example"),
            ("http://10.0.0.5:8787/", "10.0.0.5"),
            ("http://128.0.0.1", "128.0.0.1"),
            ("http://[2001:db8::1]:80", "2001:db8::1"),
            ("http://localhost.evil.example", "localhost.evil.example"),
            ("http://127.0.0.1@fb.example", "fb.example"),
            ("http://127.0.0.1.nip.io", "127.0.0.1.nip.io"),
        ] {
            assert_eq!(plain_http_host(bad).as_deref(), Some(host), "{bad}");
        }
    }
}
