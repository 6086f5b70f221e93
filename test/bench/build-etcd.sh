#!/usr/bin/env bash
# Builds etcd from the Go module proxy into the bench cache, once per version: the fallback when
# Debian's etcd-server cannot be installed (no apt, or not root). etcd's server go.mod replaces its
# sibling modules with ../ folders, so `go install` refuses it; a wrapper module that requires it
# ignores those replaces and takes the published siblings at the same version (test-bench.md).
source "$(dirname "$0")/lib.sh"
V="$ETCD_VERSION"
OUT="$BENCH_BIN/etcd-$V"
if [[ -x "$OUT" ]]; then say "etcd $V cached at $OUT"; exit 0; fi
command -v go >/dev/null || { say "ERROR: Go is needed to build etcd $V (no etcd on PATH and apt unavailable)"; exit 1; }
SRC="$BENCH_CACHE/etcd-src-$V"
mkdir -p "$SRC" && cd "$SRC"
say "building etcd $V (first time only; a minute or two)"
printf 'module local/etcd-build\n\ngo 1.24.0\n' > go.mod
go get -tool "go.etcd.io/etcd/server/v3@v$V"
go mod tidy
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT.tmp" go.etcd.io/etcd/server/v3
mv "$OUT.tmp" "$OUT"
say "etcd $V ready at $OUT"
