#!/usr/bin/env bash
# The helm CLI (v3) from the Go module proxy, built once into the bench cache: `helm lint` and
# `helm template` run in the deploy tests. No peer.ts: nothing to start.
source "$(dirname "$0")/../../lib.sh"
V="$HELM_VERSION"
OUT="$BENCH_BIN/helm-$V"
if [[ -x "$OUT" ]]; then say "helm $V cached"; exit 0; fi
say "building helm $V (first time only; a few minutes)"
TMP="$(mktemp -d)"
GOBIN="$TMP" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$V" "helm.sh/helm/v3/cmd/helm@v$V"
mv "$TMP/helm" "$OUT" && rm -rf "$TMP"
say "helm $("$OUT" version --short)"
