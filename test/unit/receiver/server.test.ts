// The receiver listener over real HTTP (issue 20): refusals that reveal nothing (unknown path, wrong method, bad
// or missing signature: one 404, one body), an oversize body refused whether declared or streamed, a replayed
// delivery and a call over the budget refused without a refresh, a standby answering 503 everywhere, GitHub's
// ping answered without a refresh, and no token or body in the logs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { makeLogger } from "../../../src/log.ts";
import { ReceiverRegistry, type ServedReceiver } from "../../../src/receiver/registry.ts";
import { ReplayGuard } from "../../../src/receiver/replay-guard.ts";
import { startReceiverServer } from "../../../src/receiver/server.ts";
import { webhookPath } from "../../../src/receiver/webhook-path.ts";
import type { ReceiverType } from "../../../src/api/refresh-receiver.ts";

const TOKEN = "server-test-token-7f3a9c2e51";
const LIMIT = 4096;

interface Reply {
  status: number;
  body: string;
}

function call(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: opts.method ?? "POST", headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    if (opts.chunks) {
      // Streamed without a Content-Length: the limit must hold mid-stream. A server that stops reading may
      // reset the socket while we still write; the answer arrives before that.
      req.on("error", () => undefined);
      for (const chunk of opts.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}

const sign = (body: string, token = TOKEN) => `sha256=${createHmac("sha256", token).update(body).digest("hex")}`;

describe("receiver server", () => {
  let server: Server;
  let port: number;
  let accepting = true;
  const logged: string[] = [];
  const refreshes: Array<{ receiver: string; keys: string[] | undefined }> = [];
  const registry = new ReceiverRegistry({ requestsPerSecond: 0.001, burst: 3 });
  const paths: Record<string, string> = {};
  const register = (name: string, type: ReceiverType, events: string[] = []) => {
    const token = Buffer.from(TOKEN);
    paths[name] = webhookPath(token, name, "team-a");
    registry.set(paths[name], { key: `team-a/${name}`, namespace: "team-a", name, type, token, events, resources: [{ kind: "ExternalSecret", name: "*" }] });
  };

  before(async () => {
    register("gh", "github", ["push"]);
    register("gl", "gitlab");
    register("bearer", "generic");
    register("hmac", "generic-hmac");
    register("budget", "generic");
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    server = await startReceiverServer("127.0.0.1:0", {
      registry,
      replays: new ReplayGuard({ ttlMs: 60_000, maxEntries: 100 }),
      accepting: () => accepting,
      refresh: async (receiver: ServedReceiver, keys, _body, _event, deliveryId) => {
        refreshes.push({ receiver: receiver.key, keys });
        // As a sharded replica answers a delivery another replica already shared (receiver/shared-calls.ts).
        return deliveryId === "seen-elsewhere" ? "replayed" : undefined;
      },
      log: makeLogger({ level: "debug", destination: sink }),
      maxBodyBytes: LIMIT,
    });
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it("unknown path, wrong method, missing and wrong credentials: one status, one body, no refresh", async () => {
    const body = '{"keys":["a"]}';
    const replies = [
      await call(port, "/hook/0000000000000000000000000000000000000000000000000000000000000000", { body, headers: { authorization: `Bearer ${TOKEN}` } }),
      await call(port, "/", { body }),
      await call(port, paths["bearer"]!, { method: "GET" }),
      await call(port, paths["bearer"]!, { body }),
      await call(port, paths["bearer"]!, { body, headers: { authorization: "Bearer wrong" } }),
      await call(port, paths["bearer"]!, { body, headers: { authorization: `Bearer ${TOKEN}x` } }),
      await call(port, paths["gh"]!, { body, headers: { "x-hub-signature-256": sign(body, "another-token-000000"), "x-github-event": "push" } }),
      await call(port, paths["gl"]!, { body, headers: { "x-gitlab-token": TOKEN.slice(0, -1) } }),
      await call(port, paths["hmac"]!, { body, headers: { "x-signature": sign("{}") } }),
    ];
    assert.equal(new Set(replies.map((reply) => `${reply.status} ${reply.body}`)).size, 1, JSON.stringify(replies));
    assert.equal(replies[0]!.status, 404);
    assert.deepEqual(refreshes, []);
  });

  it("a verified call of each type refreshes; a generic body may name keys", async () => {
    const body = '{"keys":["app/db"]}';
    assert.equal((await call(port, paths["bearer"]!, { body, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } })).status, 202);
    assert.equal((await call(port, paths["hmac"]!, { body: "", headers: { "x-signature": sign("") } })).status, 202);
    assert.equal((await call(port, paths["gh"]!, { body, headers: { "x-hub-signature-256": sign(body), "x-github-event": "push", "x-github-delivery": "gh-1" } })).status, 202);
    assert.equal((await call(port, paths["gl"]!, { body, headers: { "x-gitlab-token": TOKEN, "x-gitlab-event": "Push Hook" } })).status, 202);
    assert.deepEqual(refreshes.splice(0), [
      { receiver: "team-a/bearer", keys: ["app/db"] },
      { receiver: "team-a/hmac", keys: undefined },
      { receiver: "team-a/gh", keys: undefined },
      { receiver: "team-a/gl", keys: undefined },
    ]);
  });

  it("GitHub's ping and an event outside spec.events are answered 200 without a refresh", async () => {
    const body = '{"zen":"hi"}';
    const ping = await call(port, paths["gh"]!, { body, headers: { "x-hub-signature-256": sign(body), "x-github-event": "ping", "x-github-delivery": "ping-1" } });
    const issues = await call(port, paths["gh"]!, { body, headers: { "x-hub-signature-256": sign(body), "x-github-event": "issues", "x-github-delivery": "issues-1" } });
    assert.deepEqual([ping.status, issues.status], [200, 200]);
    assert.notEqual(ping.body, issues.body);
    assert.deepEqual(refreshes, []);
  });

  it("a replayed delivery is refused and refreshes nothing", async () => {
    const body = "{}";
    const headers = { "x-hub-signature-256": sign(body), "x-github-event": "push", "x-github-delivery": "gh-replay" };
    assert.equal((await call(port, paths["gh"]!, { body, headers })).status, 202);
    assert.equal((await call(port, paths["gh"]!, { body, headers })).status, 409);
    assert.equal(refreshes.splice(0).length, 1);
  });

  it("a delivery the refresh finds already received elsewhere (sharded) is answered as a replay", async () => {
    const body = "{}";
    const headers = { "x-hub-signature-256": sign(body), "x-github-event": "push", "x-github-delivery": "seen-elsewhere" };
    assert.equal((await call(port, paths["gh"]!, { body, headers })).status, 409);
    assert.equal(refreshes.splice(0).length, 1);
  });

  it("an oversize body is refused with 413, declared or streamed, before the path is looked at", async () => {
    const big = Buffer.alloc(LIMIT + 1, "a");
    const declared = await call(port, paths["bearer"]!, { body: big, headers: { authorization: `Bearer ${TOKEN}` } });
    const unknown = await call(port, "/hook/nope", { body: big });
    const streamed = await call(port, paths["bearer"]!, { chunks: [Buffer.alloc(LIMIT, "a"), Buffer.alloc(LIMIT, "b"), Buffer.alloc(LIMIT, "c")], headers: { authorization: `Bearer ${TOKEN}`, "transfer-encoding": "chunked" } });
    assert.deepEqual([declared.status, unknown.status, streamed.status], [413, 413, 413]);
    assert.equal(declared.body, unknown.body);
    assert.deepEqual(refreshes, []);
    const exact = Buffer.from(`{"pad":"${"p".repeat(LIMIT - 10)}"}`);
    assert.equal(exact.byteLength, LIMIT);
    assert.equal((await call(port, paths["bearer"]!, { body: exact, headers: { authorization: `Bearer ${TOKEN}` } })).status, 202, "a body of exactly the limit passes");
    refreshes.splice(0);
  });

  it("over the receiver's budget a verified caller gets 429 and nothing is refreshed; unverified calls cost no budget", async () => {
    for (let i = 0; i < 5; i++) await call(port, paths["budget"]!, { body: "", headers: { authorization: "Bearer wrong-wrong-wrong" } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(port, paths["budget"]!, { body: "", headers: { authorization: `Bearer ${TOKEN}` } })).status);
    assert.deepEqual(statuses, [202, 202, 202, 429, 429]);
    assert.equal(refreshes.splice(0).length, 3);
  });

  it("a standby answers 503 to every path, known or not", async () => {
    accepting = false;
    try {
      const known = await call(port, paths["bearer"]!, { body: "", headers: { authorization: `Bearer ${TOKEN}` } });
      const unknown = await call(port, "/hook/nope", { body: "" });
      assert.deepEqual([known.status, unknown.status], [503, 503]);
      assert.equal(known.body, unknown.body);
      assert.deepEqual(refreshes, []);
    } finally {
      accepting = true;
    }
  });

  it("logs carry neither the token, the bodies nor the paths", () => {
    const text = logged.join("");
    assert.ok(text.length > 0, "something was logged: the check means something");
    for (const form of [TOKEN, TOKEN.toUpperCase(), JSON.stringify(TOKEN), Buffer.from(TOKEN).toString("base64"), "app/db", "zen", ...Object.values(paths)]) {
      assert.ok(!text.includes(form), `logs contain ${form}`);
    }
  });
});
