#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages that livetui needs and pip cannot bring.
#
#   scripts/install-system-deps.sh [PYTHON]
#
# PYTHON is the interpreter that will create .venv: we check that it can make a
# venv (Debian ships ensurepip separately) and that its headers exist (PyAudio
# has no Linux wheel and compiles against them).
#
# Environment:
#   DRY_RUN=1          print the install commands instead of running them
#   ASSUME_MISSING=1   act as if nothing were installed (to test this script)
#
# The Makefile runs this once and keeps a stamp in .stamps/, so a second
# `make` does not even start it; when it does run, all packages are checked
# in one dpkg-query call, which takes milliseconds.
set -euo pipefail

PYTHON="${1:-}"
DRY_RUN="${DRY_RUN:-0}"
ASSUME_MISSING="${ASSUME_MISSING:-0}"

# portaudio19-dev: PyAudio builds from source against PortAudio's headers.
# pulseaudio, pulseaudio-utils, libasound2-plugins: the audio tests play and
#   record through virtual PulseAudio sinks; PyAudio's default ALSA device
#   reaches them through ALSA's pulse plugin.
# espeak-ng, sox: the simulator and the audio tests make and convert speech.
packages=(portaudio19-dev libasound2-plugins pulseaudio pulseaudio-utils espeak-ng sox)

say() { echo "$*" >&2; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    # Not Debian/Ubuntu: we cannot check, so say what is needed and let pip try.
    say "note: not a Debian/Ubuntu system; make sure the equivalents of these are installed: ${packages[*]} and a C compiler"
    exit 0
fi

# A C compiler for PyAudio. Checked by command, not by package: gcc may come
# without the build-essential meta-package.
if [[ "$ASSUME_MISSING" == 1 ]] || { ! command -v cc && ! command -v gcc; } >/dev/null 2>&1; then
    packages+=(build-essential)
fi

# Node and npm: tests/js runs Google's JavaScript SDK against the simulator. Checked
# by command too: a Node from elsewhere (NodeSource, nvm) brings its own npm, and
# Debian's npm package would conflict with it.
if [[ "$ASSUME_MISSING" == 1 ]] || ! { command -v node && command -v npm; } >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

# Interpreter-specific packages. Only Debian's own interpreters (under /usr)
# can be fixed with apt; for others (pyenv, a custom build) we can only warn.
if [[ -n "$PYTHON" ]]; then
    info="$("$PYTHON" - <<'EOF'
import importlib.util, os, sys, sysconfig
headers = os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))
ensurepip = importlib.util.find_spec("ensurepip") is not None
print("%d.%d" % sys.version_info[:2], int(headers), int(ensurepip), sys.base_prefix)
EOF
)" || { say "error: $PYTHON does not run"; exit 1; }
    read -r py_ver py_has_headers py_has_ensurepip py_prefix <<<"$info"
    [[ "$ASSUME_MISSING" == 1 ]] && py_has_headers=0 py_has_ensurepip=0
    if [[ "$py_prefix" == /usr ]]; then
        # Debian moves ensurepip into python3.X-venv; without it `python -m venv` fails.
        [[ "$py_has_ensurepip" == 1 ]] || packages+=("python${py_ver}-venv")
        [[ "$py_has_headers" == 1 ]] || packages+=("python${py_ver}-dev")
    else
        [[ "$py_has_ensurepip" == 1 ]] || say "warning: $PYTHON has no ensurepip, so it cannot create .venv; use another (make PYTHON=/path/to/python3.11 ...)"
        [[ "$py_has_headers" == 1 ]] || say "warning: $PYTHON has no Python.h, so PyAudio will not build; use another (make PYTHON=/path/to/python3.11 ...)"
    fi
fi

# One dpkg-query for all of them. Unknown packages make it complain and exit 1;
# they simply count as missing.
missing=()
if [[ "$ASSUME_MISSING" == 1 ]]; then
    missing=("${packages[@]}")
else
    installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)"
    for p in "${packages[@]}"; do
        grep -qx "$p install ok installed" <<<"$installed" || missing+=("$p")
    done
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

# Root runs apt-get directly; otherwise sudo, but never a password prompt
# (CI has no stdin, and a prompt hidden behind make is confusing).
if [[ $EUID -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    if command -v sudo >/dev/null 2>&1; then
        how="sudo needs a password, so run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    else
        how="not root and no sudo, so as root run: apt-get update && apt-get install -y ${missing[*]}"
    fi
    say "error: missing system packages: ${missing[*]}; $how; then run make again"
    exit 1
fi

say "installing system packages: ${missing[*]}"
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
if [[ "$DRY_RUN" == 1 ]]; then
    say "would run: ${apt[*]} update"
    say "would run: ${apt[*]} install --no-install-recommends ${missing[*]}"
    exit 0
fi

# apt's output goes to a log and is shown only when it fails.
log="$(mktemp "${TMPDIR:-/tmp}/livetui-apt.XXXXXX")"
if ! { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    say "error: apt-get failed (full log: $log)"
    exit 1
fi
rm -f "$log"
