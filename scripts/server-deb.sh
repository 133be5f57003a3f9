#!/usr/bin/env bash
# Builds the firebreak-server .deb from a release binary and packaging/server/: the
# binary, a hardened systemd unit, a sysusers entry for its system user, the settings
# file /etc/default/firebreak-server (a conffile) and the maintainer scripts.
# Usage: bash scripts/server-deb.sh BINARY VERSION ARCH OUTDIR   (called by package.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 4 ]; then
  echo "usage: server-deb.sh BINARY VERSION ARCH OUTDIR" >&2
  exit 2
fi
bin=$1 version=$2 arch=$3 out=$4
pkg=firebreak-server
src=packaging/server
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/root"

# Stripped: a package carries no debug symbols (lintian), whatever build it is made from.
install -D -s -m 0755 "$bin" "$root/usr/bin/firebreak-server"
install -D -m 0644 "$src/firebreak-server.service" "$root/lib/systemd/system/firebreak-server.service"
install -D -m 0644 "$src/firebreak-server.sysusers" "$root/usr/lib/sysusers.d/firebreak-server.conf"
install -D -m 0644 "$src/firebreak-server.default" "$root/etc/default/firebreak-server"
install -D -m 0644 packaging/copyright "$root/usr/share/doc/$pkg/copyright"
mkdir -p "$root/DEBIAN"
for script in postinst prerm postrm; do install -m 0755 "$src/$script" "$root/DEBIAN/$script"; done
echo /etc/default/firebreak-server > "$root/DEBIAN/conffiles"

# A native package's changelog, one entry for this version (dated by the last commit,
# so the same tree gives the same package).
when=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf '%s (%s) stable; urgency=medium\n\n  * Firebreak %s.\n\n -- Firebreak maintainers <dev@firebreak.invalid>  %s\n' \
  "$pkg" "$version" "$version" "$when" | gzip -9n > "$root/usr/share/doc/$pkg/changelog.gz"

# Shared-library dependencies as dpkg-shlibdeps computes them for the binary.
mkdir -p "$stage/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$pkg" "$pkg" > "$stage/debian/control"
shlibs=$(cd "$stage" && dpkg-shlibdeps -O "root/usr/bin/firebreak-server" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
if [ -z "$shlibs" ]; then
  echo "server-deb: dpkg-shlibdeps found no library dependencies for $bin" >&2
  exit 1
fi

installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: Firebreak maintainers <dev@firebreak.invalid>
Installed-Size: $installed_kb
Depends: $shlibs, adduser
Section: net
Priority: optional
Description: Firebreak team sync server
 The team's authenticated, team-scoped, append-only relay for Firebreak, the
 offline-first incident command app. Laptops push their ops and pull their
 team's; the server keeps them in SQLite or PostgreSQL.
 .
 Runs as the firebreak-server system user under systemd; settings are in
 /etc/default/firebreak-server and data in /var/lib/firebreak-server.
EOF
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control" "$root/DEBIAN/conffiles"
find "$root" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/${pkg}_${version}_${arch}.deb" >/dev/null
echo "server-deb: $out/${pkg}_${version}_${arch}.deb"
