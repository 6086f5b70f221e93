// PushSecret's Vault write half against the real OpenBao, through the operator's own store session (budget and
// answer-watch wrappers included): create, update, zero writes at rest (counted in OpenBao's audit log), property
// merge and removal, whole-Secret pushes, ESO's ownership mark (a foreign secret is neither written nor deleted),
// secretExists, the PushSecretMetadata wrapper, check-and-set on a cas_required mount and a lost CAS, KV v1, a
// read-only policy, and no pushed value in any error message.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, auditRequests, bao, baoApi, mountKv, openbaoState, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import type { AuditRequest } from "../helpers/openbao.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import type { SecretStore } from "../../src/api/secret-store.ts";
import { ConfigError, NotOwnedError, PermissionDeniedError, ProviderError, WriteConflictError } from "../../src/provider/errors.ts";
import type { PushClient, PushRequest } from "../../src/provider/types.ts";
import { VaultHttp } from "../../providers/vault/http.ts";
import { readFileSync } from "node:fs";

const bytes = (text: string) => new TextEncoder().encode(text);
const WRITES = new Set(["create", "update", "delete"]);
const META = { apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata" };

describe("vault provider: PushSecret against OpenBao", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const kv2 = unique("push-kv2");
  const kv1 = unique("push-kv1");
  const kvCas = unique("push-cas");
  const pw1 = planted("pw");
  const pw2 = planted("pw");
  const user = planted("user");
  const foreignValue = planted("foreign");
  const deniedValue = planted("denied");
  const notJson = planted("notjson");
  const v1pw = planted("v1");
  const casPw = planted("cas");
  const all = [pw1, pw2, user, foreignValue, deniedValue, notJson, v1pw, casPw];

  /** Requests OpenBao recorded under a mount, split into writes (create/update/delete) and reads. */
  const atPeer = (mount: string, kind: "writes" | "reads") =>
    auditRequests((path, entry: AuditRequest) => {
      if (!path.startsWith(`${mount}/`)) return false;
      const writing = WRITES.has(entry.request?.operation ?? "");
      return kind === "writes" ? writing : !writing;
    });
  /** Runs `fn` and returns what it did and how many writes and reads OpenBao saw under `mount` meanwhile. */
  const counted = async <T>(mount: string, fn: () => Promise<T>): Promise<{ result: T; writes: number; reads: number }> => {
    const [w0, r0] = [atPeer(mount, "writes"), atPeer(mount, "reads")];
    const result = await fn();
    return { result, writes: atPeer(mount, "writes") - w0, reads: atPeer(mount, "reads") - r0 };
  };
  const rejection = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (err) {
      return err as Error;
    }
    assert.fail("expected a rejection");
  };
  const assertNoValueIn = (message: string, values: string[] = all) => {
    for (const value of values) for (const form of leakForms(value)) assert.ok(!message.includes(form), `a pushed value appears in: ${message}`);
  };

  const sessions: Record<string, PushClient> = {};
  const storeReady = (name: string) =>
    waitFor(`SecretStore ${name} Ready`, async () => {
      const obj = (await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name })) as SecretStore;
      return ready(obj as never)?.status === "True" ? obj : undefined;
    });
  const push = (store: string) => sessions[store]!;
  const entry = (remoteKey: string, secretKey: string, data: Record<string, string>, extra: Partial<PushRequest> & { property?: string } = {}): PushRequest => {
    const { property, ...rest } = extra;
    return { remoteRef: { remoteKey, property }, secretKey, data: Object.fromEntries(Object.entries(data).map(([key, v]) => [key, bytes(v)])), ...rest };
  };
  const peerDoc = async (mount: string, key: string, v1 = false) => {
    const body = await baoApi(bao(), "GET", v1 ? `${mount}/${key}` : `${mount}/data/${key}`);
    const data = body["data"] as Record<string, unknown>;
    return v1 ? data : (data["data"] as Record<string, unknown>);
  };
  const peerMissing = async (path: string) => {
    const err = await rejection(baoApi(bao(), "GET", path));
    assert.match(err.message, /HTTP 404/);
  };

  before(async () => {
    ns = await freshNamespace("push-vault");
    const b = bao();
    await mountKv(b, kv2, "2");
    await mountKv(b, kv1, "1");
    await mountKv(b, kvCas, "2");
    // Every write on this mount must carry options.cas: a store without checkAndSet cannot write here.
    await waitFor("cas_required on the new mount", async () => (await baoApi(b, "POST", `${kvCas}/config`, { cas_required: true }).then(() => true, () => undefined)));
    await writeKv(b, kv2, "foreign", { value: foreignValue });
    await writeKv(b, kv1, "foreign", { value: foreignValue }, { v1: true });
    const rw = [kv2, kv1, kvCas].map((m) => `path "${m}/*" { capabilities = ["create", "read", "update", "delete", "list"] }`).join("\n");
    await writePolicy(b, `${kv2}-rw`, rw);
    await writePolicy(b, `${kv2}-ro`, `path "${kv2}/*" { capabilities = ["read", "list"] }`);
    const token = async (policy: string) => ((await baoApi(b, "POST", "auth/token/create", { policies: [policy], ttl: "1h" }))["auth"] as { client_token: string }).client_token;
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "vault-rw" }, stringData: { token: await token(`${kv2}-rw`) } } });
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "vault-ro" }, stringData: { token: await token(`${kv2}-ro`) } } });
    op = await startTestOperator(ns);
    const rwAuth = { tokenSecretRef: { name: "vault-rw", key: "token" } };
    const stores: Record<string, unknown> = {
      kv2: { path: kv2, version: "v2", auth: rwAuth },
      kv1: { path: kv1, version: "v1", auth: rwAuth },
      cas: { path: kvCas, version: "v2", checkAndSet: { required: true }, auth: rwAuth },
      "cas-off": { path: kvCas, version: "v2", auth: rwAuth },
      ro: { path: kv2, version: "v2", auth: { tokenSecretRef: { name: "vault-ro", key: "token" } } },
    };
    for (const [name, spec] of Object.entries(stores)) {
      await k.create("SecretStore", ns, name, { provider: { vault: { ...vaultServer(), ...(spec as object) } } });
      const session = await op.operator.sessions.get(await storeReady(name), ns);
      assert.ok(session.push, `store ${name} has a write half`);
      sessions[name] = session.push;
    }
  });
  after(async () => {
    await op?.stop();
  });

  it("creates, updates, and writes nothing when OpenBao already holds the value", async () => {
    const created = await counted(kv2, () => push("kv2").pushSecret(entry("app/db", "password", { password: pw1 }, { property: "password" })));
    assert.equal(created.result, "created");
    // The ownership mark (metadata), then the data.
    assert.equal(created.writes, 2);
    assert.deepEqual(await peerDoc(kv2, "app/db"), { password: pw1 });
    const meta = (await baoApi(bao(), "GET", `${kv2}/metadata/app/db`))["data"] as { custom_metadata: unknown; current_version: number };
    assert.deepEqual(meta.custom_metadata, { "managed-by": "external-secrets" });

    const again = await counted(kv2, () => push("kv2").pushSecret(entry("app/db", "password", { password: pw1 }, { property: "password" })));
    assert.equal(again.result, "unchanged");
    assert.equal(again.writes, 0, "an identical push writes nothing");
    assert.ok(again.reads >= 1);
    process.stderr.write(`# vault push at rest: ${again.writes} writes, ${again.reads} reads\n`);

    const updated = await counted(kv2, () => push("kv2").pushSecret(entry("app/db", "password", { password: pw2 }, { property: "password" })));
    assert.equal(updated.result, "updated");
    assert.equal(updated.writes, 1, "an update writes the data only: the mark is there already");
    assert.deepEqual(await peerDoc(kv2, "app/db"), { password: pw2 });
  });

  it("merges a property into the document, keeps the others, and removes one property then the last", async () => {
    assert.equal(await push("kv2").pushSecret(entry("app/db", "user", { user }, { property: "user" })), "updated");
    assert.deepEqual(await peerDoc(kv2, "app/db"), { password: pw2, user });

    const gone = await counted(kv2, () => push("kv2").deleteSecret({ remoteKey: "app/db", property: "user" }));
    assert.equal(gone.result, "deleted");
    assert.equal(gone.writes, 1, "the rest is written back");
    assert.deepEqual(await peerDoc(kv2, "app/db"), { password: pw2 });

    const missing = await counted(kv2, () => push("kv2").deleteSecret({ remoteKey: "app/db", property: "user" }));
    assert.equal(missing.result, "absent");
    assert.equal(missing.writes, 0);

    const last = await counted(kv2, () => push("kv2").deleteSecret({ remoteKey: "app/db", property: "password" }));
    assert.equal(last.result, "deleted");
    assert.equal(last.writes, 2, "the last property takes the secret: data, then metadata");
    await peerMissing(`${kv2}/metadata/app/db`);
    assert.equal(await push("kv2").deleteSecret({ remoteKey: "app/db" }), "absent");
  });

  it("pushes the whole Secret as one JSON object and a JSON value as a document; key order does not count as a change", async () => {
    const whole = await push("kv2").pushSecret(entry("whole", "", { b: pw1, a: user }));
    assert.equal(whole, "created");
    assert.deepEqual(await peerDoc(kv2, "whole"), { a: user, b: pw1 });
    const again = await counted(kv2, () => push("kv2").pushSecret(entry("whole", "", { a: user, b: pw1 })));
    assert.deepEqual([again.result, again.writes], ["unchanged", 0]);

    assert.equal(await push("kv2").pushSecret(entry("doc", "config", { config: `{"b":"${pw1}","a":{"n":1}}` })), "created");
    const reordered = await counted(kv2, () => push("kv2").pushSecret(entry("doc", "config", { config: `{ "a": {"n": 1}, "b": "${pw1}" }` })));
    assert.deepEqual([reordered.result, reordered.writes], ["unchanged", 0]);
    assert.deepEqual(await peerDoc(kv2, "doc"), { a: { n: 1 }, b: pw1 });

    const bad = await counted(kv2, () => rejection(push("kv2").pushSecret(entry("plain", "config", { config: notJson }))));
    assert.ok(bad.result instanceof ConfigError, String(bad.result));
    assert.match(bad.result.message, /not a JSON object/);
    assertNoValueIn(bad.result.message);
    assert.equal(bad.writes, 0);
  });

  it("refuses to write or delete a secret without ESO's mark, and says so without its value", async () => {
    const refused = await counted(kv2, () => rejection(push("kv2").pushSecret(entry("foreign", "value", { value: pw1 }, { property: "value" }))));
    assert.ok(refused.result instanceof NotOwnedError, String(refused.result));
    assert.match(refused.result.message, /vault key foreign/);
    assertNoValueIn(refused.result.message);
    assert.equal(refused.writes, 0, "nothing written to a foreign secret");
    const whole = await counted(kv2, () => rejection(push("kv2").pushSecret(entry("foreign", "", { value: pw1 }))));
    assert.ok(whole.result instanceof NotOwnedError);
    assert.equal(whole.writes, 0);

    const kept = await counted(kv2, () => push("kv2").deleteSecret({ remoteKey: "foreign" }));
    assert.deepEqual([kept.result, kept.writes], ["not-owned", 0]);
    assert.equal(await push("kv2").deleteSecret({ remoteKey: "foreign", property: "value" }), "not-owned");
    assert.deepEqual(await peerDoc(kv2, "foreign"), { value: foreignValue });
    assert.equal(await push("kv2").deleteSecret({ remoteKey: "never-there" }), "absent");
  });

  it("secretExists: the key, and a property of it", async () => {
    await push("kv2").pushSecret(entry("exists", "", { a: user }));
    assert.equal(await push("kv2").secretExists({ remoteKey: "exists" }), true);
    assert.equal(await push("kv2").secretExists({ remoteKey: "exists", property: "a" }), true);
    assert.equal(await push("kv2").secretExists({ remoteKey: "exists", property: "b" }), false);
    assert.equal(await push("kv2").secretExists({ remoteKey: "nope" }), false);
    assert.equal(await push("kv2").secretExists({ remoteKey: "foreign" }), true, "exists whoever owns it");
  });

  it("metadata: the PushSecretMetadata wrapper is checked; another provider's spec passes, a wrong wrapper is a ConfigError before any request", async () => {
    const awsSpec = { ...META, spec: { secretPushFormat: "string", tags: { team: "a" } } };
    assert.equal(await push("kv2").pushSecret(entry("with-meta", "v", { v: user }, { property: "v", metadata: awsSpec })), "created");
    for (const metadata of [{ apiVersion: "v1", kind: "PushSecretMetadata" }, { ...META, kind: "Other" }, { ...META, extra: 1 }, "text", { ...META, spec: [1] }]) {
      const bad = await counted(kv2, () => rejection(push("kv2").pushSecret(entry("meta-bad", "v", { v: user }, { property: "v", metadata }))));
      assert.ok(bad.result instanceof ConfigError, `${JSON.stringify(metadata)}: ${String(bad.result)}`);
      assert.match(bad.result.message, /PushSecretMetadata/);
      assert.deepEqual([bad.writes, bad.reads], [0, 0]);
    }
  });

  it("a property holding a non-string is not replaced (as ESO)", async () => {
    await writeKv(bao(), kv2, "typed", { n: 5 });
    await baoApi(bao(), "POST", `${kv2}/metadata/typed`, { custom_metadata: { "managed-by": "external-secrets" } });
    const err = await rejection(push("kv2").pushSecret(entry("typed", "v", { v: user }, { property: "n" })));
    assert.ok(err instanceof ProviderError && err.reason === "InvalidRemoteData", String(err));
    assert.deepEqual(await peerDoc(kv2, "typed"), { n: 5 });
  });

  it("checkAndSet.required: writes carry options.cas, which a cas_required mount demands", async () => {
    const noCas = await rejection(push("cas-off").pushSecret(entry("c", "v", { v: casPw }, { property: "v" })));
    assert.ok(noCas instanceof ConfigError, String(noCas));
    assert.match(noCas.message, /check-and-set/);
    await baoApi(bao(), "DELETE", `${kvCas}/metadata/c`);
    assert.equal(await push("cas").pushSecret(entry("c", "v", { v: casPw }, { property: "v" })), "created");
    assert.equal(await push("cas").pushSecret(entry("c", "w", { w: user }, { property: "w" })), "updated");
    assert.equal(await push("cas").pushSecret(entry("c", "w", { w: user }, { property: "w" })), "unchanged");
    assert.equal(await push("cas").deleteSecret({ remoteKey: "c", property: "w" }), "deleted", "the rewrite of the rest carries cas too");
    assert.deepEqual(await peerDoc(kvCas, "c"), { v: casPw });
    const meta = (await baoApi(bao(), "GET", `${kvCas}/metadata/c`))["data"] as { current_version: number };
    assert.equal(meta.current_version, 3);
  });

  it("a write that loses its check-and-set is a WriteConflictError (OpenBao's own answer, through the provider's transport)", async () => {
    const state = openbaoState();
    const http = new VaultHttp({ server: state.addr, tls: { ca: readFileSync(state.caPemPath, "utf8") }, headers: {}, readYourWrites: false });
    try {
      const stale = http.expectOk({ method: "POST", path: `${kvCas}/data/c`, op: "write", call: "WriteSecret", token: bao().rootToken, body: { data: { v: casPw }, options: { cas: 1 } }, withheld: [casPw] });
      const err = await rejection(stale);
      assert.ok(err instanceof WriteConflictError, String(err));
      assertNoValueIn(err.message);
    } finally {
      http.close();
    }
    // Racing sessions (two stores, one mount): whatever interleaving the server sees, a loser is a conflict, never a lost write.
    await k.create("SecretStore", ns, "cas-2", { provider: { vault: { ...vaultServer(), path: kvCas, version: "v2", checkAndSet: { required: true }, auth: { tokenSecretRef: { name: "vault-rw", key: "token" } } } } });
    const other = (await op.operator.sessions.get(await storeReady("cas-2"), ns)).push!;
    const outcomes = await Promise.allSettled([push("cas"), other, push("cas"), other].map((client, i) => client.pushSecret(entry("race", `k${i}`, { [`k${i}`]: user }, { property: `k${i}` }))));
    for (const outcome of outcomes) if (outcome.status === "rejected") assert.ok(outcome.reason instanceof WriteConflictError, String(outcome.reason));
    const won = outcomes.filter((o) => o.status === "fulfilled").length;
    const doc = await peerDoc(kvCas, "race");
    process.stderr.write(`# cas race: ${won} of 4 pushes won, ${4 - won} conflicts\n`);
    // Each winner wrote on top of the version it read, so no winner's property was lost.
    assert.equal(Object.keys(doc).length, won);
  });

  it("KV v1: the mark is a custom_metadata key in the data, left out of the comparison", async () => {
    const created = await counted(kv1, () => push("kv1").pushSecret(entry("legacy", "password", { password: v1pw }, { property: "password" })));
    assert.deepEqual([created.result, created.writes], ["created", 1]);
    assert.deepEqual(await peerDoc(kv1, "legacy", true), { password: v1pw, custom_metadata: { "managed-by": "external-secrets" } });
    const again = await counted(kv1, () => push("kv1").pushSecret(entry("legacy", "password", { password: v1pw }, { property: "password" })));
    assert.deepEqual([again.result, again.writes], ["unchanged", 0]);
    assert.equal(await push("kv1").pushSecret(entry("legacy", "user", { user }, { property: "user" })), "updated");
    assert.deepEqual(await peerDoc(kv1, "legacy", true), { password: v1pw, user, custom_metadata: { "managed-by": "external-secrets" } });

    assert.equal(await push("kv1").pushSecret(entry("whole", "", { a: user })), "created");
    const whole = await counted(kv1, () => push("kv1").pushSecret(entry("whole", "", { a: user })));
    assert.deepEqual([whole.result, whole.writes], ["unchanged", 0]);
    assert.ok((await rejection(push("kv1").pushSecret(entry("legacy", "x", { x: user }, { property: "custom_metadata" })))) instanceof ConfigError);

    const foreign = await counted(kv1, () => rejection(push("kv1").pushSecret(entry("foreign", "", { value: pw1 }))));
    assert.ok(foreign.result instanceof NotOwnedError);
    assert.equal(foreign.writes, 0);
    assert.equal(await push("kv1").deleteSecret({ remoteKey: "foreign" }), "not-owned");
    assert.deepEqual(await peerDoc(kv1, "foreign", true), { value: foreignValue });

    assert.equal(await push("kv1").deleteSecret({ remoteKey: "legacy", property: "user" }), "deleted");
    assert.deepEqual(await peerDoc(kv1, "legacy", true), { password: v1pw, custom_metadata: { "managed-by": "external-secrets" } });
    assert.equal(await push("kv1").deleteSecret({ remoteKey: "legacy", property: "password" }), "deleted");
    await peerMissing(`${kv1}/legacy`);
    assert.equal(await push("kv1").deleteSecret({ remoteKey: "legacy" }), "absent");
    assert.equal(await push("kv1").secretExists({ remoteKey: "whole", property: "a" }), true);
    assert.equal(await push("kv1").secretExists({ remoteKey: "legacy" }), false);
  });

  it("a policy that reads but cannot write: PermissionDeniedError, nothing written, no value in the message", async () => {
    const denied = await counted(kv2, () => rejection(push("ro").pushSecret(entry("ro-new", "v", { v: deniedValue }, { property: "v" }))));
    assert.ok(denied.result instanceof PermissionDeniedError, String(denied.result));
    assertNoValueIn(denied.result.message);
    await peerMissing(`${kv2}/metadata/ro-new`);
    // An owned secret the read-only policy can read: the compare passes, the write is refused.
    await push("kv2").pushSecret(entry("ro-owned", "v", { v: user }, { property: "v" }));
    const update = await rejection(push("ro").pushSecret(entry("ro-owned", "v", { v: deniedValue }, { property: "v" })));
    assert.ok(update instanceof PermissionDeniedError, String(update));
    assertNoValueIn(update.message);
    assert.equal(await push("ro").pushSecret(entry("ro-owned", "v", { v: user }, { property: "v" })), "unchanged", "at rest a read-only policy is enough");
    assert.ok((await rejection(push("ro").deleteSecret({ remoteKey: "ro-owned" }))) instanceof PermissionDeniedError);
    assert.deepEqual(await peerDoc(kv2, "ro-owned"), { v: user });
  });

  it("no pushed value reached the operator's logs, Events or statuses", async () => {
    await assertNoLeaks(op, ns, all);
  });
});
