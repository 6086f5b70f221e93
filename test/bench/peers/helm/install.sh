#!/usr/bin/env bash
# The helm CLI (v3) from the Go module proxy, built once into the bench cache: `helm lint` and
# `helm template` run in the deploy tests. No peer.ts: nothing to start.
source "$(dirname "$0")/../../lib.sh"
go_install_cached helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
say "helm $("$BENCH_BIN/helm-$HELM_VERSION" version --short)"
