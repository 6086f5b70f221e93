// VaultHttp against a tenant-chosen server that misbehaves on purpose: it never follows a redirect, never waits
// past its deadline for an answer dripping in, never takes a proxy from the environment (HTTP_PROXY, nor Node's
// NODE_USE_ENV_PROXY), never sends a VAULT_* variable of the operator's environment, and never lets the token
// or a login credential into an error, even when the server echoes them back. node-vault-gaps.test.ts shows node-vault 0.12 failing the same cases.
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { inspect } from "node:util";
import { VaultHttp } from "../../../../providers/vault/http.ts";
import { PermissionDeniedError, ProviderUnavailableError } from "../../../../src/provider/errors.ts";
import { startHostileServer, type HostileServer } from "../../../helpers/hostile-http.ts";
import { startRecordingServer, type RecordingServer } from "../../../helpers/recording-server.ts";

const TOKEN = "hvs.tenant-store-token-value";
const SECRET_ID = "approle-secret-id-value";
const UNRESOLVABLE = "http://vault.tenant.invalid:8200";
const PROXY_VARS = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "NO_PROXY", "no_proxy"];

const http = (server: string) => new VaultHttp({ server, tls: {}, headers: {}, readYourWrites: false, timeoutMs: 5000 });

/** The request's rejection (the test fails if it resolves). */
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => assert.fail("the request succeeded"),
    (err: unknown) => err as Error,
  );

describe("VaultHttp against a hostile server", () => {
  let hostile: HostileServer;
  let elsewhere: RecordingServer;
  let dripClosed: () => void = () => undefined;
  const savedEnv = { ...process.env };

  before(async () => {
    elsewhere = await startRecordingServer(() => ({ status: 200, body: { data: { stolen: true }, auth: { client_token: "t" } } }));
    hostile = await startHostileServer((req, res) => {
      req.resume();
      if (req.url?.startsWith("/v1/redirect")) {
        res.writeHead(307, { location: `${elsewhere.url}/v1/collect` }).end();
      } else if (req.url?.startsWith("/v1/drip")) {
        // One byte every 50 ms: never silent long enough for the idle timeout.
        res.writeHead(200, { "content-type": "application/json" });
        const drip = setInterval(() => res.write(" "), 50);
        res.on("close", () => {
          clearInterval(drip);
          dripClosed();
        });
      } else if (req.url?.startsWith("/v1/reset")) {
        req.socket.destroy();
      } else if (req.url?.startsWith("/v1/auth/approle/login")) {
        // Echoes what it was sent: the secret_id, and the token of an earlier request.
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ errors: [`invalid secret id ${SECRET_ID}`, `token ${TOKEN} rejected`] }));
      } else {
        res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ errors: [`permission denied for ${TOKEN}`] }));
      }
      return undefined;
    });
  });
  after(async () => {
    await hostile.close();
    await elsewhere.close();
  });
  afterEach(() => {
    for (const name of [...PROXY_VARS, "VAULT_TOKEN", "VAULT_NAMESPACE", "VAULT_ADDR"]) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  it("does not follow a redirect: the login body and token stay with the server the store names", async () => {
    const callsBefore = elsewhere.requests.length;
    const client = http(hostile.url);
    const err = await failureOf(client.expectOk({ method: "POST", path: "redirect/login", op: "login", call: "Login", token: TOKEN, body: { secret_id: SECRET_ID } }));
    assert.ok(err instanceof ProviderUnavailableError, String(err));
    assert.match(err.message, /HTTP 307/);
    assert.equal(elsewhere.requests.length, callsBefore, "the redirect target was never called");
    client.close();
  });

  it("gives up on an answer that drips in past the whole-request deadline, and hangs up", { timeout: 10_000 }, async () => {
    const closed = new Promise<void>((resolve) => (dripClosed = resolve));
    const client = new VaultHttp({ server: hostile.url, tls: {}, headers: {}, readYourWrites: false, timeoutMs: 1000, deadlineMs: 400 });
    const err = await failureOf(client.expectOk({ method: "GET", path: "drip/app", op: "read", call: "ReadSecret", token: TOKEN }));
    assert.ok(err instanceof ProviderUnavailableError, String(err));
    assert.equal(err.message, "vault read drip/app: no answer from the server (ETIMEDOUT)");
    await closed; // the server saw the connection close
    client.close();
  });

  it("ignores HTTP_PROXY, HTTPS_PROXY and ALL_PROXY", async () => {
    for (const name of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"]) process.env[name] = elsewhere.url;
    delete process.env["NO_PROXY"];
    delete process.env["no_proxy"];
    const callsBefore = elsewhere.requests.length;
    const client = http(UNRESOLVABLE);
    const err = await failureOf(client.expectOk({ method: "GET", path: "secret/data/app", op: "read", call: "ReadSecret", token: TOKEN }));
    assert.ok(err instanceof ProviderUnavailableError, String(err));
    assert.match(err.message, /no answer from the server/);
    assert.equal(elsewhere.requests.length, callsBefore, "the proxy was never called");
    client.close();
  });

  it("ignores the environment's proxy when Node itself is told to use it (NODE_USE_ENV_PROXY=1)", async () => {
    // Node reads NODE_USE_ENV_PROXY at startup, and then proxies its global agents: run VaultHttp in a child.
    const callsBefore = elsewhere.requests.length;
    const module = new URL("../../../../providers/vault/http.ts", import.meta.url).href;
    const script = `import { VaultHttp } from ${JSON.stringify(module)};
      const client = new VaultHttp({ server: ${JSON.stringify(UNRESOLVABLE)}, tls: {}, headers: {}, readYourWrites: false, timeoutMs: 5000 });
      try { await client.expectOk({ method: "GET", path: "secret/data/app", op: "read", call: "ReadSecret", token: "t" }); console.log("answered"); }
      catch (err) { console.log(err.constructor.name); }
      client.close();`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, NODE_USE_ENV_PROXY: "1", HTTP_PROXY: elsewhere.url, NO_PROXY: "" },
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 20_000,
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(out.trim(), "ProviderUnavailableError");
    assert.equal(elsewhere.requests.length, callsBefore, "the proxy was never called");
  });

  it("sends no VAULT_TOKEN or VAULT_NAMESPACE of the operator's environment", async () => {
    process.env["VAULT_TOKEN"] = "operator-env-token";
    process.env["VAULT_NAMESPACE"] = "operator-env-namespace";
    process.env["VAULT_ADDR"] = elsewhere.url;
    const callsBefore = elsewhere.requests.length;
    const recorder = await startRecordingServer(() => ({ status: 200, body: { auth: { client_token: "t" } } }));
    const client = http(recorder.url);
    await client.expectOk({ method: "POST", path: "auth/userpass/login/app", op: "login", call: "Login", body: { password: "p" }, namespace: "tenant-ns" });
    assert.equal(recorder.requests[0]!.headers["x-vault-token"], undefined);
    assert.equal(recorder.requests[0]!.headers["x-vault-namespace"], "tenant-ns");
    assert.equal(elsewhere.requests.length, callsBefore, "VAULT_ADDR was not used");
    client.close();
    await recorder.close();
  });

  it("keeps the token and the request body out of a transport failure, its cause included", async () => {
    const client = http(hostile.url);
    const err = await failureOf(client.expectOk({ method: "POST", path: "reset/login", op: "login", call: "Login", token: TOKEN, body: { secret_id: SECRET_ID } }));
    assert.ok(err instanceof ProviderUnavailableError, String(err));
    const text = `${err.message}\n${inspect(err, { depth: 10 })}\n${JSON.stringify(err)}`;
    assert.ok(!text.includes(TOKEN) && !text.includes(SECRET_ID), text);
    client.close();
  });

  const echoes = [
    { name: "a login answer echoing the secret_id and the token", path: "auth/approle/login", op: "login" as const, body: { role_id: "r", secret_id: SECRET_ID }, want: /vault login auth\/approle\/login: HTTP 400 \(invalid secret id \*\*\*; token \*\*\* rejected\)/ },
    { name: "a read answer echoing the token", path: "secret/data/app", op: "read" as const, body: undefined, want: /vault read secret\/data\/app: HTTP 403 \(permission denied for \*\*\*\)/ },
  ];
  for (const { name, path, op, body, want } of echoes) {
    it(`withholds what it sent from ${name}`, async () => {
      const client = http(hostile.url);
      const err = await failureOf(client.expectOk({ method: body ? "POST" : "GET", path, op, call: "Call", token: TOKEN, body }));
      assert.ok(err instanceof PermissionDeniedError, String(err));
      assert.match(err.message, want);
      const text = inspect(err, { depth: 10 });
      assert.ok(!text.includes(TOKEN) && !text.includes(SECRET_ID), text);
      client.close();
    });
  }
});
