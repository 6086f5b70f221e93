// Issue 18, the Webhook generator on the bench (apiserver, the operator in-process) against a real HTTP server on
// 127.0.0.1 started here: a header filled from a labelled Secret, the answer's part picked by JSONPath, new values
// on every forced sync; URL templates escaped and body templates raw, as ESO renders them; an answer that is a
// string of JSON; a failing endpoint keeps the last good Secret. As a hostile tenant would try it, next to an
// ordinary one: https with the CA from caBundle, from a Secret, or unknown; a ClusterGenerator wrapping one; a
// Secret without ESO's webhook label, plain http to a remote host, a redirect, a huge answer, an
// endpoint that never answers, a JSONPath filter expression, a CA from another namespace: each a clear condition,
// and the ordinary tenant's generator keeps working meanwhile. No key, token or generated value in logs, Events
// or status.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { dirname, join } from "node:path";
import type { AddressInfo } from "node:net";
import { GENERATOR_GROUP, GENERATOR_VERSION } from "../../src/api/generators.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, openbaoState } from "../helpers/openbao.ts";
import { leakForms, planted, rememberForSweep } from "../helpers/planted.ts";

const API_VERSION = `${GENERATOR_GROUP}/${GENERATOR_VERSION}`;

describe("Webhook generator (a local HTTP server)", () => {
  let ns: string;
  let other: string;
  let op: TestOperator;
  let server: Server;
  let tlsServer: Server;
  let base = "";
  let tlsBase = "";
  /** The bench's OpenBao CA (its server certificate, for 127.0.0.1, serves the https endpoint here too). */
  const caPem = () => readFileSync(openbaoState().caPemPath, "utf8");
  const k = kube();
  const apiKey = planted("webhook-api-key");
  const odd = `${planted("webhook-odd")} a&b=c/d?`;
  const issued: string[] = [];
  const calls = new Map<string, number>();
  let failing = false;
  let bigClosedEarly: Promise<boolean> | undefined;

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => resolve(text));
    });
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", base);
    calls.set(url.pathname, (calls.get(url.pathname) ?? 0) + 1);
    const body = await read(req);
    switch (url.pathname) {
      case "/token": {
        if (req.headers.authorization !== `Bearer ${apiKey}`) return json(res, 401, { error: "unauthorized" });
        if (failing) return json(res, 500, { error: "down" });
        const token = planted("webhook-token");
        issued.push(token);
        rememberForSweep(token);
        return json(res, 200, { data: { token, ttl: 3600, scopes: ["read"] }, noise: "not a key" });
      }
      case "/echo":
        return json(res, 200, { method: req.method, query: url.searchParams.get("q"), body });
      case "/string":
        return json(res, 200, { payload: JSON.stringify({ a: "b" }) });
      case "/redirect":
        res.writeHead(302, { location: "/token" }).end();
        return;
      case "/big": {
        res.writeHead(200, { "content-type": "application/json" });
        bigClosedEarly = new Promise((resolve) => {
          const chunk = Buffer.alloc(64 * 1024, "a");
          let written = 0;
          const pour = () => {
            while (written < 64 * 1024 * 1024) {
              written += chunk.length;
              if (!res.write(chunk)) return void res.once("drain", pour);
            }
            res.end();
            resolve(false);
          };
          res.once("close", () => resolve(written < 64 * 1024 * 1024));
          pour();
        });
        return;
      }
      case "/never":
        return; // never answers: the generator's timeout must end the call
      default:
        return json(res, 404, {});
    }
  };

  const createWebhook = (namespace: string, name: string, spec: unknown) =>
    k.custom.createNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace, plural: "webhooks", body: { apiVersion: API_VERSION, kind: "Webhook", metadata: { name }, spec } });
  const fromGenerator = (name: string, extra: Record<string, unknown> = {}) => ({ refreshInterval: "1h", dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API_VERSION, kind: "Webhook", name } } }], ...extra });
  const tokenSpec = (extra: Record<string, unknown> = {}) => ({
    url: `${base}/token`,
    headers: { Authorization: "Bearer {{ .creds.apiKey }}" },
    result: { jsonPath: "$.data" },
    secrets: [{ name: "creds", secretRef: { name: "webhook-creds" } }],
    ...extra,
  });
  const failure = async (name: string, message: RegExp, namespace = ns) => {
    const cond = await waitFor(`${name} not ready`, async () => {
      const c = (await k.es(namespace, name).catch(() => undefined))?.status?.conditions?.find((x) => x.type === "Ready");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message ?? "", message, cond.message);
  };

  before(async () => {
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pkiDir = dirname(openbaoState().caPemPath);
    tlsServer = createHttpsServer({ cert: readFileSync(join(pkiDir, "server.pem")), key: readFileSync(join(pkiDir, "server.key")) }, (req, res) => void handle(req, res));
    await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
    tlsBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
    ns = await freshNamespace("gen-webhook");
    other = await freshNamespace("gen-webhook-other");
    for (const namespace of [ns, other]) {
      await k.core.createNamespacedSecret({ namespace, body: { metadata: { name: "webhook-creds", labels: { "external-secrets.io/type": "webhook" } }, stringData: { apiKey, odd } } });
    }
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "unlabelled" }, stringData: { apiKey } } });
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "webhook-ca" }, stringData: { "ca.crt": caPem() } } });
    await k.core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: "ca" }, data: { "ca.crt": "-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n" } } });
    op = await startTestOperator(ns);
  });
  after(async () => {
    await op?.stop();
    for (const s of [server, tlsServer]) {
      s?.closeAllConnections();
      s?.close();
    }
  });

  it("a header from a labelled Secret, the answer's part by JSONPath; a new call and new values on a forced sync", async () => {
    await createWebhook(ns, "token", tokenSpec());
    await k.create("ExternalSecret", ns, "token", fromGenerator("token"));
    await waitForReady(k, ns, "token", "True", "SecretSynced");
    const first = decoded(await k.secret(ns, "token"));
    assert.deepEqual(Object.keys(first).sort(), ["scopes", "token", "ttl"]);
    assert.equal(first.token, issued.at(-1));
    // ESO's conversion: strings as they are, anything else as its JSON.
    assert.equal(first.ttl, "3600");
    assert.equal(first.scopes, '["read"]');
    const before = calls.get("/token");
    await k.patch("ExternalSecret", ns, "token", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
    await waitFor("a new token in the Secret", async () => (decoded(await k.secret(ns, "token")).token !== first.token ? true : undefined));
    assert.equal(calls.get("/token"), before! + 1);
    assert.equal(decoded(await k.secret(ns, "token")).token, issued.at(-1));
  });

  it("templates as ESO renders them: the URL's values query-escaped, the body's raw; an answer that is a string of JSON", async () => {
    await createWebhook(ns, "echo", {
      method: "POST",
      url: `${base}/echo?q={{ .creds.odd }}`,
      body: '{"v": "{{ .creds.odd }}"}',
      result: {},
      secrets: [{ name: "creds", secretRef: { name: "webhook-creds" } }],
    });
    await k.create("ExternalSecret", ns, "echo", fromGenerator("echo"));
    await waitForReady(k, ns, "echo", "True", "SecretSynced");
    const echoed = decoded(await k.secret(ns, "echo"));
    assert.equal(echoed.method, "POST");
    assert.equal(echoed.query, odd, "the value arrived whole: it was escaped in the URL");
    assert.equal(echoed.body, `{"v": "${odd}"}`);
    await createWebhook(ns, "string", { url: `${base}/string`, result: { jsonPath: "$.payload" } });
    await k.create("ExternalSecret", ns, "string", fromGenerator("string"));
    await waitForReady(k, ns, "string", "True", "SecretSynced");
    assert.deepEqual(decoded(await k.secret(ns, "string")), { a: "b" });
  });

  it("https: the server's CA from caBundle or from a Secret of the namespace (caProvider); without it the call is refused", async () => {
    await createWebhook(ns, "tls-bundle", tokenSpec({ url: `${tlsBase}/token`, caBundle: Buffer.from(caPem()).toString("base64") }));
    await createWebhook(ns, "tls-provider", tokenSpec({ url: `${tlsBase}/token`, caProvider: { type: "Secret", name: "webhook-ca", key: "ca.crt" } }));
    await createWebhook(ns, "tls-unknown-ca", tokenSpec({ url: `${tlsBase}/token` }));
    // A ClusterGenerator wrapping a Webhook: the platform's, usable from the namespace; its Secrets read in the ExternalSecret's namespace.
    await k.custom.createClusterCustomObject({
      group: GENERATOR_GROUP,
      version: GENERATOR_VERSION,
      plural: "clustergenerators",
      body: { apiVersion: API_VERSION, kind: "ClusterGenerator", metadata: { name: `${ns}-webhook` }, spec: { kind: "Webhook", generator: { webhookSpec: tokenSpec({ url: `${tlsBase}/token`, caBundle: Buffer.from(caPem()).toString("base64") }) } } },
    });
    for (const name of ["tls-bundle", "tls-provider", "tls-unknown-ca"]) await k.create("ExternalSecret", ns, name, fromGenerator(name));
    await k.create("ExternalSecret", ns, "tls-cluster", { refreshInterval: "1h", dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API_VERSION, kind: "ClusterGenerator", name: `${ns}-webhook` } } }] });
    for (const name of ["tls-bundle", "tls-provider", "tls-cluster"]) {
      await waitForReady(k, ns, name, "True", "SecretSynced");
      assert.ok(issued.includes(decoded(await k.secret(ns, name)).token!), `${name}: a token the server issued`);
    }
    await failure("tls-unknown-ca", /Webhook: the call failed \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    await k.custom.deleteClusterCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural: "clustergenerators", name: `${ns}-webhook` });
  });

  it("a failing endpoint keeps the last good Secret and says why; it recovers by itself", async () => {
    const kept = decoded(await k.secret(ns, "token"));
    failing = true;
    try {
      await k.patch("ExternalSecret", ns, "token", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
      await failure("token", /Webhook: the endpoint answered 500/);
      assert.deepEqual(decoded(await k.secret(ns, "token")), kept, "the last good Secret stays");
    } finally {
      failing = false;
    }
    await waitForReady(k, ns, "token", "True", "SecretSynced");
  });

  it("hostile specs each get a clear condition, and an ordinary tenant's generator keeps working meanwhile", async () => {
    const hostile: Array<[string, Record<string, unknown>, RegExp]> = [
      ["unlabelled", tokenSpec({ secrets: [{ name: "creds", secretRef: { name: "unlabelled" } }] }), /does not carry the label external-secrets\.io\/type: webhook/],
      ["plain-remote", { url: "http://169.254.169.254/latest/meta-data/", result: {} }, /a namespaced Webhook calls https URLs only/],
      ["redirect", { url: `${base}/redirect`, result: {} }, /the endpoint answered 302/],
      ["big", { url: `${base}/big`, result: {} }, /larger than|too large/i],
      ["never", { url: `${base}/never`, timeout: "1s", result: {} }, /no complete answer within 1000 ms/],
      ["filter", { url: `${base}/token`, headers: { Authorization: "Bearer {{ .creds.apiKey }}" }, secrets: [{ name: "creds", secretRef: { name: "webhook-creds" } }], result: { jsonPath: "$..[?(@.ttl > 1)]" } }, /result\.jsonPath .*prevented|result\.jsonPath/],
      ["foreign-ca", { url: `${base}/token`, result: {}, caProvider: { type: "ConfigMap", name: "ca", namespace: other } }, /may only reference objects in its own namespace/],
      // A line break in a header would split the request: refused before sending, and nothing crashes.
      ["header-break", { url: `${base}/token`, headers: { "X-Api-Key": "{{ .creds.apiKey }}\r\nX-Injected: yes" }, secrets: [{ name: "creds", secretRef: { name: "webhook-creds" } }], result: {} }, /the call failed \(ERR_INVALID_CHAR\)/],
      ["ntlm", { url: `${base}/token`, result: {}, auth: { ntlm: { usernameSecret: { name: "x", key: "u" }, passwordSecret: { name: "x", key: "p" } } } }, /auth\.ntlm is not supported/],
    ];
    // Named apart from the Secrets above: each ExternalSecret's target is a Secret of its own name.
    for (const [name, spec] of hostile) {
      await createWebhook(ns, name, spec);
      await k.create("ExternalSecret", ns, `h-${name}`, fromGenerator(name));
    }
    // The ordinary tenant's generator, forced while the hostile ones run.
    const current = decoded(await k.secret(ns, "token")).token;
    await k.patch("ExternalSecret", ns, "token", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
    await waitFor("the ordinary generator ran again", async () => (decoded(await k.secret(ns, "token")).token !== current ? true : undefined));
    for (const [name, , message] of hostile) await failure(`h-${name}`, message);
    assert.equal(await bigClosedEarly, true, "the huge answer was cut off, not read to its end");
    // Checked for presence only: a failed assertion must not print a Secret's data.
    for (const [name] of hostile) assert.ok((await k.secret(ns, `h-${name}`)) === undefined, `${name}: no Secret`);
    assert.ok((calls.get("/never") ?? 0) >= 1, "the endpoint that never answers was called: its timeout is what the condition shows");
  });

  it("no API key, URL value or generated token in logs, Events or status", async () => {
    const values = [apiKey, odd, ...issued];
    await assertNoLeaks(op, ns, values);
    const logs = op.logs();
    for (const value of values) for (const form of leakForms(value)) assert.ok(!logs.includes(form), "a key or generated value in the logs");
  });
});
