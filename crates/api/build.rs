//! Passes the host target triple to the architecture test (cargo metadata
//! --filter-platform), so it resolves only packages this machine builds.
fn main() {
    println!("cargo:rustc-env=FIREBREAK_HOST_TARGET={}", std::env::var("TARGET").unwrap_or_default());
}
