#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages that livetui needs and pip cannot bring.
#
#   scripts/install-system-deps.sh run|test [PYTHON]
#
# run:  what running the console and the simulator needs (`make run`, `make sim`).
# test: that, and what only the tests use (`make test`): a PulseAudio server for
#       their private virtual devices, its clients, sox, Node for tests/js.
#
# PYTHON is the interpreter that will create .venv: we check that it can make a
# venv (Debian ships ensurepip separately) and that its headers exist (PyAudio
# has no Linux wheel and compiles against them).
#
# Environment:
#   DRY_RUN=1          print the install commands instead of running them
#   ASSUME_MISSING=1   act as if nothing were installed (to test this script)
#   LIVETUI_INSTALL_PULSEAUDIO=1  on a PipeWire machine, install the pulseaudio
#                      package for the audio tests anyway (see below)
#
# The Makefile runs this once per profile and keeps a stamp in .stamps/, so a
# second `make` does not even start it; when it does run, all packages (and the
# sound server's) are checked in one dpkg-query call, which takes milliseconds.
set -euo pipefail

PROFILE="${1:-}"
PYTHON="${2:-}"
DRY_RUN="${DRY_RUN:-0}"
ASSUME_MISSING="${ASSUME_MISSING:-0}"

say() { echo "$*" >&2; }

case "$PROFILE" in
    run | test) ;;
    *) say "usage: $0 run|test [PYTHON]"; exit 2 ;;
esac

# Each package with why, said on the line before installing.
declare -A why=(
    [portaudio19-dev]="PyAudio builds against PortAudio"
    [build-essential]="a C compiler for PyAudio"
    [libasound2-plugins]="ALSA's pulse plugin: PortAudio reaches PulseAudio/PipeWire through it"
    [espeak-ng]="the offline simulator's voice"
    [pulseaudio]="the tests' private sound server with virtual devices"
    [pulseaudio-utils]="pactl, paplay and parec for the audio tests"
    [sox]="the audio tests make and convert WAV files"
    [nodejs]="tests/js runs Google's JavaScript SDK"
    [npm]="tests/js installs that SDK"
)

packages=(portaudio19-dev libasound2-plugins espeak-ng)
if [[ "$PROFILE" == test ]]; then
    packages+=(pulseaudio pulseaudio-utils sox)
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    # Not Debian/Ubuntu: we cannot check, so say what is needed and let pip try.
    say "note: not a Debian/Ubuntu system; make sure the equivalents of these are installed: ${packages[*]} and a C compiler$([[ "$PROFILE" == test ]] && echo ", node and npm")"
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
if [[ "$PROFILE" == test ]] && { [[ "$ASSUME_MISSING" == 1 ]] || ! { command -v node && command -v npm; } >/dev/null 2>&1; }; then
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
        [[ "$py_has_ensurepip" == 1 ]] || { packages+=("python${py_ver}-venv"); why["python${py_ver}-venv"]="python -m venv makes .venv"; }
        [[ "$py_has_headers" == 1 ]] || { packages+=("python${py_ver}-dev"); why["python${py_ver}-dev"]="Python.h for the PyAudio build"; }
    else
        [[ "$py_has_ensurepip" == 1 ]] || say "warning: $PYTHON has no ensurepip, so it cannot create .venv; use another (make PYTHON=/path/to/python3.11 ...)"
        [[ "$py_has_headers" == 1 ]] || say "warning: $PYTHON has no Python.h, so PyAudio will not build; use another (make PYTHON=/path/to/python3.11 ...)"
    fi
fi

# One dpkg-query for all of them, and for the sound server's packages. Unknown
# packages make it complain and exit 1; they simply count as missing.
# ASSUME_MISSING still asks about the sound server, so a fake dpkg-query on PATH
# can play a PipeWire machine in the tests.
server=(pipewire pipewire-pulse pipewire-audio)
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" "${server[@]}" 2>/dev/null || true)"
has() { grep -qx "$1 install ok installed" <<<"$installed"; }

# PipeWire as the sound server: pipewire-pulse (or the pipewire-audio set) is
# installed, or PipeWire is there and PulseAudio is not. Then no second server is
# installed. `make run` never needs one anyway. For `make test` the tests start a
# private `pulseaudio -n` of their own (livetui.testing.pulse: its own socket and
# config, never the user's server), but the binary only comes in Debian's
# `pulseaudio` package, which pipewire-audio Conflicts with (apt would remove
# the desktop's PipeWire to install it) and whose login units (pulseaudio.socket,
# the XDG autostart) would start a second server beside pipewire-pulse. So on
# PipeWire we leave it out and say so; the audio tests then fail with a line
# naming it, unless the user installs it on purpose (LIVETUI_INSTALL_PULSEAUDIO=1).
if has pipewire-pulse || has pipewire-audio || { has pipewire && ! has pulseaudio; }; then
    if [[ " ${packages[*]} " == *" pulseaudio "* ]] && [[ "${LIVETUI_INSTALL_PULSEAUDIO:-0}" != 1 ]]; then
        kept=()
        for p in "${packages[@]}"; do [[ "$p" == pulseaudio ]] || kept+=("$p"); done
        packages=("${kept[@]}")
        say "note: PipeWire is this machine's sound server, so the pulseaudio package is not installed (Debian's pipewire-audio conflicts with it, and it would start a second server at login);" \
            "the audio tests need its binary for their private server: install it yourself, or run LIVETUI_INSTALL_PULSEAUDIO=1 make test, or leave them out with PYTEST_ARGS='-m \"not slow and not audio\"'"
    fi
fi

missing=()
for p in "${packages[@]}"; do
    if [[ "$ASSUME_MISSING" == 1 ]] || ! has "$p"; then missing+=("$p"); fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

# Root runs apt-get directly; otherwise sudo, but never a password prompt
# (CI has no stdin, and a prompt hidden behind make is confusing).
if [[ $EUID -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    if command -v sudo >/dev/null 2>&1; then
        how="sudo needs a password, so run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    else
        how="not root and no sudo, so as root run: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    fi
    say "error: missing system packages for \`make $PROFILE\`: ${missing[*]}; $how; then run make again"
    exit 1
fi

reasons=""
for p in "${missing[@]}"; do reasons+="${reasons:+; }$p (${why[$p]:-needed})"; done
say "installing system packages for \`make $PROFILE\`: $reasons"
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
