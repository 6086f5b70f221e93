// Fault scenarios (issue 23): the kube-apiserver restarts under N current ExternalSecrets (etcd and its data stay),
// or etcd does (down for a while; the apiserver stays and fails its storage calls meanwhile). Watches break or go
// quiet; the informers must relist and carry on. Measured from the apiserver's own counters (deltas; a restarted
// apiserver's start at zero): LISTs per resource (goal: one relist per informer, plus a retry when the apiserver
// answered 503 while settling; no relist storm), writes while nothing changed (goal 0), then a rotation made right
// after: ExternalSecrets that never got the new value (missed updates, goal 0) and how long until all had it. Used
// by the reduced tests in `npm test` and by `npm run faults` at full size.
import { GROUP, VERSION } from "../../src/api/common.ts";
import { apiserverRequestCount, freshNamespace, restartApiserverFromTest, restartEtcdFromTest } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";

export interface RestartOptions {
  /** What restarts: the apiserver (its counters restart at zero) or etcd (held down `etcdDownSeconds` first). */
  peer?: "apiserver" | "etcd";
  etcdDownSeconds?: number;
  externalSecrets: number;
  keys: number;
  /** How long to watch the operator after the restart before the rotation (relists, writes). */
  quietSeconds: number;
}

export interface RestartFigures {
  externalSecrets: number;
  /**
   * LIST requests per resource after the restart, as the apiserver counts them: every client's, and the ones it
   * answered 503 while still starting (an informer that relisted too early retries after its backoff).
   */
  listsAfterRestart: Record<string, number>;
  /** The operator's own count, from its log: relists per informer that completed after the restart (goal: 1 each). */
  relistsByInformer: Record<string, number>;
  /** Writes (POST/PUT/PATCH/DELETE) on secrets and externalsecrets during the quiet window: nothing had changed. */
  writesWhileNothingChanged: number;
  /** ExternalSecrets whose Secret did not get the value rotated right after the restart. */
  missedUpdates: number;
  rotationSeconds: number;
}

const RESOURCES = ["externalsecrets", "secretstores", "clustersecretstores", "secrets", "pushsecrets"];
// Creates and updates only: the counter is cluster-wide, and the garbage collector deleting an earlier test's Secrets
// (a cascade can take a minute) would count here; a Secret this operator wrongly deleted shows as lost instead.
const WRITES = ["POST", "PUT", "PATCH", "APPLY"];

const counters = async () => ({
  lists: Object.fromEntries(await Promise.all(RESOURCES.map(async (resource) => [resource, await apiserverRequestCount({ verbs: ["LIST"], resource })] as const))),
  writes: (await apiserverRequestCount({ verbs: WRITES, resource: "secrets" })) + (await apiserverRequestCount({ verbs: WRITES, resource: "externalsecrets" })),
});

export async function runApiserverRestart(opts: RestartOptions, log: (line: string) => void = () => undefined): Promise<RestartFigures> {
  const k = kube();
  const peer = opts.peer ?? "apiserver";
  const ns = await freshNamespace(`faults-restart-${peer}`);
  let op: TestOperator | undefined;
  const store = (round: string) => ({ provider: { fake: { data: Array.from({ length: opts.keys }, (_, key) => ({ key: `key-${key}`, value: `${round}-${key}` })) } } });
  const names = Array.from({ length: opts.externalSecrets }, (_, i) => `es-${i}`);
  const allHave = async (round: string) => {
    let missing = 0;
    for (const [i, name] of names.entries()) if (decoded(await k.secret(ns, name))["v"] !== `${round}-${i % opts.keys}`) missing++;
    return missing;
  };
  try {
    op = await startTestOperator(ns, { minRefreshIntervalMs: 0 });
    await k.create("SecretStore", ns, "fake", store("before"));
    for (const name of names) {
      const i = Number(name.slice(3));
      await k.create("ExternalSecret", ns, name, { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key: `key-${i % opts.keys}` } }] });
    }
    await waitFor("all Ready", async () => {
      const list = (await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "externalsecrets" })) as { items: ExternalSecret[] };
      return list.items.length === names.length && list.items.every((es) => ready(es)?.status === "True") ? true : undefined;
    }, 300_000);
    log(`${peer} restart: ${names.length} ExternalSecrets current; restarting ${peer}`);
    // A restarted apiserver counts from zero; across an etcd restart the same apiserver keeps counting.
    const before = peer === "apiserver" ? { lists: {} as Record<string, number>, writes: 0 } : await counters();
    if (peer === "apiserver") await restartApiserverFromTest();
    else await restartEtcdFromTest(opts.etcdDownSeconds ?? 0);
    await sleep(opts.quietSeconds * 1000);
    const after = await counters();
    const listsAfterRestart = Object.fromEntries(RESOURCES.map((resource) => [resource, (after.lists[resource] ?? 0) - (before.lists[resource] ?? 0)]));
    const writesWhileNothingChanged = after.writes - before.writes;
    log(`${peer} restart: lists ${JSON.stringify(listsAfterRestart)}, writes while nothing changed ${writesWhileNothingChanged}`);
    const relistsByInformer: Record<string, number> = {};
    for (const line of op.logs().split("\n")) {
      if (!line.includes("informer relisted after restart")) continue;
      const informer = (JSON.parse(line) as { informer?: string }).informer ?? "?";
      relistsByInformer[informer] = (relistsByInformer[informer] ?? 0) + 1;
    }
    const t0 = Date.now();
    await k.patch("SecretStore", ns, "fake", { spec: store("after") });
    await waitFor("every Secret rotated", async () => ((await allHave("after")) === 0 ? true : undefined), 300_000).catch(() => undefined);
    const rotationSeconds = (Date.now() - t0) / 1000;
    return { externalSecrets: names.length, listsAfterRestart, relistsByInformer, writesWhileNothingChanged, missedUpdates: await allHave("after"), rotationSeconds };
  } finally {
    await op?.stop();
  }
}
