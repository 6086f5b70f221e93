#!/usr/bin/env bash
# The kustomize CLI from the Go module proxy, built once into the bench cache, to render deploy/kustomize
# in the tests (there is no kubectl on the bench). v5.8.0: the newest whose go.mod fits Go 1.26.
source "$(dirname "$0")/../../lib.sh"
V="$KUSTOMIZE_VERSION"
OUT="$BENCH_BIN/kustomize-$V"
if [[ -x "$OUT" ]]; then say "kustomize $V cached"; exit 0; fi
say "building kustomize $V (first time only)"
TMP="$(mktemp -d)"
GOBIN="$TMP" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@v$V"
mv "$TMP/kustomize" "$OUT" && rm -rf "$TMP"
say "kustomize $("$OUT" version)"
