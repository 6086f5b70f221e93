// Runs the real operator in-process against the bench, scoped to one test namespace, with its logs captured
// so tests can search them for planted secret values.
import { Writable } from "node:stream";
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { ClusterExternalSecret } from "../../src/api/cluster-external-secret.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { installCrds, parseManifests } from "../../src/kube/apply.ts";
import { generateCrdsFor } from "../../src/crdgen/index.ts";
import { makeLogger } from "../../src/log.ts";
import { startOperator, type Operator, type OperatorOptions } from "../../src/operator/operator.ts";
import { builtinProviders, providerSchemas } from "../../providers/index.ts";
import { kubeConfig, loadBench, operatorKubeConfig } from "./bench.ts";
import type { KubeConfig as OperatorKubeConfig } from "../../src/kube/http/index.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestOperator {
  operator: Operator;
  /** The operator's own KubeConfig (src/kube/http). */
  kc: OperatorKubeConfig;
  /** Everything the operator logged so far. */
  logs(): string;
  stop(): Promise<void>;
}

let crdsInstalled = false;

export async function ensureCrds(kc: OperatorKubeConfig = operatorKubeConfig()): Promise<void> {
  if (crdsInstalled) return;
  await installCrds(kc, generateCrdsFor(providerSchemas()).map((file) => parseManifests(file.yaml)[0]!));
  crdsInstalled = true;
}

export async function startTestOperator(namespace: string, extra: Partial<OperatorOptions> = {}): Promise<TestOperator> {
  const kc = operatorKubeConfig();
  await ensureCrds(kc);
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = makeLogger({ level: "debug", destination: sink });
  const operator = await startOperator({ kc, log, providers: builtinProviders, namespace, workers: 4, leaderElection: false, ...extra });
  // Kept for the run's planted-value sweep (test/e2e/zz-planted-sweep.test.ts).
  const keepLogs = () => {
    mkdirSync(join(loadBench().dir, "operator-logs"), { recursive: true });
    writeFileSync(join(loadBench().dir, "operator-logs", `${namespace.replaceAll(",", "_")}-${process.pid}-${Date.now()}.log`), chunks.join(""));
  };
  return {
    operator,
    kc,
    logs: () => chunks.join(""),
    stop: async () => {
      await operator.stop();
      keepLogs();
    },
  };
}

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Polls `read` until it rejects with a 404: the object is gone. Fails after `timeoutMs` with `what`. */
export async function waitForGone(what: string, read: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${what} to be gone`, async () => {
    try {
      await read();
      return undefined;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return true;
      throw err;
    }
  }, timeoutMs);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Kind = "ExternalSecret" | "SecretStore" | "ClusterSecretStore" | "ClusterExternalSecret";

/** Small typed helpers over the bench's admin client. */
export function kube(kc: KubeConfig = kubeConfig()) {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const plural = (kind: string) => ({ ExternalSecret: "externalsecrets", SecretStore: "secretstores", ClusterSecretStore: "clustersecretstores", ClusterExternalSecret: "clusterexternalsecrets" })[kind]!;
  return {
    core,
    custom,
    async create(kind: Kind, namespace: string | undefined, name: string, spec: unknown, metadata: Record<string, unknown> = {}) {
      const body = { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, ...(namespace ? { namespace } : {}), ...metadata }, spec };
      return namespace
        ? custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: plural(kind), body })
        : custom.createClusterCustomObject({ group: GROUP, version: VERSION, plural: plural(kind), body });
    },
    async patch(kind: Kind, namespace: string | undefined, name: string, body: unknown) {
      const { setHeaderOptions, PatchStrategy } = await import("@kubernetes/client-node");
      const options = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
      return namespace
        ? custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: plural(kind), name, body }, options)
        : custom.patchClusterCustomObject({ group: GROUP, version: VERSION, plural: plural(kind), name, body }, options);
    },
    async ces(name: string): Promise<ClusterExternalSecret> {
      return (await custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterexternalsecrets", name })) as ClusterExternalSecret;
    },
    /** Deletes as the API does by default (background cascade) unless `propagationPolicy` says otherwise. */
    async delete(kind: Kind, namespace: string | undefined, name: string, propagationPolicy?: "Background" | "Foreground" | "Orphan") {
      return namespace
        ? custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: plural(kind), name, propagationPolicy })
        : custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: plural(kind), name, propagationPolicy });
    },
    async es(namespace: string, name: string): Promise<ExternalSecret> {
      return (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets", name })) as ExternalSecret;
    },
    async secret(namespace: string, name: string): Promise<V1Secret | undefined> {
      try {
        return await core.readNamespacedSecret({ name, namespace });
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    },
    async events(namespace: string): Promise<string> {
      const list = await core.listNamespacedEvent({ namespace });
      return list.items.map((event) => `${event.type} ${event.reason} ${event.message}`).join("\n");
    },
  };
}

export const decoded = (secret: V1Secret | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(secret?.data ?? {}).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]));

/** The Ready condition of an ExternalSecret (or store) object. */
export function ready(obj: { status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } }) {
  return obj.status?.conditions?.find((condition) => condition.type === "Ready");
}

/** Waits until an ExternalSecret's Ready condition has `status` (and `reason`, if given); returns the object. */
export function waitForReady(k: ReturnType<typeof kube>, namespace: string, name: string, status: string, reason?: string): Promise<ExternalSecret> {
  return waitFor(`${name} Ready=${status}${reason ? ` ${reason}` : ""}`, async () => {
    const es = await k.es(namespace, name);
    const condition = ready(es);
    return condition?.status === status && (reason === undefined || condition.reason === reason) ? es : undefined;
  });
}
