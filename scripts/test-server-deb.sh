#!/usr/bin/env bash
# Tests the firebreak-server .deb as installed (CI, as root): installs it, checks the
# service user, the files and the systemd unit, then starts the installed binary as the
# service user with the installed settings file against a fresh SQLite database and
# serves one sync round between two laptops (the installed `firebreak` CLI, or
# FIREBREAK_CLI_BIN).
# Usage: bash scripts/test-server-deb.sh dist/firebreak-server_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$1
fail() { echo "test-server-deb: $*" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

case "$deb" in /*) ;; *) deb="./$deb" ;; esac  # apt-get takes a file only as a path
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >/dev/null
[ -x /usr/bin/firebreak-server ] || fail "/usr/bin/firebreak-server is not installed"
getent passwd firebreak-server >/dev/null || fail "the postinst did not create the firebreak-server user"
shell=$(getent passwd firebreak-server | cut -d: -f7)
case "$shell" in */nologin|*/false) ;; *) fail "the service user may log in (shell $shell)" ;; esac
dpkg-query -W -f='${Conffiles}\n' firebreak-server | grep -q /etc/default/firebreak-server \
  || fail "/etc/default/firebreak-server is not a conffile"
version=$(dpkg-query -W -f='${Version}' firebreak-server)
/usr/bin/firebreak-server --version | grep -qx "firebreak-server $version" || fail "--version does not say $version"

# The unit: systemd's own checker (works without systemd running as PID 1; it loads the
# unit and its dependencies from disk and checks every directive and the ExecStart binary).
unit=/lib/systemd/system/firebreak-server.service
$SUDO systemd-analyze verify "$unit"
for want in "User=firebreak-server" "StateDirectory=firebreak-server" "EnvironmentFile=/etc/default/firebreak-server" \
  "ProtectSystem=strict" "NoNewPrivileges=yes" "PrivateTmp=yes" "ProtectHome=yes"; do
  grep -qx "$want" "$unit" || fail "the unit lacks $want"
done
# The unit's hardening as systemd reads it (exposure score; informative).
$SUDO systemd-analyze security --offline=true "$unit" 2>/dev/null | tail -1 || true

# The installed binary, as the service user, with the installed settings; the database
# is a fresh one in the state directory, the port a free one.
work=$(mktemp -d)
state=/var/lib/firebreak-server
$SUDO install -d -o firebreak-server -g firebreak-server -m 0750 "$state"
db="sqlite://$state/ci-$$.db"
as_service() {
  $SUDO env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -c 'set -a; . /etc/default/firebreak-server; set +a; exec "$@"' service \
    runuser -u firebreak-server -- env FIREBREAK_SERVER_DB="$db" "$@"
}
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  $SUDO rm -f "$state/ci-$$.db" "$state/ci-$$.db-wal" "$state/ci-$$.db-shm"
  rm -rf "$work"
}
trap cleanup EXIT
as_service /usr/bin/firebreak-server admin create-team sre >/dev/null
as_service /usr/bin/firebreak-server admin add-member sre ana >/dev/null
as_service /usr/bin/firebreak-server admin add-member sre bo >/dev/null
token_a=$(as_service /usr/bin/firebreak-server admin issue-token sre ana 2>/dev/null)
token_b=$(as_service /usr/bin/firebreak-server admin issue-token sre bo 2>/dev/null)
[ "$($SUDO stat -c %U "$state/ci-$$.db")" = firebreak-server ] || fail "the database is not owned by the service user"

as_service env FIREBREAK_SERVER_LISTEN=127.0.0.1:0 /usr/bin/firebreak-server serve >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on //p' "$work/server.out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server stopped: $(cat "$work/server.err")"
  sleep 0.1
done
[ -n "$url" ] || fail "the server did not say where it listens"
# Port 0 came from FIREBREAK_SERVER_LISTEN (the settings file's variable), not --listen.
[ "$url" != "http://127.0.0.1:8787" ] || fail "FIREBREAK_SERVER_LISTEN was not read"

# The laptops' CLI: the installed one, or FIREBREAK_CLI_BIN (CI tests the server package
# before a desktop package exists).
cli=${FIREBREAK_CLI_BIN:-/usr/bin/firebreak}
fb() { local dir=$1 user=$2; shift 2; FIREBREAK_DATA_DIR="$work/$dir" FIREBREAK_SECRETS=file USER=$user "$cli" "$@"; }
fb a ana remote set "$url" --team sre --token "$token_a" >/dev/null
fb b bo remote set "$url" --team sre --token "$token_b" >/dev/null
id=$(fb a ana incident declare --title "Installed server round" --severity SEV2)
fb a ana timeline add "$id" --kind note --text "through the packaged server" >/dev/null
fb a ana sync | grep -q "pushed 2" || fail "laptop a did not push its two ops"
fb b bo sync >/dev/null
fb b bo --json incident show "$id" | grep -q "through the packaged server" || fail "laptop b did not receive the note"
echo "test-server-deb: installed server served a sync round at $url (version $version)"
