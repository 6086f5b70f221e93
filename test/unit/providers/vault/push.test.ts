// The vault push client over the real VaultHttp against a loopback server that answers as told and records what
// it was sent: what each answer means for a push (a proxy's 404 is never "new secret"), which requests a push
// sends (none that write at rest), options.cas, a lost check-and-set, and a server echoing the pushed values back.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { NotOwnedError, PermissionDeniedError, ProviderUnavailableError, WriteConflictError } from "../../../../src/provider/errors.ts";
import type { PushClient, PushRequest } from "../../../../src/provider/types.ts";
import { VaultHttp } from "../../../../providers/vault/http.ts";
import { VaultSession } from "../../../../providers/vault/session.ts";
import { vaultPushClient } from "../../../../providers/vault/push.ts";
import type { VaultProviderSpec } from "../../../../providers/vault/schema.ts";
import { startHostileServer, type HostileServer } from "../../../helpers/hostile-http.ts";

interface Answer {
  status: number;
  body: string;
  type?: string;
}
interface Sent {
  method: string;
  url: string;
  body: unknown;
}

const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body) });
const html = (status: number): Answer => ({ status, body: "<html>Down for maintenance</html>", type: "text/html" });
const NOT_FOUND = json(404, { errors: [] });
const NO_CONTENT: Answer = { status: 204, body: "" };
const MARKED = { "managed-by": "external-secrets" };
const bytes = (text: string) => new TextEncoder().encode(text);
const SECRET = "s3cr3t-pushed-value-0123456789";

const metadata = (custom: unknown, currentVersion = 3) => json(200, { data: { custom_metadata: custom, current_version: currentVersion, versions: {} } });
const data = (doc: unknown) => json(200, { data: { data: doc, metadata: { version: 3 } } });

describe("vault push client: requests and answers", () => {
  let server: HostileServer;
  /** Answers by "METHOD /v1/path"; a GET nobody set is Vault's 404, a write or delete nobody set succeeds. */
  let answers: Record<string, Answer | ((body: unknown) => Answer)> = {};
  let sent: Sent[] = [];

  before(async () => {
    server = await startHostileServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const body: unknown = text ? JSON.parse(text) : undefined;
        sent.push({ method: req.method ?? "", url: req.url ?? "", body });
        const route = answers[`${req.method} ${req.url}`];
        const answer = typeof route === "function" ? route(body) : route ?? (req.method === "GET" ? NOT_FOUND : req.method === "DELETE" ? NO_CONTENT : json(200, { data: {} }));
        res.writeHead(answer.status, { "content-type": answer.type ?? "application/json" });
        res.end(answer.body);
      });
      return undefined;
    });
  });
  after(() => server.close());

  const open = (spec: Partial<VaultProviderSpec> = {}): { push: PushClient; close: () => void } => {
    answers = {};
    sent = [];
    const http = new VaultHttp({ server: server.url, tls: {}, headers: {}, readYourWrites: false });
    const source = { label: "token", obtain: async () => ({ token: "t", ttlMs: 0, since: 0, renewable: false, owned: false }) };
    const session = new VaultSession({ http, source, log: pino({ level: "silent" }) });
    return { push: vaultPushClient({ server: server.url, path: "kv", version: "v2", ...spec } as VaultProviderSpec, session), close: () => http.close() };
  };
  const request = (remoteKey: string, value: string, property?: string): PushRequest => ({ remoteRef: { remoteKey, property }, secretKey: "k", data: { k: bytes(value) } });
  const writes = () => sent.filter((s) => s.method !== "GET").map((s) => `${s.method} ${s.url}`);

  it("at rest a push only reads: metadata, then data", async () => {
    const { push, close } = open();
    try {
      answers = { "GET /v1/kv/metadata/app": metadata(MARKED), "GET /v1/kv/data/app": data({ p: SECRET, other: "x" }) };
      assert.equal(await push.pushSecret(request("app", SECRET, "p")), "unchanged");
      assert.deepEqual(sent.map((s) => `${s.method} ${s.url}`), ["GET /v1/kv/metadata/app", "GET /v1/kv/data/app"]);
    } finally {
      close();
    }
  });

  it("a new secret: the mark, then the data (no options without checkAndSet)", async () => {
    const { push, close } = open();
    try {
      assert.equal(await push.pushSecret(request("app", SECRET, "p")), "created");
      assert.deepEqual(writes(), ["POST /v1/kv/metadata/app", "POST /v1/kv/data/app"]);
      assert.deepEqual(sent.find((s) => s.url === "/v1/kv/metadata/app" && s.method === "POST")?.body, { custom_metadata: MARKED });
      assert.deepEqual(sent.at(-1)?.body, { data: { p: SECRET } });
    } finally {
      close();
    }
  });

  it("checkAndSet.required: options.cas is 0 for a new secret and the metadata's current_version otherwise", async () => {
    const { push, close } = open({ checkAndSet: { required: true } });
    try {
      await push.pushSecret(request("new", SECRET, "p"));
      assert.deepEqual(sent.at(-1)?.body, { data: { p: SECRET }, options: { cas: 0 } });
      answers = { "GET /v1/kv/metadata/app": metadata(MARKED, 7), "GET /v1/kv/data/app": data({ p: "old" }) };
      assert.equal(await push.pushSecret(request("app", SECRET, "p")), "updated");
      assert.deepEqual(sent.at(-1)?.body, { data: { p: SECRET }, options: { cas: 7 } });
      assert.equal(await push.deleteSecret({ remoteKey: "app", property: "q" }), "absent");
      answers["GET /v1/kv/data/app"] = data({ p: "old", q: "x" });
      assert.equal(await push.deleteSecret({ remoteKey: "app", property: "q" }), "deleted");
      assert.deepEqual(sent.at(-1)?.body, { data: { p: "old" }, options: { cas: 7 } });
    } finally {
      close();
    }
  });

  it("KV v1 ignores checkAndSet (no versions) and writes the mark into the data", async () => {
    const { push, close } = open({ version: "v1", checkAndSet: { required: true } });
    try {
      assert.equal(await push.pushSecret(request("app", SECRET, "p")), "created");
      assert.deepEqual(writes(), ["POST /v1/kv/app"]);
      assert.deepEqual(sent.at(-1)?.body, { p: SECRET, custom_metadata: MARKED });
    } finally {
      close();
    }
  });

  it("a lost check-and-set is WriteConflictError", async () => {
    const { push, close } = open({ checkAndSet: { required: true } });
    try {
      answers = {
        "GET /v1/kv/metadata/app": metadata(MARKED, 2),
        "GET /v1/kv/data/app": data({ p: "old" }),
        "POST /v1/kv/data/app": json(400, { errors: ["check-and-set parameter did not match the current version"] }),
      };
      await assert.rejects(push.pushSecret(request("app", SECRET, "p")), WriteConflictError);
    } finally {
      close();
    }
  });

  const failures: Array<{ name: string; given: Record<string, Answer>; want: new (...args: never[]) => Error }> = [
    { name: "metadata answered 404 by a proxy (HTML) is transient, never a new secret", given: { "GET /v1/kv/metadata/app": html(404) }, want: ProviderUnavailableError },
    { name: "metadata answered 200 with HTML is transient", given: { "GET /v1/kv/metadata/app": html(200) }, want: ProviderUnavailableError },
    { name: "metadata answered 200 without data is transient", given: { "GET /v1/kv/metadata/app": json(200, {}) }, want: ProviderUnavailableError },
    { name: "metadata 503 is transient", given: { "GET /v1/kv/metadata/app": json(503, { errors: ["sealed"] }) }, want: ProviderUnavailableError },
    { name: "metadata without the mark is not ours", given: { "GET /v1/kv/metadata/app": metadata(null) }, want: NotOwnedError },
    { name: "metadata of another manager is not ours", given: { "GET /v1/kv/metadata/app": metadata({ "managed-by": "terraform" }) }, want: NotOwnedError },
    { name: "data answered 404 by a proxy is transient, never a new secret", given: { "GET /v1/kv/metadata/app": metadata(MARKED), "GET /v1/kv/data/app": html(404) }, want: ProviderUnavailableError },
  ];
  for (const { name, given, want } of failures) {
    it(name, async () => {
      const { push, close } = open();
      try {
        answers = given;
        await assert.rejects(push.pushSecret(request("app", SECRET, "p")), (err: Error) => err instanceof want && !err.message.includes("Down for"));
        assert.deepEqual(writes(), [], "nothing written");
        answers = given;
        if (want !== NotOwnedError) await assert.rejects(push.deleteSecret({ remoteKey: "app" }), want);
        assert.deepEqual(writes(), [], "nothing deleted");
      } finally {
        close();
      }
    });
  }

  it("a server echoing the written document in its error: every value withheld from the message", async () => {
    const { push, close } = open();
    try {
      const echo = (body: unknown) => json(400, { errors: [`cannot write ${JSON.stringify(body)}`] });
      answers = { "GET /v1/kv/metadata/app": metadata(MARKED), "GET /v1/kv/data/app": data({ other: "kept-value-abcdef012345", n: 123456789 }), "POST /v1/kv/data/app": echo };
      const err = await push.pushSecret(request("app", SECRET, "p")).then(() => assert.fail("expected a rejection"), (e: Error) => e);
      assert.ok(!err.message.includes("s3cr3t") && !err.message.includes("kept-value") && !err.message.includes("123456789"), err.message);
      assert.match(err.message, /vault write kv\/data\/app: HTTP 400/);
    } finally {
      close();
    }
  });

  it("a 403 on the write with a valid token is PermissionDeniedError (the token is checked, not replaced)", async () => {
    const { push, close } = open();
    try {
      answers = { "POST /v1/kv/metadata/app": json(403, { errors: ["permission denied"] }), "GET /v1/auth/token/lookup-self": json(200, { data: {} }) };
      await assert.rejects(push.pushSecret(request("app", SECRET, "p")), PermissionDeniedError);
      assert.deepEqual(writes(), ["POST /v1/kv/metadata/app"], "no data written after the mark was refused");
    } finally {
      close();
    }
  });

  it("delete: a marked secret whose current version is deleted loses its metadata only; a foreign one nothing", async () => {
    const { push, close } = open();
    try {
      answers = { "GET /v1/kv/metadata/app": metadata(MARKED), "GET /v1/kv/data/app": json(404, { data: { data: null, metadata: { deletion_time: "t" } } }) };
      assert.equal(await push.deleteSecret({ remoteKey: "app" }), "deleted");
      assert.deepEqual(writes(), ["DELETE /v1/kv/metadata/app"]);
      answers = { "GET /v1/kv/metadata/app": metadata({ team: "x" }), "GET /v1/kv/data/app": data({ p: "x" }) };
      sent = [];
      assert.equal(await push.deleteSecret({ remoteKey: "app" }), "not-owned");
      assert.deepEqual(writes(), []);
      answers = {};
      assert.equal(await push.deleteSecret({ remoteKey: "app" }), "absent");
    } finally {
      close();
    }
  });

  it("a key spelled with the mount and data/ marks and writes the same secret", async () => {
    const { push, close } = open();
    try {
      await push.pushSecret(request("kv/data/team/app", SECRET, "p"));
      assert.deepEqual(writes(), ["POST /v1/kv/metadata/team/app", "POST /v1/kv/data/team/app"]);
    } finally {
      close();
    }
  });
});

describe("vault push client: large documents", () => {
  it("a failed write of a document holding a list of 300k values still reports (values withheld without overflowing)", async () => {
    const big = Array.from({ length: 300_000 }, (_, i) => i);
    const server = await startHostileServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const url = req.url ?? "";
        const answer =
          req.method === "GET" && url === "/v1/kv/metadata/app" ? metadata(MARKED)
          : req.method === "GET" && url === "/v1/kv/data/app" ? data({ big, p: "old" })
          : json(400, { errors: ["invalid request"] });
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(answer.body);
      });
      return undefined;
    });
    const http = new VaultHttp({ server: server.url, tls: {}, headers: {}, readYourWrites: false });
    try {
      const source = { label: "token", obtain: async () => ({ token: "t", ttlMs: 0, since: 0, renewable: false, owned: false }) };
      const push = vaultPushClient({ server: server.url, path: "kv", version: "v2" } as VaultProviderSpec, new VaultSession({ http, source, log: pino({ level: "silent" }) }));
      await assert.rejects(push.pushSecret({ remoteRef: { remoteKey: "app", property: "p" }, secretKey: "k", data: { k: bytes(SECRET) } }), (err: Error) => /HTTP 400 \(invalid request\)/.test(err.message));
    } finally {
      http.close();
      await server.close();
    }
  });
});
