import { describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { PassThroughClient } from "google-auth-library";
import type { AuthClient } from "google-auth-library";
import { gcpsmClient, MAX_IN_FLIGHT } from "../../../../providers/gcpsm/client.ts";
import type { SecretManagerApi } from "../../../../providers/gcpsm/api.ts";
import { crc32c } from "../../../../providers/gcpsm/crc32c.ts";
import { Limiter } from "../../../../providers/gcpsm/limiter.ts";
import { parseServiceAccountKey } from "../../../../providers/gcpsm/auth.ts";
import { ConfigError, NoSecretError, PermissionDeniedError, PropertyNotFoundError, ProviderError, ProviderUnavailableError } from "../../../../src/provider/errors.ts";

// An in-memory Secret Manager (unit tier only): versions with states, labels, shuffled listings, 2 per page.
interface Version { data: string; state: "ENABLED" | "DISABLED" | "DESTROYED" }
function memoryApi(secrets: Record<string, { versions: Version[]; labels?: Record<string, string> }>, opts: { crc?: (data: Uint8Array) => unknown; delayMs?: number } = {}) {
  let active = 0;
  let peak = 0;
  const calls: string[] = [];
  const fail = (code: number, message: string) => Object.assign(new Error(message), { code });
  const idOf = (name: string) => name.split("/")[3]!;
  const api: SecretManagerApi = {
    async access(name) {
      calls.push(`access ${name}`);
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, opts.delayMs ?? 0));
      active--;
      const secret = secrets[idOf(name)];
      if (!secret) throw fail(5, "not found");
      const wanted = name.split("/").pop()!;
      const index = wanted === "latest" ? secret.versions.length - 1 : Number(wanted) - 1;
      const version = secret.versions[index];
      if (!version) throw fail(5, "not found");
      if (version.state !== "ENABLED") throw fail(9, `Secret Version is in ${version.state} state.`);
      const data = Buffer.from(version.data);
      return { name: name.replace(/latest$/, String(index + 1)), data, crc32c: opts.crc?.(data) };
    },
    async getSecret(name) {
      calls.push(`get ${name}`);
      const secret = secrets[idOf(name)];
      if (!secret) throw fail(5, "not found");
      return { labels: { ...secret.labels }, annotations: { owner: "team" } };
    },
    async listSecrets(parent, _filter, pageToken) {
      calls.push(`list ${pageToken ?? ""}`);
      const ids = Object.keys(secrets).sort().reverse();
      const start = Number(pageToken ?? 0);
      const page = ids.slice(start, start + 2).map((id) => ({ name: `${parent}/secrets/${id}`, labels: { ...secrets[id]!.labels } }));
      return { secrets: page, nextPageToken: start + 2 < ids.length ? String(start + 2) : undefined };
    },
    async listEnabledVersions(name) {
      calls.push(`versions ${name}`);
      const secret = secrets[idOf(name)]!;
      return { names: secret.versions.flatMap((v, i) => (v.state === "ENABLED" ? [`${name}/versions/${i + 1}`] : [])) };
    },
    async close() {},
  };
  return { api, calls, peak: () => peak };
}

const log = pino({ level: "silent" });
const client = (api: SecretManagerApi, extra: { fallbackToEnabled?: boolean; auth?: AuthClient } = {}) =>
  gcpsmClient({ api, auth: extra.auth ?? new PassThroughClient(), scope: { project: "p" }, fallbackToEnabled: extra.fallbackToEnabled ?? false, log });
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

const secrets = () => ({
  db: { versions: [{ data: '{"password":"old"}', state: "ENABLED" as const }, { data: '{"password":"new","nested":{"port":5432}}', state: "ENABLED" as const }], labels: { team: "a" } },
  flag: { versions: [{ data: "on", state: "ENABLED" as const }, { data: "off", state: "DISABLED" as const }], labels: { team: "b" } },
  "team-a-two": { versions: [{ data: "2", state: "ENABLED" as const }], labels: { team: "a", tier: "gold" } },
  empty: { versions: [], labels: { team: "a" } },
});

describe("gcpsm client: reads", () => {
  const table = [
    { name: "latest with a property", given: { key: "db", property: "password" }, want: "new" },
    { name: "a version number", given: { key: "db", version: "1", property: "password" }, want: "old" },
    { name: "a nested property", given: { key: "db", property: "nested.port" }, want: "5432" },
    { name: "a plain value", given: { key: "flag", version: "1" }, want: "on" },
    { name: "metadata: labels", given: { key: "db", metadataPolicy: "Fetch" as const, property: "labels" }, want: '{"team":"a"}' },
    { name: "metadata: one annotation", given: { key: "db", metadataPolicy: "Fetch" as const, property: "annotations.owner" }, want: "team" },
  ];
  for (const { name, given, want } of table) it(name, async () => assert.equal(text(await client(memoryApi(secrets()).api).getSecret(given)), want));

  it("a missing secret is NoSecretError", async () => {
    await assert.rejects(client(memoryApi(secrets()).api).getSecret({ key: "nope" }), NoSecretError);
  });
  it("a missing property (value, extract or metadata) is PropertyNotFoundError, not NoSecretError", async () => {
    const c = client(memoryApi(secrets()).api);
    await assert.rejects(c.getSecret({ key: "db", property: "renamed" }), (err: Error) => err instanceof PropertyNotFoundError && err.message === 'property "renamed" does not exist in secret db');
    await assert.rejects(c.getSecretMap({ key: "db", property: "renamed" }), PropertyNotFoundError);
    await assert.rejects(c.getSecret({ key: "db", metadataPolicy: "Fetch", property: "labels.renamed" }), PropertyNotFoundError);
  });
  it("a disabled version is a ProviderError naming it, not NoSecretError", async () => {
    await assert.rejects(client(memoryApi(secrets()).api).getSecret({ key: "flag", version: "2" }), (err: Error) => err instanceof ProviderError && !(err instanceof NoSecretError) && err.message === "secret flag version 2 is DISABLED");
  });
  it("LatestOrFail: a disabled latest fails", async () => {
    await assert.rejects(client(memoryApi(secrets()).api).getSecret({ key: "flag" }), /is DISABLED/);
  });
  it("LatestOrFetch: a disabled latest falls back to the newest enabled version", async () => {
    const mem = memoryApi(secrets());
    assert.equal(text(await client(mem.api, { fallbackToEnabled: true }).getSecret({ key: "flag" })), "on");
    assert.deepEqual(mem.calls, ["access projects/p/secrets/flag/versions/latest", "versions projects/p/secrets/flag", "access projects/p/secrets/flag/versions/1"]);
  });
  it("extract explodes JSON", async () => {
    const map = await client(memoryApi(secrets()).api).getSecretMap({ key: "db" });
    assert.deepEqual(Object.fromEntries(Object.entries(map).map(([k, v]) => [k, text(v)])), { password: "new", nested: '{"port":5432}' });
  });
});

describe("gcpsm client: payload checksum", () => {
  it("accepts a matching CRC32C", async () => {
    assert.equal(text(await client(memoryApi(secrets(), { crc: (d) => String(crc32c(d)) }).api).getSecret({ key: "flag", version: "1" })), "on");
  });
  it("rejects a mismatching CRC32C as transient, without the value in the message", async () => {
    await assert.rejects(client(memoryApi(secrets(), { crc: (d) => (crc32c(d) ^ 1) >>> 0 }).api).getSecret({ key: "db", version: "1" }), (err: Error) => err instanceof ProviderUnavailableError && /CRC32C/.test(err.message) && !err.message.includes("old"));
  });
});

describe("gcpsm client: find", () => {
  const table = [
    { name: "by labels over several pages", given: { tags: { team: "a" } }, want: { db: '{"password":"new","nested":{"port":5432}}', "team-a-two": "2" } },
    { name: "by name regexp", given: { nameRegexp: "^team-" }, want: { "team-a-two": "2" } },
    { name: "labels and regexp", given: { nameRegexp: "^d", tags: { team: "a" } }, want: { db: '{"password":"new","nested":{"port":5432}}' } },
  ];
  for (const { name, given, want } of table) {
    it(name, async () => {
      const found = await client(memoryApi(secrets()).api).findSecrets(given);
      assert.deepEqual(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, text(v)])), want);
    });
  }
  it("a disabled latest among the matches fails the find (a match without versions is skipped: see the labels case)", async () => {
    await assert.rejects(client(memoryApi(secrets()).api).findSecrets({ tags: { team: "b" } }), /is DISABLED/);
  });
});

describe("gcpsm client: concurrency and auth", () => {
  it(`runs requests in parallel, at most ${MAX_IN_FLIGHT} at once`, async () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`s${i}`, { versions: [{ data: String(i), state: "ENABLED" as const }] }]));
    const mem = memoryApi(many, { delayMs: 5 });
    const c = client(mem.api);
    await Promise.all(Object.keys(many).map((key) => c.getSecret({ key })));
    assert.equal(mem.peak(), MAX_IN_FLIGHT);
  });
  it("an auth failure keeps its type and sends no request", async () => {
    const mem = memoryApi(secrets());
    const auth = { getRequestHeaders: async () => Promise.reject(new PermissionDeniedError("STSExchange refused: HTTP 400")) } as unknown as AuthClient;
    await assert.rejects(client(mem.api, { auth }).getSecret({ key: "db" }), PermissionDeniedError);
    await assert.rejects(client(mem.api, { auth }).validate(), PermissionDeniedError);
    assert.deepEqual(mem.calls, []);
  });
  it("the limiter hands slots over without exceeding its bound", async () => {
    const limiter = new Limiter(2);
    let peak = 0;
    await Promise.all(Array.from({ length: 10 }, () => limiter.run(async () => {
      peak = Math.max(peak, limiter.active);
      await new Promise((resolve) => setTimeout(resolve, 1));
    })));
    assert.equal(peak, 2);
    assert.equal(limiter.active, 0);
  });
});

describe("gcpsm service-account key parsing", () => {
  const good = { type: "service_account", client_email: "a@p.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n", private_key_id: "k1" };
  const table = [
    { name: "not JSON", given: "s3cret-not-json", want: /not a JSON service-account key/ },
    { name: "another credential type", given: JSON.stringify({ ...good, type: "authorized_user" }), want: /not a service_account key/ },
    { name: "no private key", given: JSON.stringify({ ...good, private_key: undefined }), want: /lacks client_email or private_key/ },
  ];
  for (const { name, given, want } of table) {
    it(`${name} is a ConfigError that does not quote the document`, () => {
      assert.throws(() => parseServiceAccountKey(Buffer.from(given), "key k of secret s"), (err: Error) => err instanceof ConfigError && want.test(err.message) && !err.message.includes("s3cret") && !err.message.includes("AAA"));
    });
  }
  it("a service-account key", () => assert.deepEqual(parseServiceAccountKey(Buffer.from(JSON.stringify(good)), "k"), { clientEmail: good.client_email, privateKey: good.private_key, privateKeyId: "k1", projectId: undefined }));
});
