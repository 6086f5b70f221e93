// The floor under W1 (issue 22): the same burst with no operator, only the writes a burst needs, made by a minimal
// client as fast as the apiserver takes them. The harness creates N ExternalSecrets exactly as W1 does (batches of 16);
// `workers` loops (the operator's default worker count) take each one as soon as it exists and make its Secret (the
// managed label, the data-hash annotation, one key) and its status patch (Ready=True). No provider, no watch, no
// template, no Event. W1's all-Ready time divided by this one is the ratio the issue's goal is stated in
// (within 1.25x at 1,000, 5,000 and 10,000). The operator must be stopped while this runs (main.ts does it).
import { createHash } from "node:crypto";
import { PatchStrategy, setHeaderOptions } from "../../../src/kube/http/index.ts";
import { GROUP, VERSION } from "../../../src/api/common.ts";
import { ANNOTATION_DATA_HASH, LABEL_MANAGED } from "../../../src/api/markers.ts";
import { inBatches } from "./cluster.ts";
import { KEYS, NAMESPACES, type Context } from "./scenarios.ts";

const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FloorResult {
  n: number;
  workers: number;
  floorSeconds: number;
  secretCreates: number;
  statusPatches: number;
}

export async function floorBurst(ctx: Context, prefix: string, n: number, workers = 8): Promise<FloorResult> {
  const { core, custom } = ctx.cluster;
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `${prefix}-${i}`);
  await inBatches(namespaces, 8, (name) => core.createNamespace({ body: { metadata: { name } } }));
  const created: Array<{ namespace: string; name: string; key: number }> = [];
  let creating = true;
  let secretCreates = 0;
  let statusPatches = 0;
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  // One "reconcile": the Secret, then the status, each one request, as the operator's writes for a new ExternalSecret.
  const reconcile = async (item: { namespace: string; name: string; key: number }) => {
    const value = `value-${item.key}`;
    const hash = createHash("sha3-224").update(value).digest("hex");
    await core.createNamespacedSecret({
      namespace: item.namespace,
      body: { metadata: { name: item.name, labels: { [LABEL_MANAGED]: "true" }, annotations: { [ANNOTATION_DATA_HASH]: hash } }, data: { v: Buffer.from(value).toString("base64") } },
    });
    secretCreates++;
    const status = { refreshTime: now(), syncedResourceVersion: "1-floor", conditions: [{ type: "Ready", status: "True", reason: "SecretSynced", message: "secret synced", lastTransitionTime: now() }] };
    await custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: item.namespace, plural: "externalsecrets", name: item.name, body: { status } }, mergePatch);
    statusPatches++;
  };
  const worker = async () => {
    for (;;) {
      const item = created.shift();
      if (item) await reconcile(item);
      else if (!creating) return;
      else await sleep(1);
    }
  };
  const t0 = Date.now();
  const pool = Array.from({ length: workers }, () => worker());
  await inBatches(Array.from({ length: n }, (_, i) => i), 16, async (i) => {
    const namespace = namespaces[i % NAMESPACES]!;
    const name = `es-${i}`;
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: "externalsecrets",
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: "ExternalSecret", metadata: { name, namespace }, spec: { refreshInterval: `${ctx.intervalSeconds}s`, secretStoreRef: { name: "bench", kind: "ClusterSecretStore" }, data: [{ secretKey: "v", remoteRef: { key: `key-${i % KEYS}` } }] } },
    });
    created.push({ namespace, name, key: i % KEYS });
  });
  creating = false;
  await Promise.all(pool);
  const floorSeconds = (Date.now() - t0) / 1000;
  // Gone before the operator comes back: it must not find these ExternalSecrets (nor their Secrets). Deleted as
  // collections first (at once: no finalizers), so the namespaces' own deletion leaves nothing for the operator.
  await inBatches(namespaces, 8, async (namespace) => {
    await custom.deleteCollectionNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets" });
    await core.deleteCollectionNamespacedSecret({ namespace, labelSelector: `${LABEL_MANAGED}=true` });
    await core.deleteNamespace({ name: namespace });
  });
  // The namespace controller's own deletes (a DELETE per resource kind and namespace) must not land in W1's counts.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline && (await core.listNamespace()).items.some((ns) => ns.metadata?.name?.startsWith(`${prefix}-`))) await sleep(500);
  return { n, workers, floorSeconds, secretCreates, statusPatches };
}
