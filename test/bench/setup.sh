#!/usr/bin/env bash
# Makes every bench peer available (installs or builds what is missing, once) and prints the
# versions the tests will use. Idempotent and a few checks long once everything is cached.
# Entry points: `npm run bench:setup`, and `npm test` runs it first.
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/lib.sh"
STARTED=$SECONDS

fail() { say "ERROR: $*"; exit 1; }
trap 'say "ERROR: bench set-up failed (line $LINENO); see the messages above"' ERR

# Two set-ups at once (two terminals, or npm test during bench:setup) would build into the same files.
if command -v flock >/dev/null; then
  exec 9>"$BENCH_CACHE/.setup.lock"
  flock -n 9 || { say "another bench set-up is running; waiting for it"; flock 9; }
fi

APT_LOG="$BENCH_CACHE/apt.log"
# apt_install PKG...: Debian packages, root only. Refreshes the package index only when the plain
# install fails (the index is usually fresh on CI images and `apt-get update` costs time).
apt_install() {
  [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null || return 1
  local apt=(apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300)
  say "apt-get install $* (log: $APT_LOG)"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" "$@" >>"$APT_LOG" 2>&1 && return 0
  say "install failed; running apt-get update and retrying"
  if DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=300 >>"$APT_LOG" 2>&1 &&
     DEBIAN_FRONTEND=noninteractive "${apt[@]}" "$@" >>"$APT_LOG" 2>&1; then
    return 0
  fi
  tail -n 15 "$APT_LOG" >&2
  return 1
}

# --- etcd: Debian's etcd-server (3.4) on PATH, else the cached Go build (3.5) --------------------
# binaries.ts resolves it in the same order.
if command -v etcd >/dev/null; then
  ETCD="$(command -v etcd)"
elif [[ -x "$BENCH_BIN/etcd-$ETCD_VERSION" ]]; then
  ETCD="$BENCH_BIN/etcd-$ETCD_VERSION"
elif apt_install etcd-server && command -v etcd >/dev/null; then
  ETCD="$(command -v etcd)"
else
  say "no etcd from apt (not root, no apt-get, or the install failed): building etcd $ETCD_VERSION"
  bash "$HERE/build-etcd.sh" || fail "could not build etcd $ETCD_VERSION"
  ETCD="$BENCH_BIN/etcd-$ETCD_VERSION"
fi

# --- openssl: the bench generates its PKI with the CLI -------------------------------------------
command -v openssl >/dev/null || apt_install openssl ||
  fail "openssl is missing; install it (Debian: apt-get install openssl)"

# --- ssh-keygen: the SSHKey generator's keys are checked by OpenSSH itself (test/unit/generators) ----
[[ -x /usr/bin/ssh-keygen ]] || apt_install openssh-client ||
  fail "ssh-keygen is missing; install it (Debian: apt-get install openssh-client)"

# --- kube-apiserver and kube-controller-manager: pinned builds from the Go module proxy ----------
# build-kube.sh skips what is cached and names Go when it has to build without it.
KUBE_APISERVER="$BENCH_BIN/kube-apiserver-$KUBE_VERSION"
KUBE_CONTROLLER_MANAGER="$BENCH_BIN/kube-controller-manager-$KUBE_VERSION"
bash "$HERE/build-kube.sh" || fail "Kubernetes $KUBE_VERSION build failed (see above)"

# --- more peers: test/bench/peers/*/install.sh (see peers/README.md) --------------------------------
for install in "$HERE"/peers/*/install.sh; do
  [[ -e "$install" ]] || continue
  peer="$(basename "$(dirname "$install")")"
  say "peer $peer"
  BENCH_CACHE="$BENCH_CACHE" BENCH_BIN="$BENCH_BIN" bash "$install" || fail "bench peer $peer could not be installed (see above)"
done

# --- summary --------------------------------------------------------------------------------------
say "etcd:                    $("$ETCD" --version | head -n 1) ($ETCD)"
say "openssl:                 $(openssl version)"
say "kube-apiserver:          $("$KUBE_APISERVER" --version) ($KUBE_APISERVER)"
say "kube-controller-manager: $("$KUBE_CONTROLLER_MANAGER" --version) ($KUBE_CONTROLLER_MANAGER)"
say "bench ready ($((SECONDS - STARTED))s)"
