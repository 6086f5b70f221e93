// Issue 21, manual shards: two operators side by side on one cluster, one with
// `--watch-label-selector sharding.secrets-bridge.dev/key=a`, the other with `!sharding.secrets-bridge.dev/key` (the
// documented convention). Each ExternalSecret is synced by exactly one of them, each store validated by exactly
// one, and a ClusterExternalSecret whose children would not carry the shard's label is refused with a reason
// instead of creating children no replica of that shard would ever see.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { planted } from "../helpers/planted.ts";
import { makeMetrics, type OperatorMetrics } from "../../src/metrics.ts";
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { SecretStore } from "../../src/api/secret-store.ts";
import { SHARD_LABEL } from "../../src/operator/shard-filter.ts";

/** Sync calls an operator made, by ExternalSecret name. */
async function syncsByName(metrics: OperatorMetrics): Promise<Record<string, number>> {
  const values = (await metrics.syncCalls.get()).values;
  return Object.fromEntries(values.map((v) => [String(v.labels.name), v.value]));
}

/** Reconciles of one controller an operator ran. */
async function reconciles(metrics: OperatorMetrics, controller: string): Promise<number> {
  const values = (await metrics.reconcileDuration.get()).values;
  return values.filter((v) => v.labels.controller === controller && v.metricName?.endsWith("_count")).reduce((sum, v) => sum + v.value, 0);
}

describe("manual shards (--watch-label-selector)", () => {
  let ns: string;
  let shardA: TestOperator;
  let rest: TestOperator;
  const metricsA = makeMetrics({ defaultMetrics: false });
  const metricsRest = makeMetrics({ defaultMetrics: false });
  const k = kube();
  const value = planted("shard");
  const suffix = Math.random().toString(16).slice(2, 8);

  before(async () => {
    ns = await freshNamespace("shards");
    shardA = await startTestOperator(ns, { metrics: metricsA, watchLabelSelector: `${SHARD_LABEL}=a`, clusterExternalSecrets: true });
    rest = await startTestOperator(ns, { metrics: metricsRest, watchLabelSelector: `!${SHARD_LABEL}`, clusterExternalSecrets: true });
    await k.create("SecretStore", ns, "fake-rest", { provider: { fake: { data: [{ key: "k", value }] } } });
    await k.create("SecretStore", ns, "fake-a", { provider: { fake: { data: [{ key: "k", value }] } } }, { labels: { [SHARD_LABEL]: "a" } });
  });
  after(async () => {
    await shardA?.stop();
    await rest?.stop();
    metricsA.close();
    metricsRest.close();
  });

  it("each ExternalSecret is synced by its shard only, whatever store it reads; each store validated once", async () => {
    const spec = (store: string) => ({ refreshInterval: "1s", secretStoreRef: { name: store, kind: "SecretStore" }, data: [{ secretKey: "v", remoteRef: { key: "k" } }] });
    await k.create("ExternalSecret", ns, "in-a", spec("fake-rest"), { labels: { [SHARD_LABEL]: "a" } });
    await k.create("ExternalSecret", ns, "unlabelled", spec("fake-a"));
    await k.create("ExternalSecret", ns, "in-b", spec("fake-rest"), { labels: { [SHARD_LABEL]: "b" } });
    await waitForReady(k, ns, "in-a", "True", "SecretSynced");
    await waitForReady(k, ns, "unlabelled", "True", "SecretSynced");
    assert.equal(decoded(await k.secret(ns, "in-a")).v, value);
    await sleep(3000); // a few refreshes
    const a = await syncsByName(metricsA);
    const r = await syncsByName(metricsRest);
    assert.ok((a["in-a"] ?? 0) > 0 && a["unlabelled"] === undefined && a["in-b"] === undefined, `shard a synced ${JSON.stringify(a)}`);
    assert.ok((r["unlabelled"] ?? 0) > 0 && r["in-a"] === undefined && r["in-b"] === undefined, `the rest synced ${JSON.stringify(r)}`);
    assert.equal(await k.secret(ns, "in-b"), undefined, "a shard nobody runs is synced by nobody");
    // Both stores are Ready, each validated by its own shard only.
    const store = async (name: string) => (await k.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "secretstores", name })) as SecretStore;
    for (const name of ["fake-rest", "fake-a"]) await waitFor(`${name} Ready`, async () => (ready(await store(name))?.status === "True" ? true : undefined));
    assert.ok((await reconciles(metricsA, "secretstore")) > 0 && (await reconciles(metricsRest, "secretstore")) > 0);
    const checked = (op: TestOperator, store: string) => op.logs().includes(`"store":"SecretStore/${ns}/${store}","ready":"True","msg":"store checked"`);
    assert.ok(checked(shardA, "fake-a") && !checked(shardA, "fake-rest"), "shard a validates its store only");
    assert.ok(checked(rest, "fake-rest") && !checked(rest, "fake-a"), "the rest validates the unlabelled store only");
  });

  it("a ClusterExternalSecret whose children would not carry the shard's label is NotInShard; with it, it fans out in the shard", async () => {
    const name = `sharded-${suffix}`;
    const externalSecretSpec = { refreshInterval: "1h", secretStoreRef: { name: "fake-rest", kind: "SecretStore" }, data: [{ secretKey: "v", remoteRef: { key: "k" } }] };
    const namespaceSelectors = [{ matchLabels: { "kubernetes.io/metadata.name": ns } }];
    await k.create("ClusterExternalSecret", undefined, name, { externalSecretSpec, externalSecretName: "from-ces", namespaceSelectors }, { labels: { [SHARD_LABEL]: "a" } });
    const refused = await waitFor("NotInShard", async () => {
      const condition = ready(await k.ces(name));
      return condition?.reason === "NotInShard" ? condition : undefined;
    });
    assert.equal(refused.status, "False");
    assert.match(refused.message ?? "", /externalSecretMetadata\.labels/);
    assert.equal(await k.es(ns, "from-ces").catch(() => undefined), undefined, "no child was created");
    await k.patch("ClusterExternalSecret", undefined, name, { spec: { externalSecretMetadata: { labels: { [SHARD_LABEL]: "a" } } } });
    await waitForReady(k, ns, "from-ces", "True", "SecretSynced");
    await waitFor("provisioned", async () => (ready(await k.ces(name))?.status === "True" ? true : undefined));
    assert.ok(((await syncsByName(metricsA))["from-ces"] ?? 0) > 0);
    assert.equal((await syncsByName(metricsRest))["from-ces"], undefined);
    await k.delete("ClusterExternalSecret", undefined, name);
  });
});
