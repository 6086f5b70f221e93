// Bench peers beyond etcd + kube-apiserver (OpenBao, moto, the GCP emulator, a git server ...), discovered
// from test/bench/peers/<name>/peer.ts so each provider adds its peer without touching shared files.
// The integration tests' global setup and the demo start every peer; each records plain-JSON state.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KubeBench } from "./kube-bench.ts";

export interface PeerContext {
  /** A directory of the peer's own for data and logs. */
  dir: string;
  /** The running apiserver (for peers that call it, e.g. Vault's Kubernetes auth). */
  kube: KubeBench;
  log: (msg: string) => void;
}

/** One peer. `start` throws an error naming `npm run bench:setup` when its binary is missing. */
export interface BenchPeer<State = unknown> {
  name: string;
  start(ctx: PeerContext): Promise<State>;
  /** Stops exactly the processes `start` started. */
  stop(state: State): Promise<void>;
  /** Optional: objects the demo applies to show this provider (stores, ExternalSecrets). */
  demoManifests?(state: State): KubernetesObject[];
}

const PEERS_DIR = fileURLToPath(new URL("./peers/", import.meta.url));

export async function loadPeers(): Promise<BenchPeer[]> {
  if (!existsSync(PEERS_DIR)) return [];
  const names = readdirSync(PEERS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(PEERS_DIR, entry.name, "peer.ts")))
    .map((entry) => entry.name)
    .sort();
  const peers: BenchPeer[] = [];
  for (const name of names) {
    const module = (await import(join(PEERS_DIR, name, "peer.ts"))) as { peer: BenchPeer };
    if (!module.peer || module.peer.name !== name) throw new Error(`test/bench/peers/${name}/peer.ts must export \`peer\` named "${name}"`);
    peers.push(module.peer);
  }
  return peers;
}
