// PushSecret's gcpsm write half against the Secret Manager emulator (drongo, REST), through a real store session
// (budget and answer-watch wrappers included): create, update, zero writes at rest, property merge and removal,
// whole-Secret pushes, ownership (foreign secrets are neither overwritten nor deleted), secretExists, metadata
// (labels, mergePolicy, replication, CMEK), a denied write, and no value in any error, log or off-loopback traffic.
// Requests are counted per method at a proxy in front of the emulator, so "no write" is what the peer saw.
import { nonLoopbackTraffic, emulator, uniqueProject, seedSecret, addVersion, setVersionState, countingProxy } from "../helpers/gcpsm.ts";
import type { CountingProxy } from "../helpers/gcpsm.ts";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { SecretStore } from "../../src/api/secret-store.ts";
import { ConfigError, NotOwnedError, PermissionDeniedError } from "../../src/provider/errors.ts";
import type { PushClient, PushRequest } from "../../src/provider/types.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const errorBody = (code: number, status: string, message: string) => ({ error: { code, status, message } });

/** The Secret Manager method a REST request is (the SDK's fallback transport maps each RPC to one HTTP rule). */
function methodOf(method: string, url: string): string {
  const path = url.split("?")[0]!;
  if (method === "GET" && path.endsWith(":access")) return "AccessSecretVersion";
  if (method === "GET" && path.endsWith("/versions")) return "ListSecretVersions";
  if (method === "GET" && /\/secrets\/[^/]+$/.test(path)) return "GetSecret";
  if (method === "GET" && path.endsWith("/secrets")) return "ListSecrets";
  if (method === "POST" && path.endsWith(":addVersion")) return "AddSecretVersion";
  if (method === "POST" && path.endsWith("/secrets")) return "CreateSecret";
  if (method === "PATCH") return "UpdateSecret";
  if (method === "DELETE") return "DeleteSecret";
  return `${method} ${path}`;
}
const WRITES = new Set(["CreateSecret", "AddSecretVersion", "UpdateSecret", "DeleteSecret"]);

describe("gcpsm PushSecret against the Secret Manager emulator", () => {
  let ns: string;
  let op: TestOperator;
  let proxy: CountingProxy;
  let push: PushClient;
  let calls: string[] = [];
  let denyWrites = false;
  const errors: string[] = [];
  const k = kube();
  const project = uniqueProject("push");
  const v1 = planted("push");
  const v2 = planted("push");
  const user = planted("push");
  const pass = planted("push");
  const foreignValue = planted("push");
  const denied = planted("push");
  const values = [v1, v2, user, pass, foreignValue, denied];

  const peer = (path: string, init?: RequestInit) => fetch(`${emulator().endpoint}/v1/projects/${project}/secrets${path}`, init);
  const peerSecret = async (id: string) => {
    const response = await peer(`/${id}`);
    return response.status === 404 ? undefined : ((await response.json()) as { labels?: Record<string, string>; replication?: unknown });
  };
  const peerLatest = async (id: string) => {
    const response = await peer(`/${id}/versions/latest:access`);
    if (!response.ok) return undefined;
    return Buffer.from(((await response.json()) as { payload: { data: string } }).payload.data, "base64").toString();
  };
  const peerVersions = async (id: string) => ((await (await peer(`/${id}/versions`)).json()) as { versions?: unknown[] }).versions?.length ?? 0;
  const patchLabels = (id: string, labels: Record<string, string>) =>
    peer(`/${id}?updateMask=labels`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ labels }) });

  /** Runs `fn` and returns what the peer saw meanwhile: every request's method, and the writes among them. */
  async function atPeer<T>(fn: () => Promise<T>): Promise<{ result: T; calls: string[]; writes: string[] }> {
    calls = [];
    const result = await fn();
    const seen = [...calls];
    return { result, calls: seen, writes: seen.filter((call) => WRITES.has(call)) };
  }
  async function rejected(fn: () => Promise<unknown>, type: new (...args: never[]) => Error): Promise<{ err: Error; writes: string[] }> {
    const { result: err, writes } = await atPeer(async () => {
      try {
        await fn();
      } catch (thrown) {
        return thrown as Error;
      }
      assert.fail(`expected ${type.name}`);
    });
    errors.push(err.message);
    assert.ok(err instanceof type, `expected ${type.name}, got ${err.name}: ${err.message}`);
    return { err, writes };
  }
  const request = (remoteKey: string, value: string | Record<string, string>, extra: Partial<PushRequest> & { property?: string } = {}): PushRequest => {
    const { property, ...rest } = extra;
    const data = typeof value === "string" ? { v: bytes(value) } : Object.fromEntries(Object.entries(value).map(([key, text]) => [key, bytes(text)]));
    return { remoteRef: { remoteKey, ...(property ? { property } : {}) }, secretKey: typeof value === "string" ? "v" : "", data, ...rest };
  };
  const metadata = (spec: Record<string, unknown>) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });

  before(async () => {
    ns = await freshNamespace("push-gcpsm");
    proxy = await countingProxy(0, {
      respond(method, url) {
        const call = methodOf(method, url);
        calls.push(call);
        if (denyWrites && WRITES.has(call)) return { status: 403, body: errorBody(403, "PERMISSION_DENIED", "Permission 'secretmanager.versions.add' denied for resource (or it may not exist).") };
        return undefined;
      },
    });
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "gcpsm", { provider: { gcpsm: { projectID: project, endpoint: proxy.endpoint } } });
    const store = await waitFor("SecretStore gcpsm Ready", async () => {
      const object = (await k.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "secretstores", name: "gcpsm" })) as SecretStore;
      return ready(object as never)?.status === "True" ? object : undefined;
    });
    assert.equal((store as { status?: { capabilities?: string } }).status?.capabilities, "ReadWrite");
    const session = await op.operator.sessions.get(store, ns);
    assert.ok(session.push, "a gcpsm session has a write half");
    push = session.push;
  });
  after(async () => {
    await op?.stop();
    await proxy?.close();
  });

  it("creates a secret with the ownership label and the value as its first version", async () => {
    const { result, calls: seen } = await atPeer(() => push.pushSecret(request("app-token", v1)));
    assert.equal(result, "created");
    assert.deepEqual(seen, ["GetSecret", "CreateSecret", "AddSecretVersion"]);
    assert.deepEqual((await peerSecret("app-token"))?.labels, { "managed-by": "external-secrets" });
    assert.equal(await peerLatest("app-token"), v1);
  });

  it("writes nothing when the value is already there (reads only)", async () => {
    for (let i = 0; i < 2; i++) {
      const { result, calls: seen, writes } = await atPeer(() => push.pushSecret(request("app-token", v1)));
      assert.equal(result, "unchanged");
      assert.deepEqual(writes, []);
      assert.deepEqual(seen, ["GetSecret", "AccessSecretVersion"]);
    }
    assert.equal(await peerVersions("app-token"), 1);
  });

  it("adds a version when the value changed, and only that", async () => {
    const { result, writes } = await atPeer(() => push.pushSecret(request("app-token", v2)));
    assert.equal(result, "updated");
    assert.deepEqual(writes, ["AddSecretVersion"]);
    assert.equal(await peerLatest("app-token"), v2);
    assert.equal(await peerVersions("app-token"), 2);
  });

  it("compares with what `latest` serves (on the emulator, the newest enabled version)", async () => {
    await setVersionState(project, "app-token", 2, "disable");
    // The emulator's `latest` skips disabled versions (v1 here); Google's is the newest version, disabled or not
    // (that path, a FAILED_PRECONDITION on latest, is in the unit tests). Readers of `latest` here get v1, so
    // pushing v1 is "unchanged".
    const { result, writes } = await atPeer(() => push.pushSecret(request("app-token", v1)));
    assert.equal(result, "unchanged");
    assert.deepEqual(writes, []);
    const second = await atPeer(() => push.pushSecret(request("app-token", v2)));
    assert.equal(second.result, "updated");
    assert.deepEqual(second.writes, ["AddSecretVersion"]);
    assert.equal(await peerLatest("app-token"), v2);
  });

  it("merges a property into the secret's JSON object, keeping the others (and their exact numbers)", async () => {
    assert.equal(await push.pushSecret(request("app-config", user, { property: "user" })), "created");
    assert.equal(await peerLatest("app-config"), JSON.stringify({ user }));
    // Someone adds a field with a number JavaScript cannot hold exactly.
    await addVersion(project, "app-config", `{"user":${JSON.stringify(user)},"big":12345678901234567890}`);
    const { result, writes } = await atPeer(() => push.pushSecret(request("app-config", pass, { property: "pass" })));
    assert.equal(result, "updated");
    assert.deepEqual(writes, ["AddSecretVersion"]);
    assert.equal(await peerLatest("app-config"), `{"user":${JSON.stringify(user)},"big":12345678901234567890,"pass":${JSON.stringify(pass)}}`);
    const again = await atPeer(() => push.pushSecret(request("app-config", pass, { property: "pass" })));
    assert.equal(again.result, "unchanged");
    assert.deepEqual(again.writes, []);
  });

  it("secretExists: the secret, and a property of it", async () => {
    const { result, writes } = await atPeer(async () => [
      await push.secretExists({ remoteKey: "app-config" }),
      await push.secretExists({ remoteKey: "app-config", property: "pass" }),
      await push.secretExists({ remoteKey: "app-config", property: "nope" }),
      await push.secretExists({ remoteKey: "never-pushed" }),
      await push.secretExists({ remoteKey: "never-pushed", property: "pass" }),
    ]);
    assert.deepEqual(result, [true, true, false, false, false]);
    assert.deepEqual(writes, []);
  });

  it("deletes a property (a version without it), then the secret with the last one", async () => {
    const first = await atPeer(() => push.deleteSecret({ remoteKey: "app-config", property: "user" }));
    assert.equal(first.result, "deleted");
    assert.deepEqual(first.writes, ["AddSecretVersion"]);
    assert.equal(await peerLatest("app-config"), `{"big":12345678901234567890,"pass":${JSON.stringify(pass)}}`);
    assert.equal(await push.deleteSecret({ remoteKey: "app-config", property: "user" }), "absent");
    assert.equal(await push.deleteSecret({ remoteKey: "app-config", property: "big" }), "deleted");
    const last = await atPeer(() => push.deleteSecret({ remoteKey: "app-config", property: "pass" }));
    assert.equal(last.result, "deleted");
    assert.deepEqual(last.writes, ["DeleteSecret"]);
    assert.equal(await peerSecret("app-config"), undefined);
    assert.equal(await push.deleteSecret({ remoteKey: "app-config", property: "pass" }), "absent");
  });

  it("pushes the whole Secret as one JSON object, and nothing again when it is the same", async () => {
    const data = { username: user, "a.key": v1, password: pass };
    assert.equal(await push.pushSecret(request("app-all", data)), "created");
    assert.equal(await peerLatest("app-all"), `{"a.key":${JSON.stringify(v1)},"password":${JSON.stringify(pass)},"username":${JSON.stringify(user)}}`);
    const again = await atPeer(() => push.pushSecret(request("app-all", data)));
    assert.equal(again.result, "unchanged");
    assert.deepEqual(again.writes, []);
  });

  it("refuses to push over a secret without the ownership label, writing nothing", async () => {
    await seedSecret(emulator().endpoint, project, "foreign", [foreignValue], { team: "other" });
    for (const extra of [{}, { property: "p" }]) {
      const { err, writes } = await rejected(() => push.pushSecret(request("foreign", v1, extra)), NotOwnedError);
      assert.match(err.message, /secret foreign/);
      assert.deepEqual(writes, []);
    }
    assert.equal(await peerLatest("foreign"), foreignValue);
    assert.deepEqual((await peerSecret("foreign"))?.labels, { team: "other" });
    assert.equal(await peerVersions("foreign"), 1);
  });

  it("leaves a foreign secret alone on delete, and says absent for a missing one", async () => {
    const foreign = await atPeer(() => push.deleteSecret({ remoteKey: "foreign" }));
    assert.equal(foreign.result, "not-owned");
    assert.deepEqual(foreign.writes, []);
    assert.equal(await peerLatest("foreign"), foreignValue);
    const absent = await atPeer(() => push.deleteSecret({ remoteKey: "never-pushed" }));
    assert.equal(absent.result, "absent");
    assert.deepEqual(absent.writes, []);
  });

  it("deletes a whole secret it owns", async () => {
    const { result, writes } = await atPeer(() => push.deleteSecret({ remoteKey: "app-all" }));
    assert.equal(result, "deleted");
    assert.deepEqual(writes, ["DeleteSecret"]);
    assert.equal(await peerSecret("app-all"), undefined);
  });

  it("metadata: labels on create, UpdateSecret only when they differ, mergePolicy Merge keeps others' labels", async () => {
    const labelled = (labels: Record<string, string>, mergePolicy?: string) => request("app-labelled", v1, { metadata: metadata({ labels, ...(mergePolicy ? { mergePolicy } : {}) }) });
    assert.equal(await push.pushSecret(labelled({ team: "a" })), "created");
    assert.deepEqual((await peerSecret("app-labelled"))?.labels, { team: "a", "managed-by": "external-secrets" });
    const same = await atPeer(() => push.pushSecret(labelled({ team: "a" })));
    assert.equal(same.result, "unchanged");
    assert.deepEqual(same.writes, []);
    const changed = await atPeer(() => push.pushSecret(labelled({ team: "b" })));
    assert.equal(changed.result, "updated");
    assert.deepEqual(changed.writes, ["UpdateSecret"]);
    assert.deepEqual((await peerSecret("app-labelled"))?.labels, { team: "b", "managed-by": "external-secrets" });
    // Someone else adds a label: Merge keeps it (nothing to write), Replace removes it.
    assert.ok((await patchLabels("app-labelled", { team: "b", "managed-by": "external-secrets", cost: "x" })).ok);
    const merged = await atPeer(() => push.pushSecret(labelled({ team: "b" }, "Merge")));
    assert.equal(merged.result, "unchanged");
    assert.deepEqual(merged.writes, []);
    const replaced = await atPeer(() => push.pushSecret(labelled({ team: "b" })));
    assert.equal(replaced.result, "updated");
    assert.deepEqual(replaced.writes, ["UpdateSecret"]);
    assert.deepEqual((await peerSecret("app-labelled"))?.labels, { team: "b", "managed-by": "external-secrets" });
  });

  it("metadata: user-managed replication with a CMEK key on create; automatic by default", async () => {
    const kmsKeyName = "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k";
    await push.pushSecret(request("app-replicated", v1, { metadata: metadata({ replicationLocations: ["europe-west1", "europe-west4"], cmekKeyName: kmsKeyName }) }));
    assert.deepEqual((await peerSecret("app-replicated"))?.replication, {
      userManaged: { replicas: [{ location: "europe-west1", customerManagedEncryption: { kmsKeyName } }, { location: "europe-west4", customerManagedEncryption: { kmsKeyName } }] },
    });
    await push.pushSecret(request("app-automatic", v1, { metadata: metadata({ replicationLocation: "us-east1", replicationLocations: [] }) }));
    assert.deepEqual((await peerSecret("app-automatic"))?.replication, { userManaged: { replicas: [{ location: "us-east1" }] } });
    await push.pushSecret(request("app-default", v1));
    assert.deepEqual((await peerSecret("app-default"))?.replication, { automatic: {} });
  });

  it("rejects invalid metadata, and metadata with a property, before any request", async () => {
    const cases = [
      { metadata: { apiVersion: "v1", kind: "PushSecretMetadata", spec: {} } },
      { metadata: metadata({ labelz: { a: "b" } }) },
      { metadata: metadata({ mergePolicy: "Sometimes" }) },
      { metadata: metadata({ labels: { a: "b" } }), property: "p" },
    ];
    for (const extra of cases) {
      const { writes, err } = await rejected(() => push.pushSecret(request("app-bad-metadata", v1, extra)), ConfigError);
      assert.deepEqual(writes, []);
      assert.doesNotMatch(err.message, new RegExp(v1));
    }
    assert.equal(await peerSecret("app-bad-metadata"), undefined);
  });

  it("a denied write is PermissionDeniedError naming the call, and nothing is written", async () => {
    denyWrites = true;
    try {
      const { err } = await rejected(() => push.pushSecret(request("app-denied", denied)), PermissionDeniedError);
      assert.match(err.message, /CreateSecret on secret app-denied: permission denied/);
      const update = await rejected(() => push.pushSecret(request("app-token", denied)), PermissionDeniedError);
      assert.match(update.err.message, /AddSecretVersion on secret app-token: permission denied/);
      await rejected(() => push.deleteSecret({ remoteKey: "app-token" }), PermissionDeniedError);
    } finally {
      denyWrites = false;
    }
    assert.equal(await peerSecret("app-denied"), undefined);
    assert.equal(await peerLatest("app-token"), v2);
  });

  it("a property pushed into a value that is not a JSON object fails without showing the value", async () => {
    const { err, writes } = await rejected(() => push.pushSecret(request("app-token", v1, { property: "p" })), Error);
    assert.match(err.message, /secret app-token is not a JSON object/);
    assert.deepEqual(writes, []);
  });

  it("no value in any error message or operator log, and no traffic beyond loopback", async () => {
    const logs = op.logs();
    for (const value of values) {
      for (const form of leakForms(value)) {
        for (const message of errors) assert.ok(!message.includes(form), `an error message shows a pushed value: ${message}`);
        assert.ok(!logs.includes(form), "the operator log shows a pushed value");
      }
    }
    assert.ok(errors.length >= 10);
    assert.deepEqual(nonLoopbackTraffic(), []);
  });
});
