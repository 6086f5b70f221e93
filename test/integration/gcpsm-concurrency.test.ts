// ExternalSecrets on one gcpsm store are not serialised (ESO puts every GCP reconcile behind one lock): a
// counting proxy in front of the emulator holds each request briefly and records how many overlap. Also: one
// session per store, and ExternalSecrets due together share one fetch.
import { nonLoopbackTraffic, emulator, uniqueProject, seedSecret, countingProxy } from "../helpers/gcpsm.ts";
import type { CountingProxy } from "../helpers/gcpsm.ts";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { providerCallCount } from "../../src/provider/call-metrics.ts";
import { planted } from "../helpers/planted.ts";

const WORKERS = 4;
const HOLD_MS = 400;

describe("gcpsm: concurrent ExternalSecrets on one store", () => {
  let ns: string;
  let op: TestOperator;
  let proxy: CountingProxy;
  const k = kube();
  const project = uniqueProject("conc");
  const distinct = Array.from({ length: 6 }, () => planted());
  const shared = planted();

  const allReady = (names: string[]) =>
    waitFor(`${names.length} ExternalSecrets Ready`, async () => {
      for (const name of names) if (ready(await k.es(ns, name))?.status !== "True") return undefined;
      return true;
    });

  before(async () => {
    ns = await freshNamespace("gcpsm-conc");
    for (const [i, value] of distinct.entries()) await seedSecret(emulator().endpoint, project, `app-${i}`, [value]);
    await seedSecret(emulator().endpoint, project, "shared", [shared]);
    proxy = await countingProxy(HOLD_MS);
    op = await startTestOperator(ns, { workers: WORKERS });
    await k.create("SecretStore", ns, "gcpsm", { provider: { gcpsm: { projectID: project, endpoint: proxy.endpoint } } });
  });
  after(async () => {
    await op?.stop();
    await proxy?.close();
  });

  it("runs requests for different ExternalSecrets in parallel (overlap counted at the server side)", async () => {
    const before = providerCallCount({ provider: "gcpsm", call: "AccessSecretVersion" });
    const names = distinct.map((_, i) => `app-${i}`);
    await Promise.all(names.map((name) => k.create("ExternalSecret", ns, name, { secretStoreRef: { name: "gcpsm" }, data: [{ secretKey: "v", remoteRef: { key: name } }] })));
    await allReady(names);
    for (const [i, value] of distinct.entries()) assert.deepEqual(decoded(await k.secret(ns, `app-${i}`)), { v: value });
    const calls = providerCallCount({ provider: "gcpsm", call: "AccessSecretVersion" }) - before;
    assert.equal(calls, distinct.length, "one AccessSecretVersion per ExternalSecret");
    assert.equal(proxy.total(), distinct.length, "the server side saw one request per ExternalSecret");
    // Serialised requests would never overlap (peak 1); with 4 workers and each request held 400 ms they do.
    assert.ok(proxy.peak() >= 2, `requests did not overlap (peak in flight ${proxy.peak()})`);
    process.stdout.write(`# gcpsm: peak overlapping requests ${proxy.peak()} of ${distinct.length} (workers ${WORKERS})\n`);
  });

  it("opens one session for the store and reuses it", () => {
    // Counted from the operator's own log: its session counters also include ClusterSecretStores that other
    // test files left in the cluster.
    const opened = op.logs().split("\n").filter((line) => line.includes("provider session opened") && line.includes(`"store":"SecretStore/${ns}/gcpsm"`));
    assert.equal(opened.length, 1);
  });

  it("shares one fetch between ExternalSecrets that need the same secret at the same time", async () => {
    const beforeTotal = proxy.total();
    const names = ["s-0", "s-1", "s-2", "s-3"];
    await Promise.all(names.map((name) => k.create("ExternalSecret", ns, name, { secretStoreRef: { name: "gcpsm" }, data: [{ secretKey: "v", remoteRef: { key: "shared" } }] })));
    await allReady(names);
    for (const name of names) assert.deepEqual(decoded(await k.secret(ns, name)), { v: shared });
    const requests = proxy.total() - beforeTotal;
    assert.ok(requests < names.length, `expected shared fetches, saw ${requests} requests for ${names.length} ExternalSecrets`);
    process.stdout.write(`# gcpsm: ${requests} request(s) served ${names.length} ExternalSecrets due together\n`);
  });

  it("never shows a planted value in logs, Events or status, and stays on loopback", async () => {
    const events = await k.events(ns);
    for (const value of [...distinct, shared]) {
      assert.ok(!op.logs().includes(value), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(value), "a planted value appeared in Events");
      for (const name of ["app-0", "s-0"]) assert.ok(!JSON.stringify((await k.es(ns, name)).status).includes(value));
    }
    assert.deepEqual(nonLoopbackTraffic(), []);
  });
});
