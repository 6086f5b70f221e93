#!/usr/bin/env bash
# The SOPS bench: sops (pinned, built from the Go module proxy into the cache), age (Debian) and git
# (Debian, for `git http-backend`). Idempotent: each tool is installed only when missing.
source "$(dirname "$0")/../../lib.sh"
SOPS_VERSION="${SOPS_VERSION:-3.13.2}"
SOPS="$BENCH_BIN/sops-$SOPS_VERSION"

apt_get() {
  [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null || { say "need root and apt-get to install $*"; return 1; }
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >>"$BENCH_CACHE/apt.log" 2>&1 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=300 >>"$BENCH_CACHE/apt.log" 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >>"$BENCH_CACHE/apt.log" 2>&1; }
}

command -v age-keygen >/dev/null || apt_get age || { say "ERROR: age is missing (Debian: apt-get install age)"; exit 1; }
command -v git >/dev/null || apt_get git || { say "ERROR: git is missing (Debian: apt-get install git)"; exit 1; }
GIT_EXEC="$(git --exec-path)"
[[ -x "$GIT_EXEC/git-http-backend" ]] || { say "ERROR: $GIT_EXEC/git-http-backend is missing (Debian: apt-get install git)"; exit 1; }

if [[ ! -x "$SOPS" ]]; then
  command -v go >/dev/null || { say "ERROR: Go is needed to build sops $SOPS_VERSION; put it on PATH"; exit 1; }
  say "building sops $SOPS_VERSION from the Go module proxy (a minute or two the first time)"
  GOBIN_TMP="$(mktemp -d "$BENCH_CACHE/sops-build.XXXXXX")"
  trap 'rm -rf "$GOBIN_TMP"' EXIT
  CGO_ENABLED=0 GOBIN="$GOBIN_TMP" go install -trimpath -ldflags "-s -w" "github.com/getsops/sops/v3/cmd/sops@v$SOPS_VERSION"
  mv "$GOBIN_TMP/sops" "$SOPS"
fi

say "sops:           $(SOPS_DISABLE_VERSION_CHECK=1 "$SOPS" --version --disable-version-check 2>/dev/null | head -n 1) ($SOPS)"
say "age:            $(age --version) ($(command -v age))"
say "git:            $(git --version) ($GIT_EXEC/git-http-backend)"
