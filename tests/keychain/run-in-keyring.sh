#!/bin/sh
# Runs one test inside a private D-Bus session with a fresh, unlocked gnome-keyring, a
# throw-away HOME and XDG_RUNTIME_DIR, so that the test never touches the user's real keychain
# and no daemon outlives it.
#   run-in-keyring.sh <test executable> [arguments]
set -eu
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
    echo "SKIP: dbus-run-session or gnome-keyring-daemon is not installed" >&2
    exit 77
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tango-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/home" "$scratch/run"
chmod 700 "$scratch/run"
export HOME="$scratch/home"
export XDG_RUNTIME_DIR="$scratch/run"
export XDG_DATA_HOME="$scratch/home/.local/share"
export XDG_CONFIG_HOME="$scratch/home/.config"
export XDG_CACHE_HOME="$scratch/home/.cache"
unset DBUS_SESSION_BUS_ADDRESS
# The keyring's password is irrelevant: the keyring lives and dies with this directory.
dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
