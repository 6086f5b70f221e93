#!/usr/bin/env bash
# Builds the differential test's Go reference renderer (test/differential/go-render: Go text/template +
# Sprig v3.3.0 changed as ESO 2.9's fork changes it, configured as ESO's engine v2) once into the bench cache.
# The hash covers the same files as goRenderBinary() in test/differential/go-render.ts.
source "$(dirname "$0")/../../lib.sh"
SRC="$(cd "$(dirname "$0")/../../../differential/go-render" && pwd)"
HASH="$(cat "$SRC/main.go" "$SRC/sprig/eso.go" "$SRC/sprig/pem.go" "$SRC/sprig/pkcs12.go" "$SRC/go.mod" "$SRC/go.sum" | sha256sum | cut -c1-12)"
OUT="$BENCH_BIN/go-render-$HASH"
if [[ -x "$OUT" ]]; then
  say "go-render present: $OUT"
  exit 0
fi
say "building go-render (Go text/template + sprig, once) ..."
(cd "$SRC" && CGO_ENABLED=0 go build -trimpath -o "$OUT.tmp" . && mv "$OUT.tmp" "$OUT")
say "go-render built: $OUT ($(go version | cut -d' ' -f3), $(grep Masterminds/sprig "$SRC/go.mod" | xargs))"
