// What AWS bills: N ExternalSecrets over the same K secrets read each secret once per refresh (counted at the
// moto proxy), distinct secrets due together go out as BatchGetSecretValue (20 ids per call), and the
// externalsecret_provider_api_calls_count metric matches what moto saw.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { awsStoreSpec, idsRead, moto, opCounts, secretRefAuth, type ProxiedRequest, createCredentialsSecret } from "../helpers/moto.ts";
import { providerCallCount } from "../../src/provider/call-metrics.ts";
import { planted } from "../helpers/planted.ts";

const N = 8;
const K = 3;

/** Splits requests into rounds separated by quiet gaps (the refresh rounds). */
function rounds(requests: ProxiedRequest[], gapMs: number): ProxiedRequest[][] {
  const out: ProxiedRequest[][] = [];
  let last = -Infinity;
  for (const r of [...requests].sort((a, b) => a.at! - b.at!)) {
    if (r.at! - last > gapMs) out.push([]);
    out.at(-1)!.push(r);
    last = r.at!;
  }
  return out;
}

describe("aws provider: API calls per refresh on moto", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const m = moto();
  const shared = Array.from({ length: K }, () => planted());
  const distinct = Array.from({ length: 6 }, () => planted());
  const many = Array.from({ length: 25 }, () => planted());
  const reads = (rs: ProxiedRequest[]) => rs.filter((r) => r.op.startsWith("secretsmanager."));
  const sharedEs = (name: string, interval: string) =>
    k.create("ExternalSecret", ns, name, {
      refreshInterval: interval,
      secretStoreRef: { name: "aws" },
      data: shared.flatMap((_, i) => [
        { secretKey: `user-${i}`, remoteRef: { key: `shared/${i}`, property: "user" } },
        { secretKey: `password-${i}`, remoteRef: { key: `shared/${i}`, property: "password" } },
      ]),
    });
  const synced = (name: string) => waitFor(`secret ${name}`, async () => (decoded(await k.secret(ns, name))["password-0"] === shared[0] ? true : undefined), 60_000);

  before(async () => {
    await m.reset();
    for (const [i, value] of shared.entries()) await m.sm.send(new CreateSecretCommand({ Name: `shared/${i}`, SecretString: JSON.stringify({ user: `u${i}`, password: value }) }));
    for (const [i, value] of distinct.entries()) await m.sm.send(new CreateSecretCommand({ Name: `distinct/${i}`, SecretString: value }));
    for (const [i, value] of many.entries()) await m.sm.send(new CreateSecretCommand({ Name: `many/${String(i).padStart(2, "0")}`, SecretString: value, Tags: [{ Key: "bulk", Value: "yes" }] }));
    ns = await freshNamespace("aws-cost");
    await createCredentialsSecret(ns);
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "aws", awsStoreSpec(m.endpoint, { auth: secretRefAuth("aws-creds") }));
  });
  after(async () => {
    await op?.stop();
    m.close();
  });

  it(`${N} ExternalSecrets over the same ${K} secrets read each secret once, at creation and on a forced refresh`, async () => {
    await m.clearLog();
    await Promise.all(Array.from({ length: N }, (_, i) => sharedEs(`shared-${i}`, "1h")));
    for (let i = 0; i < N; i++) await synced(`shared-${i}`);
    let seen = reads(await m.requests());
    assert.equal(idsRead(seen), K, `first sync: ${JSON.stringify(opCounts(seen))}`);

    // Let the shared values age out, then force every ExternalSecret to refresh at once.
    await sleep(5_500);
    await m.clearLog();
    const versionsBefore = await Promise.all(Array.from({ length: N }, async (_, i) => (await k.es(ns, `shared-${i}`)).status?.syncedResourceVersion));
    const stamp = String(Date.now());
    await Promise.all(Array.from({ length: N }, (_, i) => k.patch("ExternalSecret", ns, `shared-${i}`, { metadata: { annotations: { "force-sync": stamp } } })));
    for (let i = 0; i < N; i++) {
      await waitFor(`shared-${i} force-synced`, async () => ((await k.es(ns, `shared-${i}`)).status?.syncedResourceVersion !== versionsBefore[i] ? true : undefined));
    }
    seen = reads(await m.requests());
    assert.equal(idsRead(seen), K, `forced refresh: ${JSON.stringify(opCounts(seen))}`);
  });

  it(`periodic refreshes: every round reads the ${K} secrets once for all ${N} ExternalSecrets`, async (t) => {
    await Promise.all(Array.from({ length: N }, (_, i) => sharedEs(`periodic-${i}`, "10s")));
    for (let i = 0; i < N; i++) await synced(`periodic-${i}`);
    await m.clearLog();
    // Two full rounds (phases spread each round over at most 1 s; rounds are 10 s apart).
    await waitFor("two refresh rounds", async () => (rounds(reads(await m.requests()), 4_000).length >= 3 ? true : undefined), 60_000);
    const all = rounds(reads(await m.requests()), 4_000);
    t.diagnostic(`rounds: ${JSON.stringify(all.map((round) => opCounts(round)))}`);
    for (const round of all.slice(0, 2)) assert.equal(idsRead(round), K, `a round: ${JSON.stringify(opCounts(round))}`);
    for (let i = 0; i < N; i++) await k.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets", name: `periodic-${i}` });
  });

  it("distinct secrets due together go out as BatchGetSecretValue", async (t) => {
    // The ExternalSecrets wait for their store; when it turns Ready they are all due at once.
    await Promise.all(distinct.map((_, i) => k.create("ExternalSecret", ns, `distinct-${i}`, { refreshInterval: "1h", secretStoreRef: { name: "later" }, data: [{ secretKey: "v", remoteRef: { key: `distinct/${i}` } }] })));
    await sleep(500);
    await m.clearLog();
    const batchedBefore = providerCallCount({ provider: "aws", call: "BatchGetSecretValue" });
    await k.create("SecretStore", ns, "later", awsStoreSpec(m.endpoint, { auth: secretRefAuth("aws-creds") }));
    for (const [i, value] of distinct.entries()) await waitFor(`distinct-${i}`, async () => (decoded(await k.secret(ns, `distinct-${i}`)).v === value ? true : undefined));
    const seen = reads(await m.requests());
    const counts = opCounts(seen);
    t.diagnostic(`calls for ${distinct.length} distinct secrets: ${JSON.stringify(counts)}`);
    assert.equal(idsRead(seen), distinct.length, JSON.stringify(counts));
    assert.ok((counts["secretsmanager.BatchGetSecretValue"] ?? 0) >= 1, `expected a batch: ${JSON.stringify(counts)}`);
    assert.ok(seen.length < distinct.length, `fewer calls than secrets: ${JSON.stringify(counts)}`);
    assert.equal(providerCallCount({ provider: "aws", call: "BatchGetSecretValue" }) - batchedBefore, counts["secretsmanager.BatchGetSecretValue"], "the calls metric matches moto's count");
  });

  it("find by tags over 25 secrets: one ListSecrets and two BatchGetSecretValue calls (20 ids each at most)", async () => {
    await m.clearLog();
    const listBefore = providerCallCount({ provider: "aws", call: "ListSecrets", status: "success" });
    await k.create("ExternalSecret", ns, "bulk", { refreshInterval: "1h", secretStoreRef: { name: "aws" }, dataFrom: [{ find: { tags: { bulk: "yes" } } }] });
    const secret = await waitFor("secret bulk", () => k.secret(ns, "bulk"));
    assert.equal(Object.keys(secret.data ?? {}).length, many.length);
    const seen = reads(await m.requests());
    assert.deepEqual(opCounts(seen), { "secretsmanager.ListSecrets": 1, "secretsmanager.BatchGetSecretValue": 2 });
    assert.deepEqual(seen.filter((r) => r.op === "secretsmanager.BatchGetSecretValue").map((r) => r.ids.length).sort((a, b) => a - b), [5, 20]);
    assert.equal(providerCallCount({ provider: "aws", call: "ListSecrets", status: "success" }) - listBefore, 1);
  });

  it("never shows a planted value in logs or Events", async () => {
    const events = await k.events(ns);
    for (const value of [...shared, ...distinct, ...many]) {
      assert.ok(!op.logs().includes(value), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(value), "a planted value appeared in Events");
    }
  });
});
