// Evidence for providers/vault/README.md ("Why not node-vault"): node-vault 0.12, given every tenant-safety
// option its typings accept (requestOptions: AxiosRequestConfig), against loopback peers. Its request layer
// builds a private axios instance and forwards only method, url, headers, data, timeout and the agents, so
// the body cap, redirect and proxy settings below are silently dropped, response headers never reach the
// caller, and VAULT_* environment variables are read. Each test fails once node-vault gives the behaviour
// (then revisit the README's decision). VaultHttp's side of each case is in http-hostile.test.ts.
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Agent as HttpAgent } from "node:http";
import { inspect } from "node:util";
import axios from "axios";
import createVault from "node-vault";
import { pour, startHostileServer, type HostileServer } from "../../../helpers/hostile-http.ts";
import { startRecordingServer, type RecordingServer } from "../../../helpers/recording-server.ts";

const TOKEN = "hvs.node-vault-gap-token";
const SECRET_ID = "secret-id-that-must-stay-home";
// Past Limits.providerResponseBytes (16 MiB), small enough for a shared test machine to buffer once.
const POURED = 24 * 1024 * 1024;
const CAP = 64 * 1024;

/** node-vault as we would have to configure it: one agent per store, and every safety option axios knows. */
function nodeVault(endpoint: string, token?: string) {
  const agent = new HttpAgent({ keepAlive: false });
  const client = createVault({
    endpoint,
    ...(token ? { token } : {}),
    noCustomHTTPVerbs: true,
    requestOptions: { httpAgent: agent, timeout: 5000, maxContentLength: CAP, maxBodyLength: CAP, maxRedirects: 0, proxy: false },
  });
  return { client, close: () => agent.destroy() };
}

describe("node-vault 0.12 as a transport for tenant-chosen servers", () => {
  let hostile: HostileServer;
  let elsewhere: RecordingServer;
  const savedEnv = { ...process.env };

  before(async () => {
    elsewhere = await startRecordingServer(() => ({ status: 200, body: { auth: { client_token: "stolen" } } }));
    hostile = await startHostileServer((req, res) => {
      if (req.url?.startsWith("/v1/huge")) return pour(req, res, POURED);
      if (req.url?.startsWith("/v1/auth/approle/login")) {
        req.resume();
        res.writeHead(307, { location: `${elsewhere.url}/v1/collect` }).end();
        return undefined;
      }
      if (req.url?.startsWith("/v1/throttled")) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "7", "x-vault-index": "idx-1" });
        res.end(JSON.stringify({ errors: ["rate limited"] }));
        return undefined;
      }
      if (req.url?.startsWith("/v1/reset")) {
        req.socket.destroy();
        return undefined;
      }
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: [] }));
      return undefined;
    });
  });
  after(async () => {
    await hostile.close();
    await elsewhere.close();
  });
  afterEach(() => {
    for (const name of ["HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "VAULT_TOKEN", "VAULT_NAMESPACE"]) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  it("reads a body far past maxContentLength to its end (the cap is not forwarded to axios)", async () => {
    const { client, close } = nodeVault(hostile.url, TOKEN);
    const body: unknown = await client.read("huge/app");
    await hostile.pours[0]!.done;
    assert.equal(hostile.pours[0]!.written, POURED, "the server sent everything");
    assert.equal(hostile.pours[0]!.clientClosed, false, "node-vault never hung up");
    assert.equal((body as string).length, POURED, "and the whole body was buffered");
    close();
  });

  it("while axios itself, given maxContentLength, stops mid-stream: the cap is lost in node-vault's forwarding", async () => {
    const agent = new HttpAgent({ keepAlive: false });
    const instance = axios.create({ httpAgent: agent, maxContentLength: CAP, maxRedirects: 0, proxy: false, validateStatus: () => true });
    await assert.rejects(instance.get(`${hostile.url}/v1/huge/app`), /maxContentLength size of 65536 exceeded/);
    const poured = hostile.pours.at(-1)!;
    await poured.done;
    assert.equal(poured.clientClosed, true);
    assert.ok(poured.written < POURED, `server wrote ${poured.written} bytes`);
    agent.destroy();
  });

  it("follows a redirect despite maxRedirects: 0, sending the token and the login body to another server", async () => {
    const callsBefore = elsewhere.requests.length;
    const { client, close } = nodeVault(hostile.url, TOKEN);
    await client.write("auth/approle/login", { role_id: "app", secret_id: SECRET_ID });
    const request = elsewhere.requests[callsBefore];
    assert.ok(request, "the redirect target was called");
    assert.equal(request.headers["x-vault-token"], TOKEN);
    assert.match(request.body, new RegExp(SECRET_ID));
    close();
  });

  it("sends the request, token included, to HTTP_PROXY from the environment despite proxy: false", async () => {
    process.env["HTTP_PROXY"] = elsewhere.url;
    delete process.env["NO_PROXY"];
    delete process.env["no_proxy"];
    const callsBefore = elsewhere.requests.length;
    const { client, close } = nodeVault("http://vault.tenant.invalid:8200", TOKEN);
    await client.read("secret/data/app");
    const request = elsewhere.requests[callsBefore];
    assert.ok(request, "the proxy was called");
    assert.equal(request.url, "http://vault.tenant.invalid:8200/v1/secret/data/app");
    assert.equal(request.headers["x-vault-token"], TOKEN);
    close();
  });

  it("sends VAULT_TOKEN and VAULT_NAMESPACE from the operator's environment on a request made without a token", async () => {
    process.env["VAULT_TOKEN"] = "operator-env-token";
    process.env["VAULT_NAMESPACE"] = "operator-env-namespace";
    const recorder = await startRecordingServer(() => ({ status: 200, body: { auth: { client_token: "t" } } }));
    const { client, close } = nodeVault(recorder.url);
    await client.write("auth/userpass/login/app", { password: "p" }, { headers: { "X-Vault-Namespace": "tenant-ns" } });
    assert.equal(recorder.requests[0]!.headers["x-vault-token"], "operator-env-token");
    assert.equal(recorder.requests[0]!.headers["x-vault-namespace"], "operator-env-namespace", "even over the request's own namespace");
    close();
    await recorder.close();
  });

  it("drops response headers: a 429's Retry-After and X-Vault-Index never reach the caller", async () => {
    const { client, close } = nodeVault(hostile.url, TOKEN);
    const err: unknown = await client.read("throttled/app").then(
      () => assert.fail("a 429 resolved"),
      (e: unknown) => e,
    );
    const response = (err as { response?: Record<string, unknown> }).response;
    assert.deepEqual(Object.keys(response ?? {}).sort(), ["body", "statusCode"]);
    assert.doesNotMatch(inspect(err, { depth: 10 }), /retry-after|idx-1/i);
    close();
  });

  it("rejects a transport failure with axios' error, which carries the token and the request body", async () => {
    const { client, close } = nodeVault(hostile.url, TOKEN);
    const err: unknown = await client.write("reset/app", { secret_id: SECRET_ID }).then(
      () => assert.fail("a reset connection resolved"),
      (e: unknown) => e,
    );
    const text = inspect(err, { depth: 10 });
    assert.match(text, new RegExp(TOKEN.replace(".", "\\.")));
    assert.match(text, new RegExp(SECRET_ID));
    close();
  });
});
