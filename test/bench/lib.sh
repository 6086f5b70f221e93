# Shared helpers for the bench scripts: cache locations and progress output.
# Sourced, never executed.
set -euo pipefail
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
BENCH_CACHE="${SECRETS_BRIDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secrets-bridge}"
BENCH_BIN="$BENCH_CACHE/bin"
mkdir -p "$BENCH_BIN"
say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# Pinned versions, shared with binaries.ts; an already-set environment variable wins.
while IFS='=' read -r _k _v; do
  [[ -z "$_k" || "$_k" == \#* ]] && continue
  [[ -n "${!_k:-}" ]] || export "$_k=$_v"
done < "$(dirname "${BASH_SOURCE[0]}")/versions.env"
unset _k _v

# go_install_cached NAME VERSION MODULE_PATH [LDFLAGS]: `go install`s MODULE_PATH@vVERSION into the cache as
# NAME-VERSION once (GOBIN in a temp dir, then moved, so a failed build leaves nothing half-written).
go_install_cached() {
  local name="$1" version="$2" module="$3" ldflags="${4:--s -w}" out tmp
  out="$BENCH_BIN/$name-$version"
  if [[ -x "$out" ]]; then say "$name $version cached"; return 0; fi
  command -v go >/dev/null || { say "ERROR: Go is needed to build $name $version"; return 1; }
  say "building $name $version from the Go module proxy (first time only)"
  tmp="$(mktemp -d)"
  GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath -ldflags "$ldflags" "$module@v$version"
  mv "$tmp/$(basename "${module%/v[0-9]*}")" "$out" 2>/dev/null || mv "$tmp"/* "$out"
  rm -rf "$tmp"
}
