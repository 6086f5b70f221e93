// Fault scenario (issue 23): the operator is cut off from the kube-apiserver (a network partition: no byte moves
// either way, new connections hang) while everything else goes on. During the partition the store rotates every
// value and new ExternalSecrets are created, none of which the operator can see. After it heals, measured: updates
// never delivered (goal 0), time to full convergence, LISTs per resource after the heal (goal: about one per
// informer, no storm), connections the operator opened while cut off (its retries: bounded, no hot loop), and
// writes after the heal against what changed (goal: one Secret write per changed or new ExternalSecret).
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { KubeConfig } from "../../src/kube/http/index.ts";
import { apiserverRequestCount, freshNamespace, loadBench } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { startPartitionProxy } from "./tcp-partition.ts";

export interface PartitionOptions {
  externalSecrets: number;
  keys: number;
  partitionSeconds: number;
  /** New ExternalSecrets created while the operator is cut off. */
  createdDuring: number;
  /** How long to count LISTs and writes after convergence (late relists, stray writes). */
  quietSeconds: number;
}

export interface PartitionFigures {
  externalSecrets: number;
  partitionSeconds: number;
  /** Connections the operator opened to the apiserver while cut off (each retry of a request or a watch). */
  connectionsWhileCut: number;
  /** Secrets without the value rotated during the partition, plus new ExternalSecrets without their Secret, at the end. */
  missedUpdates: number;
  /** From the heal until every Secret had the rotated value and every new ExternalSecret its Secret. */
  recoverySeconds: number;
  /** LISTs per resource from the heal to the end of the quiet window (every client's; the test itself lists none). */
  listsAfterHeal: Record<string, number>;
  /** Secret writes (create, update, patch) after the heal; expected: one per ExternalSecret (rotated or new). */
  secretWritesAfterHeal: number;
  expectedSecretWrites: number;
  /** The operator still answered Ready (its caches synced) at the end. */
  operatorReady: boolean;
  /** What the operator's informers logged: watches restarted for silence, failures, relists. */
  informerLog: Record<string, number>;
}

const INFORMER_MESSAGES = ["watch silent for too long; restarting", "informer failed; restarting", "informer relisted after restart"];

const RESOURCES = ["externalsecrets", "secretstores", "clustersecretstores", "secrets", "pushsecrets", "generatorstates"];
const SECRET_WRITES = ["POST", "PUT", "PATCH", "APPLY"];

/** The bench's admin kubeconfig, with the server moved to the proxy (same 127.0.0.1, so TLS still verifies). */
function proxiedKubeConfig(port: number): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(loadBench().kubeconfigPath);
  for (const cluster of kc.clusters) cluster.server = cluster.server.replace(/:\d+$/, `:${port}`);
  return kc;
}

export async function runApiserverPartition(opts: PartitionOptions, log: (line: string) => void = () => undefined): Promise<PartitionFigures> {
  const k = kube();
  const ns = await freshNamespace("faults-partition");
  const apiserver = new URL(loadBench().server);
  const proxy = await startPartitionProxy({ host: apiserver.hostname, port: Number(apiserver.port) });
  let op: TestOperator | undefined;
  const store = (round: string) => ({ provider: { fake: { data: Array.from({ length: opts.keys }, (_, key) => ({ key: `key-${key}`, value: `${round}-${key}` })) } } });
  const names = Array.from({ length: opts.externalSecrets }, (_, i) => `es-${i}`);
  const created = Array.from({ length: opts.createdDuring }, (_, i) => `new-${i}`);
  const spec = (i: number) => ({ refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key: `key-${i % opts.keys}` } }] });
  const behind = async (round: string) => {
    let missing = 0;
    for (const [i, name] of [...names, ...created].entries()) if (decoded(await k.secret(ns, name))["v"] !== `${round}-${i % opts.keys}`) missing++;
    return missing;
  };
  const counts = async () => ({
    lists: Object.fromEntries(await Promise.all(RESOURCES.map(async (resource) => [resource, await apiserverRequestCount({ verbs: ["LIST"], resource })] as const))),
    secretWrites: await apiserverRequestCount({ verbs: SECRET_WRITES, resource: "secrets" }),
  });
  try {
    op = await startTestOperator(ns, { kc: proxiedKubeConfig(proxy.port), minRefreshIntervalMs: 0 });
    await k.create("SecretStore", ns, "fake", store("before"));
    for (const [i, name] of names.entries()) await k.create("ExternalSecret", ns, name, spec(i));
    await waitFor("all Ready", async () => {
      const list = (await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "externalsecrets" })) as { items: ExternalSecret[] };
      return list.items.length === names.length && list.items.every((es) => ready(es)?.status === "True") ? true : undefined;
    }, 300_000);
    log(`apiserver partition: ${names.length} ExternalSecrets current; cutting the operator off for ${opts.partitionSeconds}s`);
    const connectionsBefore = proxy.connections();
    proxy.partition();
    await sleep(2_000);
    // What the operator cannot see: every value rotates, new ExternalSecrets appear.
    await k.patch("SecretStore", ns, "fake", { spec: store("during") });
    for (const [j, name] of created.entries()) await k.create("ExternalSecret", ns, name, spec(names.length + j));
    await sleep(Math.max(0, opts.partitionSeconds * 1000 - 2_000));
    const connectionsWhileCut = proxy.connections() - connectionsBefore;
    const before = await counts();
    proxy.heal();
    const healedAt = Date.now();
    log(`apiserver partition: healed after ${opts.partitionSeconds}s (${connectionsWhileCut} connections tried while cut)`);
    await waitFor("every update delivered", async () => ((await behind("during")) === 0 ? true : undefined), 600_000).catch(() => undefined);
    const recoverySeconds = (Date.now() - healedAt) / 1000;
    await sleep(opts.quietSeconds * 1000);
    const after = await counts();
    const listsAfterHeal = Object.fromEntries(RESOURCES.map((resource) => [resource, (after.lists[resource] ?? 0) - (before.lists[resource] ?? 0)]));
    return {
      externalSecrets: names.length,
      partitionSeconds: opts.partitionSeconds,
      connectionsWhileCut,
      missedUpdates: await behind("during"),
      recoverySeconds,
      listsAfterHeal,
      secretWritesAfterHeal: after.secretWrites - before.secretWrites,
      expectedSecretWrites: names.length + created.length,
      operatorReady: op.operator.ready(),
      informerLog: Object.fromEntries(INFORMER_MESSAGES.map((message) => [message, op!.logs().split("\n").filter((line) => line.includes(`"msg":"${message}"`)).length])),
    };
  } finally {
    proxy.heal();
    await op?.stop();
    await proxy.close();
  }
}
