// W12 (issue 17): N PushSecrets, each pushing one key of its own Secret (one property of remote key push-i) to the
// benchmark's store. Measured: time until all are Ready and the writes that took (goal: one provider write per
// remote secret, plus the provider's ownership mark where it is a separate call); one idle refresh cycle (goal: zero
// provider writes, zero apiserver writes, one provider read per entry); then 10 source Secrets changed (goal: 10
// writes, at once rather than at the next interval).
import { GROUP } from "../../../src/api/common.ts";
import { PUSH_VERSION, type PushSecret } from "../../../src/api/push-secret.ts";
import { inBatches } from "./cluster.ts";
import { percentile, type Context } from "./scenarios.ts";

const NAMESPACE = "bench-push";
const STORE = "bench";
const CHANGED = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(250);
  }
}

export async function w12PushSecrets(ctx: Context, n: number): Promise<Record<string, unknown>> {
  const { core, custom } = ctx.cluster;
  const writes = () => ctx.backend.providerWrites(ctx.operator());
  const reads = () => ctx.backend.providerCalls(ctx.operator());
  const list = async () => ((await custom.listNamespacedCustomObject({ group: GROUP, version: PUSH_VERSION, namespace: NAMESPACE, plural: "pushsecrets" })) as { items: PushSecret[] }).items;
  const readyAt = new Map<string, number>();
  const watchReady = async () => {
    for (const ps of await list()) if (!readyAt.has(ps.metadata.name) && ps.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) readyAt.set(ps.metadata.name, Date.now());
    return readyAt.size === n;
  };
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  try {
    await inBatches(range(n), 16, (i) => core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: `source-${i}` }, stringData: { v: `pushed-${i}` } } }));
    const w0 = await writes();
    const createdAt = new Map<string, number>();
    const t0 = Date.now();
    await inBatches(range(n), 16, async (i) => {
      createdAt.set(`push-${i}`, Date.now());
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: PUSH_VERSION,
        namespace: NAMESPACE,
        plural: "pushsecrets",
        body: {
          apiVersion: `${GROUP}/${PUSH_VERSION}`,
          kind: "PushSecret",
          metadata: { name: `push-${i}` },
          spec: { refreshInterval: `${ctx.intervalSeconds}s`, secretStoreRefs: [{ name: STORE, kind: "ClusterSecretStore" }], selector: { secret: { name: `source-${i}` } }, data: [{ match: { secretKey: "v", remoteRef: { remoteKey: `push-${i}`, property: "v" } } }] },
        },
      });
    });
    await until("all PushSecrets Ready", watchReady, 20 * 60_000);
    const allReadySeconds = (Date.now() - t0) / 1000;
    const latencies = [...createdAt].map(([name, at]) => readyAt.get(name)! - at);
    const creationWrites = (await writes()) - w0;

    // One idle cycle: every PushSecret comes due once and compares with the provider.
    await sleep(2_000);
    const [w1, r1, a1] = [await writes(), await reads(), await ctx.cluster.apiserverWrites()];
    await sleep(ctx.intervalSeconds * 1000);
    const idle = { providerWrites: (await writes()) - w1, providerReads: (await reads()) - r1, apiserverWrites: (await ctx.cluster.apiserverWrites()) - a1 };

    const w2 = await writes();
    const t2 = Date.now();
    await inBatches(range(CHANGED), 8, (i) => core.replaceNamespacedSecret({ name: `source-${i}`, namespace: NAMESPACE, body: { metadata: { name: `source-${i}` }, stringData: { v: `changed-${i}-${t2}` } } }));
    await until("the changed values pushed", async () => (await writes()) - w2 >= CHANGED, (ctx.intervalSeconds + 60) * 1000);
    const changeSeconds = (Date.now() - t2) / 1000;
    await sleep(2_000);
    return {
      pushSecrets: n,
      backend: ctx.backend.name,
      allReadySeconds,
      readyP50Ms: percentile(latencies, 50),
      readyP99Ms: percentile(latencies, 99),
      creationProviderWrites: creationWrites,
      idleCycleSeconds: ctx.intervalSeconds,
      idleProviderWrites: idle.providerWrites,
      idleProviderReads: idle.providerReads,
      idleApiserverWrites: idle.apiserverWrites,
      changedSources: CHANGED,
      changeProviderWrites: (await writes()) - w2,
      changePushedSeconds: changeSeconds,
    };
  } finally {
    await core.deleteNamespace({ name: NAMESPACE }).catch(() => undefined);
  }
}
