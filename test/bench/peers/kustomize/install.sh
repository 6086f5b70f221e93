#!/usr/bin/env bash
# The kustomize CLI from the Go module proxy, built once into the bench cache, to render deploy/kustomize
# in the tests (there is no kubectl on the bench). v5.8.0: the newest whose go.mod fits Go 1.26.
source "$(dirname "$0")/../../lib.sh"
go_install_cached kustomize "$KUSTOMIZE_VERSION" sigs.k8s.io/kustomize/kustomize/v5
say "kustomize $("$BENCH_BIN/kustomize-$KUSTOMIZE_VERSION" version)"
