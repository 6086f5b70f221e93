// The operator's Kubernetes client (src/kube/http) keeps its connections to the apiserver: sequential requests
// share one, a burst opens what it needs once, and new client certificates get a pool of their own.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { CoreV1Api, KubeConfig, KubeTransport } from "../../src/kube/http/index.ts";
import { loadBench } from "../helpers/bench.ts";

let connections = 0;
const onConnected = () => void connections++;
subscribe("net.client.socket", onConnected);
after(() => unsubscribe("net.client.socket", onConnected));

function benchConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(loadBench().kubeconfigPath);
  return kc;
}

async function opened(fn: () => Promise<unknown>): Promise<number> {
  const before = connections;
  await fn();
  return connections - before;
}

describe("connections to the apiserver", () => {
  it("sequential requests share one connection", async () => {
    const kc = benchConfig();
    const core = kc.makeApiClient(CoreV1Api);
    assert.equal(await opened(async () => {
      for (let i = 0; i < 10; i++) await core.listNamespace({ limit: 1 });
    }), 1);
    await kc.closeConnections();
  });

  it("a burst opens its connections once; the next burst reuses them", async () => {
    const kc = benchConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const burst = () => Promise.all(Array.from({ length: 8 }, () => core.readNamespace({ name: "default" })));
    const first = await opened(burst);
    assert.ok(first >= 1 && first <= 8, `first burst opened ${first}`);
    assert.equal(await opened(burst), 0);
    await kc.closeConnections();
  });

  it("a changed client certificate gets its own connection, the same one keeps it", async () => {
    const kc = benchConfig();
    const transport = new KubeTransport(kc, { credentialsTtlMs: 0 });
    const core = new CoreV1Api(transport);
    const three = async () => {
      for (let i = 0; i < 3; i++) await core.readNamespace({ name: "default" });
    };
    assert.equal(await opened(three), 1);
    assert.equal(await opened(three), 0, "credentials read again but unchanged: same connection");
    const user = kc.getCurrentUser()!;
    // Same key pair, re-encoded: a different byte string is a different TLS identity, as a rotated file would be.
    user.certData = Buffer.from(`${Buffer.from(user.certData ?? "", "base64").toString("utf8")}\n`).toString("base64");
    assert.equal(await opened(three), 1);
    transport.close();
  });
});
