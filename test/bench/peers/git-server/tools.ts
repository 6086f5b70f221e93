// Bench tools for the SOPS provider: age keys (age-keygen), encryption with the real sops binary (every format and
// rule), and bare Git repositories committed to with the git CLI. Used by the git-server peer and the tests.
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { benchCacheDir, SETUP_COMMAND } from "../../binaries.ts";

export const SOPS_VERSION = process.env["SOPS_VERSION"] ?? "3.13.2";
export type SopsFormat = "yaml" | "json" | "dotenv" | "ini" | "binary";

export function sopsBinary(): string {
  const path = join(benchCacheDir(), "bin", `sops-${SOPS_VERSION}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`sops ${SOPS_VERSION} is missing (${path}): run \`${SETUP_COMMAND}\``);
  }
  return path;
}

export interface AgeKey {
  /** AGE-SECRET-KEY-1... */
  identity: string;
  /** age1... */
  recipient: string;
  /** The age-keygen file (comments + identity), as a `*.agekey` entry holds it. */
  file: string;
}

/** A fresh X25519 key from Debian's age-keygen. */
export function ageKeygen(): AgeKey {
  const file = execFileSync("age-keygen", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const identity = file.split("\n").find((line) => line.startsWith("AGE-SECRET-KEY-"));
  const recipient = /# public key: (age1[0-9a-z]+)/.exec(file)?.[1];
  if (!identity || !recipient) throw new Error("age-keygen printed no key");
  return { identity, recipient, file };
}

export interface EncryptOptions {
  format: SopsFormat;
  recipients: string[];
  encryptedRegex?: string;
  unencryptedSuffix?: string;
  macOnlyEncrypted?: boolean;
}

const EXT: Record<SopsFormat, string> = { yaml: "yaml", json: "json", dotenv: "env", ini: "ini", binary: "bin" };

/** Encrypts `plain` with the real sops, through a creation rule (sops 3.13 has no CLI flag for mac_only_encrypted). */
export function sopsEncrypt(plain: string | Uint8Array, opts: EncryptOptions): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "sops-encrypt-"));
  try {
    const input = join(dir, `plain.${EXT[opts.format]}`);
    writeFileSync(input, plain);
    const rule = [`  - age: "${opts.recipients.join(",")}"`];
    if (opts.encryptedRegex) rule.push(`    encrypted_regex: ${JSON.stringify(opts.encryptedRegex)}`);
    if (opts.unencryptedSuffix) rule.push(`    unencrypted_suffix: ${JSON.stringify(opts.unencryptedSuffix)}`);
    if (opts.macOnlyEncrypted) rule.push("    mac_only_encrypted: true");
    const config = join(dir, ".sops.yaml");
    writeFileSync(config, `creation_rules:\n${rule.join("\n")}\n`);
    return execFileSync(sopsBinary(), ["--config", config, "encrypt", "--input-type", opts.format, "--output-type", opts.format, input], {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, SOPS_DISABLE_VERSION_CHECK: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@localhost",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@localhost",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, ...GIT_ENV }, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** A bare repository `<reposDir>/<name>.git` (served by the git server) with a private work tree to commit from. */
export class BenchRepo {
  readonly name: string;
  readonly bare: string;
  readonly work: string;

  constructor(reposDir: string, name: string) {
    this.name = name;
    this.bare = join(reposDir, `${name}.git`);
    this.work = mkdtempSync(join(tmpdir(), `bench-repo-${name}-`));
    if (!existsSync(this.bare)) {
      git(reposDir, "init", "-q", "--bare", "-b", "main", this.bare);
      // Like GitHub and GitLab: a client may fetch any reachable commit by SHA (pinned refs, shallow).
      git(this.bare, "config", "uploadpack.allowReachableSHA1InWant", "true");
    }
    git(this.work, "init", "-q", "-b", "main");
    git(this.work, "remote", "add", "origin", this.bare);
  }

  /** Writes (or, with null, deletes) files on `branch`, commits and pushes; returns the commit SHA. */
  commit(files: Record<string, string | Uint8Array | null>, message = "update", branch = "main"): string {
    const branches = git(this.work, "branch", "--list", branch);
    if (git(this.work, "symbolic-ref", "--short", "HEAD") !== branch) git(this.work, "checkout", "-q", ...(branches ? [branch] : ["-b", branch]));
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    git(this.work, "add", "-A");
    git(this.work, "commit", "-q", "--allow-empty", "-m", message);
    git(this.work, "push", "-q", "--force", "origin", `${branch}:refs/heads/${branch}`);
    return git(this.work, "rev-parse", "HEAD");
  }

  /** Tags the current commit (annotated unless `lightweight`) and pushes the tag, moving it if it exists. */
  tag(name: string, lightweight = false): void {
    git(this.work, "tag", "-f", ...(lightweight ? [] : ["-a", "-m", name]), name);
    git(this.work, "push", "-q", "--force", "origin", `refs/tags/${name}`);
  }

  /** Points `ref` of the served repository at `sha`, or deletes it (null): e.g. to hide a commit from every branch. */
  updateRef(ref: string, sha: string | null): void {
    if (sha === null) git(this.bare, "update-ref", "-d", ref);
    else git(this.bare, "update-ref", ref, sha);
  }

  /** Per-repository git config (e.g. uploadpack.allowReachableSHA1InWant false to refuse fetches by SHA). */
  config(key: string, value: string): void {
    git(this.bare, "config", key, value);
  }

  dispose(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}
