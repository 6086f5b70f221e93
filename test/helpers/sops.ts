// Test-side helpers for the SOPS provider: the git-server peer's state, repositories to commit encrypted files to,
// the committed throwaway age keys, and the Secrets a SOPS store needs.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { CoreV1Api } from "@kubernetes/client-node";
import type { GitServerState } from "../bench/peers/git-server/peer.ts";
import { BenchRepo, type AgeKey } from "../bench/peers/git-server/tools.ts";
import { peerState } from "./bench.ts";

export { ageKeygen, sopsEncrypt, BenchRepo, type AgeKey, type EncryptOptions, type SopsFormat } from "../bench/peers/git-server/tools.ts";

export const gitServer = (): GitServerState => peerState<GitServerState>("git-server");

/** A fresh bare repository on the bench's git server (unique name) and its clone URL. */
export function newRepo(prefix: string): { repo: BenchRepo; url: string } {
  const server = gitServer();
  const repo = new BenchRepo(server.reposDir, `${prefix}-${randomBytes(4).toString("hex")}`);
  return { repo, url: `${server.url}/${repo.name}.git` };
}

/** One of the committed throwaway keys in test/fixtures/sops. */
export function fixtureKey(name: "team-a" | "team-b"): AgeKey {
  const file = readFileSync(new URL(`../fixtures/sops/${name}.agekey`, import.meta.url), "utf8");
  const identity = file.split("\n").find((line) => line.startsWith("AGE-SECRET-KEY-"))!;
  const recipient = /# public key: (age1[0-9a-z]+)/.exec(file)![1]!;
  return { identity, recipient, file };
}

/** Creates (or replaces) a Secret from string data. */
export async function putSecret(core: CoreV1Api, namespace: string, name: string, stringData: Record<string, string>): Promise<void> {
  const body = { metadata: { name, namespace }, stringData };
  try {
    await core.replaceNamespacedSecret({ name, namespace, body });
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
    await core.createNamespacedSecret({ namespace, body });
  }
}

/** The git server's basic-auth credentials as the auth Secret holds them. */
export const basicAuth = () => ({ username: gitServer().username, password: gitServer().password });

/** A random value to plant in a file and look for in logs, Events and status. */
export { planted } from "./planted.ts";

/** A git-source store spec. */
export function gitStore(url: string, opts: { ref?: Record<string, string>; path?: string; authSecret?: string; ageSecret?: string; ageNamespace?: string; refreshInterval?: string } = {}) {
  return {
    refreshInterval: opts.refreshInterval ?? "1s",
    provider: {
      sops: {
        source: { git: { url, ...(opts.ref ? { ref: opts.ref } : {}), ...(opts.path ? { path: opts.path } : {}), ...(opts.authSecret ? { auth: { secretRef: { name: opts.authSecret } } } : {}) } },
        decryption: { ageKeySecretRef: { name: opts.ageSecret ?? "sops-age", ...(opts.ageNamespace ? { namespace: opts.ageNamespace } : {}) } },
      },
    },
  };
}
