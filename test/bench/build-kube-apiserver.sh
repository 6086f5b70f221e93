#!/usr/bin/env bash
# Builds kube-apiserver from the Go module proxy into the bench cache, once per version.
# k8s.io/kubernetes replaces its staging modules with local folders, so `go install` refuses it;
# a wrapper module that pins each staging module to its published v0.x.y builds it (test-bench.md).
source "$(dirname "$0")/lib.sh"
K="${KUBE_VERSION:-1.33.13}"; S="0.${K#1.}"; MINOR="$(echo "$K" | cut -d. -f2)"
OUT="$BENCH_BIN/kube-apiserver-$K"
if [[ -x "$OUT" ]]; then say "kube-apiserver $K cached at $OUT"; exit 0; fi
SRC="$BENCH_CACHE/kube-src-$K"
mkdir -p "$SRC" && cd "$SRC"
say "building kube-apiserver $K (first time only; several minutes on 2 cores)"
printf 'module local/kube-build\n\ngo 1.24.0\n' > go.mod
for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
  cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client \
  csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator \
  kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils \
  pod-security-admission sample-apiserver sample-cli-plugin sample-controller; do
  go mod edit -replace="k8s.io/$m=k8s.io/$m@v$S"
done
say "resolving modules"
go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v$K"
go mod tidy
say "compiling (progress: go build -v prints packages)"
CGO_ENABLED=0 go build -trimpath -o "$OUT.tmp" \
  -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$MINOR" \
  k8s.io/kubernetes/cmd/kube-apiserver
mv "$OUT.tmp" "$OUT"
say "kube-apiserver $K ready at $OUT"
