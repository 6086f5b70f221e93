#!/usr/bin/env bash
# Installs the Google Secret Manager emulator for the bench: drongo (PyPI), a moto-style server that speaks
# Secret Manager's REST v1 API, into its own virtualenv in the bench cache, once per version.
# (The gRPC emulator named in the issue, blackwell-systems/gcp-secret-manager-emulator, is refused by the
# Go module proxy here; see providers/gcpsm/README.md.)
source "$(dirname "$0")/../../lib.sh"
V=0.8.0
VENV="$BENCH_CACHE/drongo-$V"
OUT="$BENCH_BIN/gcp-sm-emulator-drongo-$V"
if [[ -x "$OUT" ]] && "$OUT" --version >/dev/null 2>&1; then say "gcp secret manager emulator (drongo $V) cached at $OUT"; exit 0; fi
PY="$(command -v python3 || true)"
[[ -n "$PY" ]] || { say "ERROR: python3 (>= 3.10) is needed for the GCP Secret Manager emulator"; exit 1; }
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || { say "ERROR: python3 >= 3.10 is needed for drongo $V"; exit 1; }
say "installing the GCP Secret Manager emulator (drongo $V from PyPI) into $VENV"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
# Pinned with its dependencies, as resolved when this was written, so every machine runs the same emulator.
"$VENV/bin/pip" install --quiet --disable-pip-version-check "drongo==$V" \
  requests==2.34.2 responses==0.26.3 urllib3==2.8.0 idna==3.20 charset-normalizer==3.5.2 certifi==2026.10.18 PyYAML==6.0.3
ln -sf "$VENV/bin/drongo" "$OUT"
say "gcp secret manager emulator ready: $("$OUT" --version 2>&1 | head -n 1) at $OUT"
