#!/usr/bin/env bash
# Builds the Kubernetes components the bench runs (kube-apiserver, kube-controller-manager) from the Go
# module proxy into the bench cache, once per version; a cached component is skipped.
# Usage: build-kube.sh [COMPONENT...]   (default: all of KUBE_COMPONENTS)
# k8s.io/kubernetes replaces its staging modules with local folders, so `go install` refuses it; a
# wrapper module that pins each staging module to its published v0.x.y builds it (test-bench.md).
# The wrapper lists every component as a tool so all of them build from one resolved module set.
source "$(dirname "$0")/lib.sh"
KUBE_COMPONENTS=(kube-apiserver kube-controller-manager)
K="$KUBE_VERSION"; S="0.${K#1.}"; MINOR="$(echo "$K" | cut -d. -f2)"

wanted=("$@"); [[ $# -gt 0 ]] || wanted=("${KUBE_COMPONENTS[@]}")
missing=()
for c in "${wanted[@]}"; do
  if [[ -x "$BENCH_BIN/$c-$K" ]]; then say "$c $K cached at $BENCH_BIN/$c-$K"; else missing+=("$c"); fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
command -v go >/dev/null || { say "ERROR: Go (>= 1.24) is needed to build ${missing[*]} $K; put it on PATH"; exit 1; }

SRC="$BENCH_CACHE/kube-src-$K"
mkdir -p "$SRC" && cd "$SRC"
say "building ${missing[*]} $K (first time only: several minutes on 2 cores, most of it the first component; the next reuses its packages)"
# Regenerated whenever something is missing: an older wrapper may list kube-apiserver alone, and a
# run interrupted mid-resolution leaves a half-written one. With the modules downloaded this takes seconds.
printf 'module local/kube-build\n\ngo 1.24.0\n' > go.mod
for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
  cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client \
  csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator \
  kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils \
  pod-security-admission sample-apiserver sample-cli-plugin sample-controller; do
  go mod edit -replace="k8s.io/$m=k8s.io/$m@v$S"
done
say "resolving modules (the first time downloads about 1 GB)"
tools=()
for c in "${KUBE_COMPONENTS[@]}"; do tools+=("k8s.io/kubernetes/cmd/$c@v$K"); done
go get -tool "${tools[@]}"
go mod tidy

# progress NAME: counts the package lines `go build -v` prints (one per compiled package) and says so
# every 250, so a long first build shows it is moving.
progress() {
  local n=0 line
  while IFS= read -r line; do
    n=$((n + 1))
    (( n % 250 )) || say "$1: $n packages compiled"
  done
  say "$1: $n packages compiled"
}

for c in "${missing[@]}"; do
  OUT="$BENCH_BIN/$c-$K" LOG="$SRC/build-$c.log"
  say "compiling $c (log: $LOG)"
  started=$SECONDS
  if ! CGO_ENABLED=0 go build -v -trimpath -o "$OUT.tmp" \
      -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$MINOR" \
      "k8s.io/kubernetes/cmd/$c" 2>&1 | tee "$LOG" | progress "$c"; then
    tail -n 30 "$LOG" >&2
    say "ERROR: $c $K did not build; full log: $LOG"
    exit 1
  fi
  mv "$OUT.tmp" "$OUT"
  say "$c $K ready at $OUT ($((SECONDS - started))s)"
done
