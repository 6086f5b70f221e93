// The slim client's transport against a scripted HTTP server: credentials per request (a rotated token file is
// read again), JSON in and out, client-node's parameter names on the wire, errors that carry the Status but
// never print it.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ApiException, CoreV1Api, CustomObjectsApi, KubeConfig, KubeTransport, PatchStrategy, setHeaderOptions } from "../../../../src/kube/http/index.ts";
import { isNotFound } from "../../../../src/kube/errors.ts";
import { onKubeRequest, resourceOfPath, type KubeRequestRecord } from "../../../../src/kube/http/request-events.ts";

interface Seen {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server;
let port = 0;
const seen: Seen[] = [];
let answer: (req: Seen) => { status: number; body: unknown } = () => ({ status: 200, body: {} });

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const request = { method: req.method ?? "", url: new URL(req.url ?? "/", "http://x"), headers: req.headers, body };
      seen.push(request);
      const { status, body: out } = answer(request);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(typeof out === "string" ? out : JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function config(user: Record<string, unknown>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(
    JSON.stringify({
      clusters: [{ name: "c", cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: "u", user }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x",
    }),
  );
  return kc;
}

test("paths, query parameters (client-node's _continue is the wire's continue), JSON bodies and the patch strategy", async () => {
  seen.length = 0;
  answer = (req) => ({ status: 200, body: { kind: "Echo", path: req.url.pathname } });
  const kc = config({ token: "t0" });
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await core.listNamespacedSecret({ namespace: "a b", labelSelector: "x=y", limit: 5, _continue: "tok" });
  await core.createNamespacedSecret({ namespace: "a", body: { metadata: { name: "s" } }, fieldManager: "me" });
  await custom.patchNamespacedCustomObjectStatus({ group: "g.io", version: "v1", namespace: "a", plural: "things", name: "t", body: { status: { ok: true } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
  const echoed = await core.patchNamespacedSecret({ name: "s", namespace: "a", body: [{ op: "add", path: "/x", value: 1 }] });
  assert.deepEqual(echoed, { kind: "Echo", path: "/api/v1/namespaces/a/secrets/s" });
  assert.equal(seen[0]!.url.pathname, "/api/v1/namespaces/a%20b/secrets");
  assert.equal(seen[0]!.url.search, "?labelSelector=x%3Dy&limit=5&continue=tok");
  assert.equal(seen[0]!.headers.authorization, "Bearer t0");
  assert.equal(seen[1]!.method, "POST");
  assert.equal(seen[1]!.url.search, "?fieldManager=me");
  assert.deepEqual(JSON.parse(seen[1]!.body), { metadata: { name: "s" } });
  assert.equal(seen[2]!.url.pathname, "/apis/g.io/v1/namespaces/a/things/t/status");
  assert.equal(seen[2]!.headers["content-type"], "application/merge-patch+json");
  assert.equal(seen[3]!.headers["content-type"], "application/json-patch+json", "client-node's default for patches");
  await kc.closeConnections();
});

test("a refused request is an ApiException with the Status as body; its message names the request only", async () => {
  answer = () => ({ status: 404, body: { kind: "Status", code: 404, message: 'secrets "planted-value-xyz" not found' } });
  const kc = config({});
  const err = await kc
    .makeApiClient(CoreV1Api)
    .readNamespacedSecret({ name: "s", namespace: "a" })
    .then(() => assert.fail("expected a 404"), (e: unknown) => e);
  assert.ok(err instanceof ApiException);
  assert.equal(err.code, 404);
  assert.ok(isNotFound(err));
  assert.equal((err.body as { message?: string }).message, 'secrets "planted-value-xyz" not found');
  assert.doesNotMatch(`${err.message} ${String(err)} ${err.stack}`, /planted-value-xyz/);
  await kc.closeConnections();
});

test("a token file is read per credentials period, so a rotated token is sent; basic auth without a token", async () => {
  seen.length = 0;
  answer = () => ({ status: 200, body: {} });
  const dir = mkdtempSync(join(tmpdir(), "token-"));
  const file = join(dir, "token");
  writeFileSync(file, "first\n");
  const kc = config({ tokenFile: file });
  const transport = new KubeTransport(kc, { credentialsTtlMs: 0 });
  await transport.request({ method: "GET", path: "/version" });
  writeFileSync(file, "second\n");
  await transport.request({ method: "GET", path: "/version" });
  assert.deepEqual(seen.map((s) => s.headers.authorization), ["Bearer first", "Bearer second"]);
  transport.close();

  const basic = config({ username: "ada", password: "pw" });
  await basic.transport().request({ method: "GET", path: "/version" });
  assert.equal(seen.at(-1)!.headers.authorization, `Basic ${Buffer.from("ada:pw").toString("base64")}`);
  await basic.closeConnections();
});

test("every finished request is reported with its verb, resource, code and duration (rest_client_* metrics)", async () => {
  const records: KubeRequestRecord[] = [];
  const stop = onKubeRequest((record) => records.push(record));
  answer = (req) => (req.method === "GET" ? { status: 200, body: {} } : { status: 409, body: { kind: "Status", code: 409 } });
  const kc = config({});
  const custom = kc.makeApiClient(CustomObjectsApi);
  await custom.getNamespacedCustomObject({ group: "g.io", version: "v1", namespace: "a", plural: "things", name: "t" });
  await custom.patchNamespacedCustomObjectStatus({ group: "g.io", version: "v1", namespace: "a", plural: "things", name: "t", body: {} }).catch(() => {});
  stop();
  assert.deepEqual(records.map(({ verb, resource, code }) => ({ verb, resource, code })), [
    { verb: "GET", resource: "things", code: 200 },
    { verb: "PATCH", resource: "things/status", code: 409 },
  ]);
  assert.ok(records.every((record) => record.seconds >= 0));
  await kc.closeConnections();
});

test("resourceOfPath: core and group paths, namespaced or not, subresources, discovery", () => {
  assert.equal(resourceOfPath("/api/v1/namespaces/a/secrets/b"), "secrets");
  assert.equal(resourceOfPath("/api/v1/secrets?labelSelector=x"), "secrets");
  assert.equal(resourceOfPath("/api/v1/namespaces/a"), "namespaces");
  assert.equal(resourceOfPath("/api/v1/namespaces/a/serviceaccounts/sa/token"), "serviceaccounts/token");
  assert.equal(resourceOfPath("/apis/external-secrets.io/v1/namespaces/a/externalsecrets/e/status"), "externalsecrets/status");
  assert.equal(resourceOfPath("/apis/external-secrets.io/v1/clustersecretstores/s"), "clustersecretstores");
  assert.equal(resourceOfPath("/apis/apps/v1"), "apis");
  assert.equal(resourceOfPath("/version"), "version");
});
