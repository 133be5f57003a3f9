#!/usr/bin/env bash
# Builds Firebreak's installable packages into dist/: the desktop app (window + `firebreak`
# CLI) as a .deb and an AppImage, the team server as a .deb with a systemd unit, and
# SHA256SUMS of every artifact. Release builds with the UI embedded (no dev server).
# Usage: bash scripts/package.sh   (after scripts/setup.sh, which installs the tools)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
start=$(date +%s)
say() { printf 'package: %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

version=$(cargo metadata --no-deps --format-version 1 --offline 2>/dev/null | python3 -c '
import json, sys
print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "firebreak-server"))')
triple=$(rustc -vV | sed -n 's/^host: //p')
arch=$(dpkg --print-architecture)
dist=dist
rm -rf "$dist"
mkdir -p "$dist"
say "Firebreak $version for $triple ($arch)"

say "UI: production build"
(cd ui && npx tsc --noEmit && npx vite build --logLevel warn)

say "CLI and server: release build"
cargo build --release --locked -p firebreak-cli -p firebreak-server
release="$CARGO_TARGET_DIR/release"

# The CLI rides in the desktop packages as a Tauri external binary (/usr/bin/firebreak).
mkdir -p src-tauri/binaries
cp "$release/firebreak" "src-tauri/binaries/firebreak-$triple"
# The Debian changelog of this version (dated by the last commit), for the desktop .deb.
when=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf 'firebreak (%s) stable; urgency=medium\n\n  * Firebreak %s.\n\n -- Firebreak maintainers <dev@firebreak.invalid>  %s\n' \
  "$version" "$version" "$when" | gzip -9n > src-tauri/binaries/changelog.gz

say "desktop: release build and .deb (Tauri bundler)"
# --config merges the packaging-only settings (the CLI as external binary, Debian fields)
# over src-tauri/tauri.conf.json; `tauri build` turns on custom-protocol (embedded UI).
(cd src-tauri && ../ui/node_modules/.bin/tauri build --ci --bundles deb --config tauri.package.conf.json)
# Named as Debian names it (package_version_arch.deb), not after the product name.
cp "$release"/bundle/deb/*_"$version"_"$arch".deb "$dist/firebreak_${version}_${arch}.deb"

say "desktop: AppImage"
bash scripts/appimage.sh "$(ls "$dist"/*.deb)" "$version" "$arch" "$dist"

say "server: .deb"
bash scripts/server-deb.sh "$release/firebreak-server" "$version" "$arch" "$dist"

(cd "$dist" && sha256sum -- * > SHA256SUMS)
say "done"
(cd "$dist" && ls -l --block-size=K -- * && cat SHA256SUMS)
