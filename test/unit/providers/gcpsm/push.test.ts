// The gcpsm write half on an in-memory Secret Manager (unit tier): what the emulator cannot show (annotations,
// topics, regional secrets, etags, FAILED_PRECONDITION on a disabled `latest` as Google answers, conflicts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { PassThroughClient } from "google-auth-library";
import { gcpsmClient } from "../../../../providers/gcpsm/client.ts";
import type { SecretManagerApi } from "../../../../providers/gcpsm/api.ts";
import type { NewSecret, SecretManagerWrites } from "../../../../providers/gcpsm/api-write.ts";
import { ConfigError, NotOwnedError, PermissionDeniedError, WriteConflictError } from "../../../../src/provider/errors.ts";
import type { PushClient, PushRequest } from "../../../../src/provider/types.ts";

interface Version { data: string; state: "ENABLED" | "DISABLED" }
interface Stored { labels: Record<string, string>; annotations: Record<string, string>; versions: Version[]; etag: number; created?: NewSecret & { parent: string } }

/** Secret Manager as Google answers: `latest` is the newest version, FAILED_PRECONDITION when it is disabled. */
function memory(secrets: Record<string, Stored> = {}) {
  const calls: string[] = [];
  const fail = (code: number, message: string) => Object.assign(new Error(message), { code });
  const failures = new Map<string, { code: number; message: string }>();
  const id = (name: string) => name.split("/secrets/")[1]!.split("/")[0]!;
  const get = (name: string) => {
    const secret = secrets[id(name)];
    if (!secret) throw fail(5, "not found");
    return secret;
  };
  const record = (call: string, name: string) => {
    calls.push(`${call} ${name}`);
    const failure = failures.get(call);
    if (failure) throw fail(failure.code, failure.message);
  };
  const api: SecretManagerApi & SecretManagerWrites = {
    async access(name) {
      record("AccessSecretVersion", name);
      const secret = get(name);
      const wanted = name.split("/").pop()!;
      const index = wanted === "latest" ? secret.versions.length - 1 : Number(wanted) - 1;
      const version = secret.versions[index];
      if (!version) throw fail(5, "not found");
      if (version.state !== "ENABLED") throw fail(9, `Secret Version is in ${version.state} state.`);
      return { name: name.replace(/latest$/, String(index + 1)), data: Buffer.from(version.data), crc32c: undefined };
    },
    async getSecret(name) {
      record("GetSecret", name);
      const secret = get(name);
      return { labels: { ...secret.labels }, annotations: { ...secret.annotations }, etag: `"${secret.etag}"` };
    },
    async listSecrets() {
      throw new Error("not used");
    },
    async listEnabledVersions(name) {
      record("ListSecretVersions", name);
      return { names: get(name).versions.flatMap((v, i) => (v.state === "ENABLED" ? [`${name}/versions/${i + 1}`] : [])) };
    },
    async close() {},
    async createSecret(parent, secretId, secret) {
      record("CreateSecret", `${parent}/secrets/${secretId}`);
      if (secrets[secretId]) throw fail(6, "already exists");
      secrets[secretId] = { labels: { ...secret.labels }, annotations: { ...secret.annotations }, versions: [], etag: 1, created: { ...secret, parent } };
    },
    async updateLabelsAndAnnotations(name, labels, annotations, etag) {
      record("UpdateSecret", `${name} etag=${etag}`);
      const secret = get(name);
      if (etag !== undefined && etag !== `"${secret.etag}"`) throw fail(9, "etag mismatch");
      Object.assign(secret, { labels: { ...labels }, annotations: { ...annotations }, etag: secret.etag + 1 });
    },
    async addVersion(name, data) {
      record("AddSecretVersion", name);
      const secret = get(name);
      secret.versions.push({ data: Buffer.from(data).toString(), state: "ENABLED" });
      secret.etag++;
    },
    async deleteSecret(name, etag) {
      record("DeleteSecret", `${name} etag=${etag}`);
      get(name);
      delete secrets[id(name)];
    },
  };
  return { api, calls, secrets, failures, writes: () => calls.filter((c) => /^(CreateSecret|UpdateSecret|AddSecretVersion|DeleteSecret) /.test(c)) };
}

const log = pino({ level: "silent" });
const mark = { "managed-by": "external-secrets" };
function session(store: ReturnType<typeof memory>, opts: { location?: string; fallbackToEnabled?: boolean } = {}): PushClient {
  const client = gcpsmClient({ api: store.api, writes: store.api, auth: new PassThroughClient(), scope: { project: "p", location: opts.location }, fallbackToEnabled: opts.fallbackToEnabled ?? false, log });
  return client.push!;
}
const push = (remoteKey: string, value: string, extra: Partial<PushRequest> & { property?: string } = {}): PushRequest => {
  const { property, ...rest } = extra;
  return { remoteRef: { remoteKey, ...(property ? { property } : {}) }, secretKey: "v", data: { v: Buffer.from(value) }, ...rest };
};
const meta = (spec: unknown) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });
const owned = (versions: Version[], extra: Partial<Stored> = {}): Stored => ({ labels: { ...mark }, annotations: {}, versions, etag: 7, ...extra });

describe("gcpsm push (unit)", () => {
  it("a session without write calls has no push", () => {
    const client = gcpsmClient({ api: memory().api, auth: new PassThroughClient(), scope: { project: "p" }, fallbackToEnabled: false, log });
    assert.equal(client.push, undefined);
  });

  it("creates with labels, annotations, topics and replication in one CreateSecret, then one version", async () => {
    const store = memory();
    const spec = { labels: { team: "a" }, annotations: { owner: "x" }, topics: ["projects/p/topics/t"], replicationLocations: ["europe-west1"], cmekKeyName: "k" };
    assert.equal(await session(store).pushSecret(push("db", "v1", { metadata: meta(spec) })), "created");
    assert.deepEqual(store.writes(), ["CreateSecret projects/p/secrets/db", "AddSecretVersion projects/p/secrets/db"]);
    assert.deepEqual(store.secrets["db"]!.created, {
      parent: "projects/p",
      labels: { team: "a", ...mark },
      annotations: { owner: "x" },
      topics: ["projects/p/topics/t"],
      replication: { userManaged: { replicas: [{ location: "europe-west1", customerManagedEncryption: { kmsKeyName: "k" } }] } },
    });
  });

  it("regional secrets: no replication (as ESO), the CMEK key on the secret itself", async () => {
    const store = memory();
    await session(store, { location: "europe-west1" }).pushSecret(push("db", "v1", { metadata: meta({ replicationLocations: ["x"], cmekKeyName: "k" }) }));
    const created = store.secrets["db"]!.created!;
    assert.equal(created.parent, "projects/p/locations/europe-west1");
    assert.equal(created.replication, undefined);
    assert.equal(created.kmsKeyName, "k");
  });

  it("a full resource name as the key is created under its own parent", async () => {
    const store = memory();
    await session(store).pushSecret(push("projects/other/secrets/db", "v1"));
    assert.deepEqual(store.writes(), ["CreateSecret projects/other/secrets/db", "AddSecretVersion projects/other/secrets/db"]);
  });

  it("annotations: UpdateSecret (with the etag read) only when they differ; a property push keeps them", async () => {
    const store = memory({ db: owned([{ data: "v1", state: "ENABLED" }], { annotations: { owner: "x" } }) });
    const client = session(store);
    assert.equal(await client.pushSecret(push("db", "v1", { metadata: meta({ annotations: { owner: "x" } }) })), "unchanged");
    assert.deepEqual(store.writes(), []);
    assert.equal(await client.pushSecret(push("db", "v1", { metadata: meta({ annotations: { owner: "y" } }) })), "updated");
    assert.deepEqual(store.writes(), ['UpdateSecret projects/p/secrets/db etag="7"']);
    assert.deepEqual(store.secrets["db"]!.annotations, { owner: "y" });
    const json = memory({ cfg: owned([{ data: '{"a":"1"}', state: "ENABLED" }], { annotations: { owner: "x" }, labels: { ...mark, team: "t" } }) });
    assert.equal(await session(json).pushSecret(push("cfg", "2", { property: "b" })), "updated");
    assert.deepEqual(json.writes(), ["AddSecretVersion projects/p/secrets/cfg"]);
  });

  it("Google's disabled `latest` (FAILED_PRECONDITION): the newest enabled version is the merge base, and a version is added", async () => {
    const store = memory({ cfg: owned([{ data: '{"a":"1","b":"2"}', state: "ENABLED" }, { data: '{"a":"old"}', state: "DISABLED" }]) });
    assert.equal(await session(store).pushSecret(push("cfg", "2", { property: "b" })), "updated");
    assert.equal(store.secrets["cfg"]!.versions.at(-1)!.data, '{"a":"1","b":"2"}');
    const plain = memory({ tok: owned([{ data: "v1", state: "ENABLED" }, { data: "v1", state: "DISABLED" }]) });
    assert.equal(await session(plain).pushSecret(push("tok", "v1")), "updated");
    assert.deepEqual(plain.writes(), ["AddSecretVersion projects/p/secrets/tok"]);
  });

  it("with LatestOrFetch, a disabled `latest` compares with the newest enabled version (what readers of the store get)", async () => {
    const store = memory({ tok: owned([{ data: "v1", state: "ENABLED" }, { data: "v0", state: "DISABLED" }]) });
    assert.equal(await session(store, { fallbackToEnabled: true }).pushSecret(push("tok", "v1")), "unchanged");
    assert.deepEqual(store.writes(), []);
  });

  it("an owned secret without any version gets one", async () => {
    const store = memory({ tok: owned([]) });
    assert.equal(await session(store).pushSecret(push("tok", "v1")), "updated");
    assert.equal(await session(store).secretExists({ remoteKey: "tok" }), true);
    assert.equal(await session(memory({ tok: owned([]) })).secretExists({ remoteKey: "tok" }), false);
  });

  it("foreign secrets: NotOwnedError naming the key, no write; delete says not-owned", async () => {
    const store = memory({ db: owned([{ data: "secret-value-4711", state: "ENABLED" }], { labels: { "managed-by": "someone-else" } }) });
    await assert.rejects(session(store).pushSecret(push("db", "x")), (err: Error) => err instanceof NotOwnedError && /secret db/.test(err.message) && !err.message.includes("4711"));
    assert.equal(await session(store).deleteSecret({ remoteKey: "db" }), "not-owned");
    assert.deepEqual(store.writes(), []);
  });

  it("conflicts: a create that finds the secret, an etag that changed, a secret deleted meanwhile", async () => {
    const created = memory();
    created.failures.set("CreateSecret", { code: 6, message: "exists" });
    await assert.rejects(session(created).pushSecret(push("db", "v1")), WriteConflictError);
    const etag = memory({ db: owned([{ data: "v1", state: "ENABLED" }]) });
    etag.failures.set("UpdateSecret", { code: 9, message: "etag" });
    await assert.rejects(session(etag).pushSecret(push("db", "v1", { metadata: meta({ labels: { a: "b" } }) })), WriteConflictError);
    const gone = memory({ db: owned([{ data: "v1", state: "ENABLED" }]) });
    gone.failures.set("AddSecretVersion", { code: 5, message: "not found" });
    await assert.rejects(session(gone).pushSecret(push("db", "v2")), WriteConflictError);
    const raced = memory({ db: owned([{ data: "v1", state: "ENABLED" }]) });
    raced.failures.set("DeleteSecret", { code: 5, message: "not found" });
    assert.equal(await session(raced).deleteSecret({ remoteKey: "db" }), "absent");
  });

  it("delete passes the etag read; a denied delete is PermissionDeniedError", async () => {
    const store = memory({ db: owned([{ data: "v1", state: "ENABLED" }]) });
    assert.equal(await session(store).deleteSecret({ remoteKey: "db" }), "deleted");
    assert.deepEqual(store.writes(), ['DeleteSecret projects/p/secrets/db etag="7"']);
    const denied = memory({ db: owned([{ data: "v1", state: "ENABLED" }]) });
    denied.failures.set("DeleteSecret", { code: 7, message: "Permission 'secretmanager.secrets.delete' denied" });
    await assert.rejects(session(denied).deleteSecret({ remoteKey: "db" }), (err: Error) => err instanceof PermissionDeniedError && /DeleteSecret on secret db: permission denied \(secretmanager\.secrets\.delete\)/.test(err.message));
  });

  it("a missing source key and a bad key are ConfigErrors before any request", async () => {
    const store = memory();
    await assert.rejects(session(store).pushSecret({ remoteRef: { remoteKey: "db" }, secretKey: "nope", data: {} }), ConfigError);
    await assert.rejects(session(store).pushSecret(push("bad key!", "v")), ConfigError);
    assert.deepEqual(store.calls, []);
  });
});
