// API requests share one connection to the apiserver (client-node alone opens a new TLS connection per request).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { loadBench } from "../helpers/bench.ts";
import { PooledKubeConfig } from "../../src/kube/pooled-kube-config.ts";

let connections = 0;
const onConnected = () => void connections++;
subscribe("undici:client:connected", onConnected);
after(() => unsubscribe("undici:client:connected", onConnected));

async function connectionsFor(kc: KubeConfig, requests: number): Promise<number> {
  const core = kc.makeApiClient(CoreV1Api);
  const before = connections;
  for (let i = 0; i < requests; i++) await core.listNamespace({ limit: 1 });
  await Promise.all(Array.from({ length: requests }, () => core.readNamespace({ name: "default" })));
  return connections - before;
}

describe("connections to the apiserver", () => {
  it("client-node's own KubeConfig opens a connection per request (why PooledKubeConfig exists)", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(loadBench().kubeconfigPath);
    assert.equal(await connectionsFor(kc, 10), 20);
  });

  it("PooledKubeConfig sends sequential and concurrent requests over one connection", async () => {
    const kc = new PooledKubeConfig();
    kc.loadFromFile(loadBench().kubeconfigPath);
    assert.equal(await connectionsFor(kc, 10), 1);
    await kc.closeConnections();
  });

  it("a changed client certificate gets its own connection", async () => {
    const kc = new PooledKubeConfig();
    kc.loadFromFile(loadBench().kubeconfigPath);
    assert.equal(await connectionsFor(kc, 3), 1);
    const user = kc.getCurrentUser()!;
    // Same key pair, re-encoded: a different byte string is a different TLS identity, as a rotated file would be.
    const cert = user.certData ?? "";
    Object.assign(user, { certData: Buffer.from(`${Buffer.from(cert, "base64").toString("utf8")}\n`).toString("base64") });
    assert.equal(await connectionsFor(kc, 3), 1);
    await kc.closeConnections();
  });
});
