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
