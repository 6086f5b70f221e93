// Bench peer: a Google Secret Manager emulator (drongo's REST v1 server) on 127.0.0.1, for the gcpsm provider's
// integration tests and the demo. Installed by install.sh into the bench cache; state is its pid and endpoint.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { SETUP_COMMAND, benchCacheDir } from "../../binaries.ts";
import type { BenchPeer } from "../../peers.ts";
import { spawnDetached, stopProcess, waitUntil } from "../../proc.ts";
import { freePort } from "../../proc.ts";

export const DRONGO_VERSION = "0.8.0";

export interface GcpsmEmulatorState {
  pid: number;
  /** argv[1..] of the process, so stop() kills exactly it. */
  args: string[];
  port: number;
  /** `http://127.0.0.1:PORT`: the REST endpoint, as the provider's `endpoint` field takes it. */
  endpoint: string;
  logPath: string;
}

/** The venv's python and the drongo script; throws naming the set-up command when missing. */
export function drongoCommand(): { python: string; script: string } {
  const venv = join(benchCacheDir(), `drongo-${DRONGO_VERSION}`);
  const python = join(venv, "bin", "python3");
  const script = join(venv, "bin", "drongo");
  if (!existsSync(python) || !existsSync(script)) {
    throw new Error(`the GCP Secret Manager emulator (drongo ${DRONGO_VERSION}) is not installed in ${venv}: run \`${SETUP_COMMAND}\``);
  }
  return { python, script };
}


async function healthy(endpoint: string): Promise<boolean> {
  const response = await fetch(`${endpoint}/drongo/health`, { signal: AbortSignal.timeout(1000) });
  return response.ok;
}

/** Creates a secret with labels and adds one version per value, over the emulator's REST API. */
export async function seedSecret(endpoint: string, project: string, id: string, values: string[], labels: Record<string, string> = {}): Promise<void> {
  const base = `${endpoint}/v1/projects/${project}/secrets`;
  const created = await fetch(`${base}?secretId=${encodeURIComponent(id)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ replication: { automatic: {} }, labels }),
  });
  if (!created.ok && created.status !== 409) throw new Error(`creating secret ${id} in the emulator: HTTP ${created.status}`);
  for (const value of values) {
    const added = await fetch(`${base}/${id}:addVersion`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ payload: { data: Buffer.from(value).toString("base64") } }),
    });
    if (!added.ok) throw new Error(`adding a version to ${id} in the emulator: HTTP ${added.status}`);
  }
}

export const peer: BenchPeer<GcpsmEmulatorState> = {
  name: "gcpsm-emulator",
  async start(ctx) {
    const { python, script } = drongoCommand();
    const port = await freePort();
    const args = [script, "server", "--host", "127.0.0.1", "--port", String(port)];
    const logPath = join(ctx.dir, "drongo.log");
    const child = spawnDetached(python, args, logPath);
    const endpoint = `http://127.0.0.1:${port}`;
    ctx.log(`drongo ${DRONGO_VERSION} (Secret Manager REST v1) starting on ${endpoint}`);
    await waitUntil({ what: "the GCP Secret Manager emulator", probe: () => healthy(endpoint), child, logPath, timeoutMs: 30_000 });
    // Demo data in its own project; tests use a project per test file (the emulator has a reset, but test
    // files share one emulator and must not wipe each other).
    await seedSecret(endpoint, "demo", "demo-db", [JSON.stringify({ username: "demo", password: `demo-${randomBytes(6).toString("hex")}` })], { team: "demo" });
    await seedSecret(endpoint, "demo", "demo-api-token", [`token-${randomBytes(6).toString("hex")}`], { team: "demo" });
    return { pid: child.pid!, args, port, endpoint, logPath };
  },
  async stop(state) {
    await stopProcess(state.pid, state.args, 5_000);
  },
  demoManifests(state): KubernetesObject[] {
    const meta = (name: string) => ({ name, namespace: "demo" });
    return [
      {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: meta("gcpsm"),
        spec: { provider: { gcpsm: { projectID: "demo", endpoint: state.endpoint } } },
      } as KubernetesObject,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: meta("gcpsm-db"),
        spec: {
          refreshInterval: "15s",
          secretStoreRef: { name: "gcpsm", kind: "SecretStore" },
          data: [
            { secretKey: "username", remoteRef: { key: "demo-db", property: "username" } },
            { secretKey: "password", remoteRef: { key: "demo-db", property: "password", version: "latest" } },
            { secretKey: "api-token", remoteRef: { key: "demo-api-token" } },
          ],
        },
      } as KubernetesObject,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: meta("gcpsm-team"),
        spec: {
          refreshInterval: "15s",
          secretStoreRef: { name: "gcpsm", kind: "SecretStore" },
          dataFrom: [{ find: { tags: { team: "demo" } } }],
        },
      } as KubernetesObject,
    ];
  },
};
