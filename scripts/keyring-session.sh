#!/usr/bin/env bash
# Runs a command with a real OS keyring: gnome-keyring's Secret Service, unlocked, in
# the current D-Bus session (call it inside `dbus-run-session`), keeping its keyring
# files in a throwaway folder so nothing touches the user's own keyring. Sets
# FIREBREAK_TEST_KEYRING=1 so the tests that need the keyring run and assert.
set -euo pipefail
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "keyring-session: run me inside dbus-run-session" >&2
  exit 2
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"
# The password only unlocks this throwaway keyring.
printf 'firebreak-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
export FIREBREAK_TEST_KEYRING=1
"$@"
