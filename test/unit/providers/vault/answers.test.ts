// What each Vault answer means for the vault client, over the real VaultHttp against a loopback server that
// answers as told: only Vault's own JSON 404 (or a deleted KV v2 version) is "gone"; HTML, wrong shapes and
// unparsable bodies are transient; a missing property is PropertyNotFoundError; a LIST 404 is "no keys".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { NoSecretError, PropertyNotFoundError, ProviderUnavailableError } from "../../../../src/provider/errors.ts";
import type { SecretsClient } from "../../../../src/provider/types.ts";
import { VaultHttp } from "../../../../providers/vault/http.ts";
import { VaultSession } from "../../../../providers/vault/session.ts";
import { vaultClient } from "../../../../providers/vault/client.ts";
import type { VaultProviderSpec } from "../../../../providers/vault/schema.ts";
import { startHostileServer, type HostileServer } from "../../../helpers/hostile-http.ts";

interface Answer {
  status: number;
  body: string;
  type?: string;
}

const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body) });
const html = (status: number): Answer => ({ status, body: "<html><body>Down for maintenance</body></html>", type: "text/html" });
const NOT_FOUND = json(404, { errors: [] });

describe("vault client: what an answer means", () => {
  let server: HostileServer;
  /** Answers by request path ("/v1/kv/data/app", "/v1/kv/metadata?list=true"); anything else is Vault's 404. */
  let answers: Record<string, Answer> = {};

  before(async () => {
    server = await startHostileServer((req, res) => {
      const answer = answers[req.url ?? ""] ?? NOT_FOUND;
      res.writeHead(answer.status, { "content-type": answer.type ?? "application/json" });
      res.end(answer.body);
      return undefined;
    });
  });
  after(() => server.close());

  const open = (version: "v1" | "v2"): { client: SecretsClient; close: () => void } => {
    const http = new VaultHttp({ server: server.url, tls: {}, headers: {}, readYourWrites: false });
    const source = { label: "token", obtain: async () => ({ token: "t", ttlMs: 0, since: 0, renewable: false, owned: false }) };
    const session = new VaultSession({ http, source, log: pino({ level: "silent" }) });
    const spec = { server: server.url, path: "kv", version } as VaultProviderSpec;
    return { client: vaultClient(spec, session), close: () => http.close() };
  };

  type Want = Record<string, string> | (new (...args: never[]) => Error);
  const reads: Array<{ name: string; version: "v1" | "v2"; given: Answer; want: Want }> = [
    { name: "KV v2: the document", version: "v2", given: json(200, { data: { data: { user: "app" }, metadata: {} } }), want: { user: "app" } },
    { name: "KV v2: Vault's 404 is gone", version: "v2", given: NOT_FOUND, want: NoSecretError },
    { name: "KV v2: a deleted version (404 with data: null) is gone", version: "v2", given: json(404, { data: { data: null, metadata: { deletion_time: "x" } } }), want: NoSecretError },
    { name: "KV v2: a deleted version answered 200 with data: null is gone", version: "v2", given: json(200, { data: { data: null, metadata: {} } }), want: NoSecretError },
    { name: "KV v2: 200 with an HTML page is transient", version: "v2", given: html(200), want: ProviderUnavailableError },
    { name: "KV v2: 404 with an HTML page (a proxy) is transient, not gone", version: "v2", given: html(404), want: ProviderUnavailableError },
    { name: "KV v2: 503 with an HTML page is transient", version: "v2", given: html(503), want: ProviderUnavailableError },
    { name: "KV v2: 200 with an empty body is transient", version: "v2", given: { status: 200, body: "" }, want: ProviderUnavailableError },
    { name: "KV v2: 200 with a truncated JSON body is transient", version: "v2", given: { status: 200, body: '{"data":{"da' }, want: ProviderUnavailableError },
    { name: "KV v2: 200 with a JSON array is transient", version: "v2", given: json(200, [1]), want: ProviderUnavailableError },
    { name: "KV v2: 200 without data is transient", version: "v2", given: json(200, {}), want: ProviderUnavailableError },
    { name: "KV v2: 200 without data.data is transient", version: "v2", given: json(200, { data: { metadata: {} } }), want: ProviderUnavailableError },
    { name: "KV v2: 200 with data.data not an object is transient", version: "v2", given: json(200, { data: { data: "x" } }), want: ProviderUnavailableError },
    { name: "KV v1: the document", version: "v1", given: json(200, { data: { user: "app" } }), want: { user: "app" } },
    { name: "KV v1: Vault's 404 is gone", version: "v1", given: NOT_FOUND, want: NoSecretError },
    { name: "KV v1: 200 without data is transient", version: "v1", given: json(200, { warnings: [] }), want: ProviderUnavailableError },
    { name: "KV v1: 200 with an HTML page is transient", version: "v1", given: html(200), want: ProviderUnavailableError },
  ];
  for (const { name, version, given, want } of reads) {
    it(name, async () => {
      answers = { [version === "v2" ? "/v1/kv/data/app" : "/v1/kv/app"]: given };
      const { client, close } = open(version);
      try {
        const read = client.getSecretMap({ key: "app" });
        if (typeof want === "function") await assert.rejects(read, (err: Error) => err instanceof want && !err.message.includes("Down for"));
        else assert.deepEqual(Object.fromEntries(Object.entries(await read).map(([k, v]) => [k, Buffer.from(v).toString()])), want);
      } finally {
        close();
      }
    });
  }

  it("a missing property of an existing key is PropertyNotFoundError (getSecret and extract), not NoSecretError", async () => {
    answers = { "/v1/kv/data/app": json(200, { data: { data: { user: "app", nested: { a: 1 } } } }) };
    const { client, close } = open("v2");
    try {
      await assert.rejects(client.getSecret({ key: "app", property: "password" }), (err: Error) => err instanceof PropertyNotFoundError && err.message === 'property "password" does not exist in key app');
      await assert.rejects(client.getSecret({ key: "app", property: "nested.b" }), PropertyNotFoundError);
      await assert.rejects(client.getSecretMap({ key: "app", property: "gone" }), PropertyNotFoundError);
    } finally {
      close();
    }
  });

  const list = "/v1/kv/metadata?list=true";
  const finds: Array<{ name: string; given: Record<string, Answer>; want: Want }> = [
    { name: "Vault's LIST 404 means no keys: an empty result", given: { [list]: NOT_FOUND }, want: {} },
    { name: "a LIST answered 404 with HTML is transient, not empty", given: { [list]: html(404) }, want: ProviderUnavailableError },
    { name: "a LIST answered 200 with HTML is transient, not empty", given: { [list]: html(200) }, want: ProviderUnavailableError },
    { name: "a LIST answered 200 without data.keys is transient, not empty", given: { [list]: json(200, { data: {} }) }, want: ProviderUnavailableError },
    { name: "a LIST answered 500 is transient", given: { [list]: json(500, { errors: ["internal"] }) }, want: ProviderUnavailableError },
    {
      name: "a key deleted between LIST and read is skipped (Vault's 404)",
      given: { [list]: json(200, { data: { keys: ["a", "b"] } }), "/v1/kv/data/a": json(200, { data: { data: { v: "1" } } }) },
      want: { a: '{"v":"1"}' },
    },
    {
      name: "a read answered with HTML fails the whole find",
      given: { [list]: json(200, { data: { keys: ["a", "b"] } }), "/v1/kv/data/a": json(200, { data: { data: { v: "1" } } }), "/v1/kv/data/b": html(200) },
      want: ProviderUnavailableError,
    },
    {
      name: "a sub-folder that Vault answers 404 (emptied meanwhile) contributes no keys",
      given: { [list]: json(200, { data: { keys: ["a", "dir/"] } }), "/v1/kv/data/a": json(200, { data: { data: { v: "1" } } }) },
      want: { a: '{"v":"1"}' },
    },
  ];
  for (const { name, given, want } of finds) {
    it(`find: ${name}`, async () => {
      answers = given;
      const { client, close } = open("v2");
      try {
        const found = client.findSecrets({});
        if (typeof want === "function") await assert.rejects(found, (err: Error) => err instanceof want && !err.message.includes("Down for"));
        else assert.deepEqual(Object.fromEntries(Object.entries(await found).map(([k, v]) => [k, Buffer.from(v).toString()])), want);
      } finally {
        close();
      }
    });
  }
});
