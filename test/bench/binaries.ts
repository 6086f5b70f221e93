// Resolves the bench's peer binaries (cached builds and system tools) so callers fail fast, naming
// the set-up command, instead of spawning something that is not there.
import { accessSync, constants, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/** The command that installs or builds every missing peer; error messages name it. */
export const SETUP_COMMAND = "npm run bench:setup";

/** Peers the bench knows how to find. */
export type BenchBinary = "kube-apiserver" | "kube-controller-manager" | "etcd" | "openssl";

/** Thrown when a peer binary is missing; the caller should run {@link SETUP_COMMAND}. */
export class BenchBinaryMissingError extends Error {
  override name = "BenchBinaryMissingError";
}

// versions.env is shared with the bash scripts (lib.sh) so the build and the lookup cannot disagree.
function pinnedVersions(): Record<string, string> {
  const text = readFileSync(new URL("./versions.env", import.meta.url), "utf8");
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = process.env[m[1]] ?? m[2];
  }
  return out;
}

const versions = pinnedVersions();

/** kube-apiserver and kube-controller-manager version the bench runs (versions.env, overridable with KUBE_VERSION). */
export const KUBE_VERSION = versions["KUBE_VERSION"] ?? "1.33.13";
/** etcd version built from source when no etcd is on PATH. */
export const ETCD_VERSION = versions["ETCD_VERSION"] ?? "3.5.21";

/** Same location as lib.sh's BENCH_CACHE. */
export function benchCacheDir(): string {
  const base = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return process.env["SECRETS_BRIDGE_CACHE"] || join(base, "secrets-bridge");
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Absolute path of a peer binary. kube-apiserver and kube-controller-manager come only from the cache
 * (pinned builds of one version); etcd prefers PATH (Debian's etcd-server) and falls back to the cached
 * Go build; openssl is PATH only.
 * Throws BenchBinaryMissingError naming the set-up command.
 */
export function binaryPath(name: BenchBinary): string {
  const bin = join(benchCacheDir(), "bin");
  const kube = name === "kube-apiserver" || name === "kube-controller-manager";
  const candidates: (string | undefined)[] =
    kube ? [join(bin, `${name}-${KUBE_VERSION}`)]
    : name === "etcd" ? [onPath("etcd"), join(bin, `etcd-${ETCD_VERSION}`)]
    : [onPath(name)];
  const found = candidates.find((c): c is string => c !== undefined && isExecutable(c));
  if (found) return found;
  const looked = candidates.filter((c) => c !== undefined).concat(kube ? [] : ["PATH"]);
  throw new BenchBinaryMissingError(
    `${name} not found (looked in: ${looked.join(", ")}); run \`${SETUP_COMMAND}\` first`,
  );
}

/**
 * A pinned CLI built into the cache by a peer's install.sh (`<name>-<version>`, version from versions.env
 * under `<NAME>_VERSION`), e.g. cachedTool("helm"). Throws BenchBinaryMissingError naming the set-up command.
 */
export function cachedTool(name: string): string {
  const version = versions[`${name.toUpperCase().replace(/-/g, "_")}_VERSION`];
  if (!version) throw new Error(`no ${name.toUpperCase()}_VERSION in test/bench/versions.env`);
  const path = join(benchCacheDir(), "bin", `${name}-${version}`);
  if (!isExecutable(path)) throw new BenchBinaryMissingError(`${name} ${version} not found at ${path}; run \`${SETUP_COMMAND}\` first`);
  return path;
}
