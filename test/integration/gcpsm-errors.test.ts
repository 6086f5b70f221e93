// gcpsm error handling end to end: a proxy in front of the emulator injects what the emulator cannot produce
// (PERMISSION_DENIED, UNAVAILABLE, quota errors, payload CRC32C checksums, right and wrong), and the test checks
// the ExternalSecret's condition and that the last good Secret stays.
import { nonLoopbackTraffic, emulator, uniqueProject, seedSecret, countingProxy } from "../helpers/gcpsm.ts";
import type { CountingProxy } from "../helpers/gcpsm.ts";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { providerCallCount } from "../../src/provider/call-metrics.ts";
import { crc32c } from "../../providers/gcpsm/crc32c.ts";
import { planted } from "../helpers/planted.ts";

type Mode = "checksum" | "bad-checksum" | "denied" | "unavailable" | "quota";

const errorBody = (code: number, status: string, message: string) => ({ error: { code, status, message } });

describe("gcpsm errors: permission, availability, quota and payload checksums", () => {
  let ns: string;
  let op: TestOperator;
  let proxy: CountingProxy;
  let mode: Mode = "checksum";
  const k = kube();
  const project = uniqueProject("err");
  const value = planted();

  const condition = async (name: string, status: "True" | "False", message?: RegExp) => {
    try {
      return await waitFor(`ExternalSecret ${name} Ready=${status} ${message ?? ""}`, async () => {
        const c = ready(await k.es(ns, name));
        return c?.status === status && (!message || message.test(c.message ?? "")) ? c : undefined;
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}; last condition: ${JSON.stringify(ready(await k.es(ns, name)))}`);
    }
  };

  before(async () => {
    ns = await freshNamespace("gcpsm-err");
    await seedSecret(emulator().endpoint, project, "app", [value]);
    proxy = await countingProxy(0, {
      respond(_method, url) {
        if (!url.includes(":access")) return undefined;
        if (mode === "denied") return { status: 403, body: errorBody(403, "PERMISSION_DENIED", "Permission 'secretmanager.versions.access' denied for resource (or it may not exist).") };
        if (mode === "unavailable") return { status: 503, body: errorBody(503, "UNAVAILABLE", "The service is currently unavailable.") };
        if (mode === "quota") return { status: 429, body: errorBody(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access requests'.") };
        return undefined;
      },
      rewrite(_method, url, body) {
        const payload = body["payload"] as { data?: string } | undefined;
        if (!url.includes(":access") || !payload?.data) return undefined;
        const sum = crc32c(Buffer.from(payload.data, "base64"));
        return { ...body, payload: { ...payload, dataCrc32c: String(mode === "bad-checksum" ? (sum + 1) >>> 0 : sum) } };
      },
    });
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "gcpsm", { provider: { gcpsm: { projectID: project, endpoint: proxy.endpoint } } });
  });
  after(async () => {
    await op?.stop();
    await proxy?.close();
  });

  it("accepts a payload whose CRC32C matches", async () => {
    await k.create("ExternalSecret", ns, "app", { refreshInterval: "1s", secretStoreRef: { name: "gcpsm" }, data: [{ secretKey: "v", remoteRef: { key: "app" } }] });
    await condition("app", "True");
    assert.deepEqual(decoded(await k.secret(ns, "app")), { v: value });
  });

  it("rejects a payload whose CRC32C does not match, keeping the last good Secret", async () => {
    mode = "bad-checksum";
    await condition("app", "False", /CRC32C\) mismatch/);
    assert.deepEqual(decoded(await k.secret(ns, "app")), { v: value });
  });

  it("backs off on UNAVAILABLE, keeps the Secret, and recovers when the service is back", async () => {
    mode = "unavailable";
    await condition("app", "False", /Secret Manager unavailable \(gRPC code 14\)/);
    assert.deepEqual(decoded(await k.secret(ns, "app")), { v: value });
    mode = "checksum";
    await condition("app", "True");
  });

  it("reports quota errors as throttling", async () => {
    const throttled = providerCallCount({ provider: "gcpsm", call: "AccessSecretVersion", status: "throttled" });
    mode = "quota";
    await condition("app", "False", /quota exhausted/);
    assert.ok(providerCallCount({ provider: "gcpsm", call: "AccessSecretVersion", status: "throttled" }) > throttled);
    assert.deepEqual(decoded(await k.secret(ns, "app")), { v: value });
    mode = "checksum";
    await condition("app", "True");
  });

  it("gives Ready=False with a permission message on PERMISSION_DENIED, and creates no Secret", async () => {
    mode = "denied";
    // version 1, not latest: a different request from the "app" ExternalSecret's, so it cannot share a fetch
    // that started before the denial was switched on.
    await k.create("ExternalSecret", ns, "denied", { secretStoreRef: { name: "gcpsm" }, data: [{ secretKey: "v", remoteRef: { key: "app", version: "1" } }] });
    const c = await condition("denied", "False", /permission denied/);
    assert.match(c.message ?? "", /AccessSecretVersion on secret app version 1: permission denied \(secretmanager\.versions\.access\)/);
    assert.equal(await k.secret(ns, "denied"), undefined);
    mode = "checksum";
  });

  it("never shows the planted value in logs, Events or status, and stays on loopback", async () => {
    const events = await k.events(ns);
    assert.ok(!op.logs().includes(value));
    assert.ok(!events.includes(value));
    for (const name of ["app", "denied"]) assert.ok(!JSON.stringify((await k.es(ns, name)).status).includes(value));
    assert.deepEqual(nonLoopbackTraffic(), []);
  });
});
