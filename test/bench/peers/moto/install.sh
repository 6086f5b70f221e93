#!/usr/bin/env bash
# Makes moto's server (AWS Secrets Manager, SSM Parameter Store, STS, IAM) available to the bench: the system
# Python's moto when it is the pinned 5.2.x with the server extras, else a virtualenv in the bench cache with
# `moto[server]==$V` from PyPI. Records the interpreter in $BENCH_BIN/moto-$V.python (peer.ts reads it).
source "$(dirname "$0")/../../lib.sh"
V=5.2.1
RECORD="$BENCH_BIN/moto-$V.python"

usable() { # usable PYTHON: moto 5.2.x with Flask (the server extras) importable
  "$1" -c "import sys, moto, flask, flask_cors; sys.exit(0 if moto.__version__.startswith('5.2.') else 1)" >/dev/null 2>&1
}
version_of() { "$1" -c "import moto; print(moto.__version__)"; }

if [[ -s "$RECORD" ]] && usable "$(cat "$RECORD")"; then
  say "moto $(version_of "$(cat "$RECORD")") cached ($(cat "$RECORD"))"
  exit 0
fi

SYSTEM_PY="$(command -v python3 || true)"
if [[ -n "$SYSTEM_PY" ]]; then
  # Resolve shims (pyenv) to the real interpreter so the recorded command line is the one that runs.
  REAL="$("$SYSTEM_PY" -c 'import sys; print(sys.executable)' 2>/dev/null || true)"
  if [[ -n "$REAL" ]] && usable "$REAL"; then
    echo "$REAL" > "$RECORD"
    say "moto $(version_of "$REAL") from the system Python ($REAL)"
    exit 0
  fi
fi

[[ -n "$SYSTEM_PY" ]] || { say "ERROR: python3 is needed for moto"; exit 1; }
VENV="$BENCH_CACHE/moto-$V"
say "installing moto[server]==$V from PyPI into $VENV"
rm -rf "$VENV"
"$SYSTEM_PY" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$V"
usable "$VENV/bin/python" || { say "ERROR: moto $V did not install into $VENV"; exit 1; }
echo "$VENV/bin/python" > "$RECORD"
say "moto $(version_of "$VENV/bin/python") ready ($VENV)"
