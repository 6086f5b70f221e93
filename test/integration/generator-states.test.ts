// Issue 18, GeneratorState on the bench's real OpenBao: each VaultDynamicSecret run is recorded as a signed
// GeneratorState; a newer run retires the older one, and after the grace period (1s here) the credential it names is
// revoked at OpenBao (a token by its accessor, a PKI certificate's lease), seen in OpenBao's audit log and by asking
// OpenBao. A failed sync revokes what it made at once; a deleted ExternalSecret's last credential is revoked too.
// Hostile tenant: a forged or edited GeneratorState naming another tenant's token is released without cleanup
// (Warning), and that token stays valid. No generated value in logs, Events or status.
import { after, before, describe, it } from "node:test";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import assert from "node:assert/strict";
import { GENERATOR_GROUP, GENERATOR_VERSION } from "../../src/api/generators.ts";
import { GENERATOR_STATE_FINALIZER, OWNER_KEY_LABEL, SIGNATURE_ANNOTATION, type GeneratorState } from "../../src/api/generator-state.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, auditRequests, bao, baoApi, unique, vaultServer, writePolicy } from "../helpers/openbao.ts";
import { rememberForSweep } from "../helpers/planted.ts";
import { pushApi } from "../helpers/push.ts";

const API_VERSION = `${GENERATOR_GROUP}/${GENERATOR_VERSION}`;
const revokedAccessors = () => auditRequests((path) => path === "auth/token/revoke-accessor");
const revokedLeases = () => auditRequests((path) => path === "sys/leases/revoke");

describe("GeneratorState: replaced Vault credentials are revoked (OpenBao)", () => {
  let ns: string;
  let victim: string;
  let op: TestOperator;
  const k = kube();
  const ps = pushApi();
  const pki = unique("pki-gs");
  const clusterGenerator = unique("gs-token");
  const generated: string[] = [];

  const tokenAuth = { tokenSecretRef: { name: "vault-token", key: "token" } };
  const tokenSpec = { path: "auth/token/create", method: "POST", parameters: { policies: ["default"], ttl: "30m" }, resultType: "Auth", provider: { ...vaultServer(), auth: tokenAuth } };
  const createVds = (namespace: string, name: string, spec: unknown) =>
    k.custom.createNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace, plural: "vaultdynamicsecrets", body: { apiVersion: API_VERSION, kind: "VaultDynamicSecret", metadata: { name }, spec } });
  const fromGenerators = (...refs: Array<[string, string]>) => ({
    refreshInterval: "1h",
    dataFrom: refs.map(([kind, name]) => ({ sourceRef: { generatorRef: { apiVersion: API_VERSION, kind, name } } })),
  });
  const states = async (namespace: string): Promise<GeneratorState[]> =>
    ((await k.custom.listNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace, plural: "generatorstates" })) as { items: GeneratorState[] }).items;
  /** The one state owned by `uid` (other than `not`), once the apiserver holds exactly one. */
  const onlyStateOf = async (namespace: string, uid: string | undefined, not?: string): Promise<GeneratorState> => {
    const [state] = await waitFor(`one GeneratorState owned by ${uid}`, async () => {
      const list = (await states(namespace)).filter((s) => s.metadata.ownerReferences?.[0]?.uid === uid);
      return list.length === 1 && list[0]!.metadata.name !== not ? list : undefined;
    });
    return state!;
  };
  const data = async (namespace: string, name: string) => {
    const values = decoded(await k.secret(namespace, name));
    for (const key of ["client_token", "private_key", "certificate"]) {
      if (values[key]) {
        rememberForSweep(values[key]);
        generated.push(values[key]);
      }
    }
    return values;
  };
  const tokenValid = async (token: string): Promise<boolean> => {
    try {
      await baoApi(bao(), "POST", "auth/token/lookup", { token });
      return true;
    } catch {
      return false;
    }
  };
  const forceSync = (namespace: string, name: string) => k.patch("ExternalSecret", namespace, name, { metadata: { annotations: { "force-sync": `${Date.now()}` } } });
  const newValue = (namespace: string, name: string, key: string, old: string) =>
    waitFor(`a new ${key} in ${name}`, async () => {
      const values = await data(namespace, name);
      return values[key] && values[key] !== old ? values : undefined;
    });

  before(async () => {
    ns = await freshNamespace("gen-state");
    victim = await freshNamespace("gen-state-victim");
    const b = bao();
    await baoApi(b, "POST", `sys/mounts/${pki}`, { type: "pki", config: { max_lease_ttl: "24h" } });
    await baoApi(b, "POST", `${pki}/root/generate/internal`, { common_name: "bench root", ttl: "24h" });
    await baoApi(b, "POST", `${pki}/roles/leased`, { allowed_domains: ["example.test"], allow_subdomains: true, max_ttl: "1h", generate_lease: true });
    await writePolicy(
      b,
      pki,
      [`path "${pki}/issue/leased" { capabilities = ["update"] }`, `path "auth/token/create" { capabilities = ["update"] }`, `path "auth/token/revoke-accessor" { capabilities = ["update"] }`, `path "sys/leases/revoke" { capabilities = ["update"] }`, `path "${pki}/roles/denied" { capabilities = ["deny"] }`].join("\n"),
    );
    const created = await baoApi(b, "POST", "auth/token/create", { policies: [pki], ttl: "1h", no_parent: true });
    const token = (created["auth"] as { client_token: string }).client_token;
    rememberForSweep(token);
    generated.push(token);
    for (const namespace of [ns, victim]) await k.core.createNamespacedSecret({ namespace, body: { metadata: { name: "vault-token" }, stringData: { token } } });
    await k.custom.createClusterCustomObject({
      group: GENERATOR_GROUP,
      version: GENERATOR_VERSION,
      plural: "clustergenerators",
      body: { apiVersion: API_VERSION, kind: "ClusterGenerator", metadata: { name: clusterGenerator }, spec: { kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: tokenSpec } } },
    });
    op = await startTestOperator(`${ns},${victim}`, { generatorStates: { gracePeriodMs: 1000 } });
  });
  after(async () => {
    await op?.stop();
    await k.custom.deleteClusterCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural: "clustergenerators", name: clusterGenerator }).catch(() => undefined);
  });

  it("a token made by auth/token/create is recorded, signed, and revoked by its accessor once a newer one replaced it", async () => {
    await createVds(ns, "token", tokenSpec);
    await k.create("ExternalSecret", ns, "token", fromGenerators(["VaultDynamicSecret", "token"]));
    await waitForReady(k, ns, "token", "True", "SecretSynced");
    const first = await data(ns, "token");
    const es = await k.es(ns, "token");
    const state = await onlyStateOf(ns, es.metadata.uid);
    assert.deepEqual(state.spec.state, { accessor: first.accessor }, "the accessor, not the token");
    assert.equal(state.spec.resource.kind, "VaultDynamicSecret");
    assert.deepEqual(state.metadata.finalizers, [GENERATOR_STATE_FINALIZER]);
    assert.match(state.metadata.labels?.[OWNER_KEY_LABEL] ?? "", /^[0-9a-f]{56}$/);
    assert.match(state.metadata.annotations?.[SIGNATURE_ANNOTATION] ?? "", /^v1:[0-9a-f]{16}:[0-9a-f]{64}$/);
    assert.equal(state.spec.garbageCollectionDeadline, undefined);
    assert.ok(await tokenValid(first.client_token!));

    const revokedBefore = revokedAccessors();
    await forceSync(ns, "token");
    const second = await newValue(ns, "token", "client_token", first.client_token!);
    await waitFor("the replaced token revoked", async () => ((await tokenValid(first.client_token!)) ? undefined : true));
    assert.ok(revokedAccessors() > revokedBefore, "OpenBao saw auth/token/revoke-accessor");
    assert.ok(await tokenValid(second.client_token!), "the current token stays valid");
    const left = await onlyStateOf(ns, es.metadata.uid, state.metadata.name);
    assert.deepEqual(left.spec.state, { accessor: second.accessor });
  });

  it("a PKI certificate with generate_lease: the replaced certificate's lease is revoked (sys/leases/revoke)", async () => {
    await createVds(ns, "cert", { path: `${pki}/issue/leased`, method: "POST", parameters: { common_name: "web.example.test", ttl: "10m" }, provider: { ...vaultServer(), auth: tokenAuth } });
    await k.create("ExternalSecret", ns, "cert", fromGenerators(["VaultDynamicSecret", "cert"]));
    await waitForReady(k, ns, "cert", "True", "SecretSynced");
    const first = await data(ns, "cert");
    const es = await k.es(ns, "cert");
    const state = await onlyStateOf(ns, es.metadata.uid);
    const leaseId = (state.spec.state as { leaseId?: string }).leaseId!;
    assert.match(leaseId, new RegExp(`^${pki}/issue/leased/`));
    await baoApi(bao(), "POST", "sys/leases/lookup", { lease_id: leaseId });

    const revokedBefore = revokedLeases();
    await forceSync(ns, "cert");
    await newValue(ns, "cert", "serial_number", first.serial_number!);
    await waitFor("the replaced lease revoked", async () => {
      try {
        await baoApi(bao(), "POST", "sys/leases/lookup", { lease_id: leaseId });
        return undefined;
      } catch {
        return true;
      }
    });
    assert.ok(revokedLeases() > revokedBefore, "OpenBao saw sys/leases/revoke");
    const cert = await baoApi(bao(), "GET", `${pki}/cert/${first.serial_number}`);
    assert.ok(Number((cert["data"] as { revocation_time?: number }).revocation_time) > 0, "the replaced certificate is revoked");
  });

  it("a failed sync revokes what it generated at once and writes no Secret", async () => {
    await createVds(ns, "denied", { path: `${pki}/roles/denied`, provider: { ...vaultServer(), auth: tokenAuth } });
    const revokedBefore = revokedAccessors();
    await k.create("ExternalSecret", ns, "half", fromGenerators(["VaultDynamicSecret", "token"], ["VaultDynamicSecret", "denied"]));
    await waitForReady(k, ns, "half", "False");
    await waitFor("the token of dataFrom[0] revoked", async () => (revokedAccessors() > revokedBefore ? true : undefined));
    assert.equal(await k.secret(ns, "half"), undefined);
    const es = await k.es(ns, "half");
    const kept = (await states(ns)).filter((s) => s.metadata.ownerReferences?.[0]?.uid === es.metadata.uid && !s.spec.garbageCollectionDeadline);
    assert.deepEqual(kept, [], "nothing recorded as current for a failed sync");
  });

  it("deleting the ExternalSecret revokes its last credential", async () => {
    const current = await data(ns, "token");
    assert.ok(await tokenValid(current.client_token!));
    await k.delete("ExternalSecret", ns, "token");
    await waitFor("the last token revoked", async () => ((await tokenValid(current.client_token!)) ? undefined : true), 60_000);
    await waitFor("its states gone", async () => ((await states(ns)).some((s) => s.metadata.ownerReferences?.[0]?.name === "token") ? undefined : true), 60_000);
  });

  it("hostile tenant: a forged or edited GeneratorState naming another tenant's token is released without cleanup; that token stays valid", async () => {
    // The victim's ExternalSecret runs the platform's ClusterGenerator.
    await k.create("ExternalSecret", victim, "token", fromGenerators(["ClusterGenerator", clusterGenerator]));
    await waitForReady(k, victim, "token", "True", "SecretSynced");
    const target = await data(victim, "token");
    // An ordinary tenant next to it, using the same ClusterGenerator.
    await k.create("ExternalSecret", ns, "own", fromGenerators(["ClusterGenerator", clusterGenerator]));
    await waitForReady(k, ns, "own", "True", "SecretSynced");
    const own = await data(ns, "own");
    const ownEs = await k.es(ns, "own");
    const signed = await onlyStateOf(ns, ownEs.metadata.uid);
    const resource = signed.spec.resource;

    // 1. Forged: no signature, the victim's accessor, the platform's ClusterGenerator.
    await k.custom.createNamespacedCustomObject({
      group: GENERATOR_GROUP,
      version: GENERATOR_VERSION,
      namespace: ns,
      plural: "generatorstates",
      body: { apiVersion: API_VERSION, kind: "GeneratorState", metadata: { name: "forged", finalizers: [GENERATOR_STATE_FINALIZER] }, spec: { resource, state: { accessor: target.accessor } } },
    });
    // 2. Edited: the tenant's own signed state, its accessor swapped for the victim's.
    await k.custom.patchNamespacedCustomObject(
      { group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural: "generatorstates", name: signed.metadata.name, body: [{ op: "replace", path: "/spec/state", value: { accessor: target.accessor } }] },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    );
    const revokedBefore = revokedAccessors();
    for (const name of ["forged", signed.metadata.name]) await k.custom.deleteNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural: "generatorstates", name });
    await waitFor("both released", async () => ((await states(ns)).some((s) => s.metadata.name === "forged" || s.metadata.name === signed.metadata.name) ? undefined : true));
    assert.equal(revokedAccessors(), revokedBefore, "nothing was revoked");
    assert.ok(await tokenValid(target.client_token!), "the victim's token is valid");
    assert.ok(await tokenValid(own.client_token!), "the tenant's own token too: its edited state was not trusted");
    const events = await k.events(ns);
    assert.equal((events.match(/NotCleanedUp/g) ?? []).length, 2, events);
    // The ordinary tenant keeps working: its next run is recorded and signed again.
    await forceSync(ns, "own");
    await newValue(ns, "own", "client_token", own.client_token!);
    await waitForReady(k, ns, "own", "True", "SecretSynced");
  });

  it("a PushSecret's generatorRef: the token it pushed is revoked once a newer push replaced it", async () => {
    const accessorValid = async (accessor: string) => {
      try {
        await baoApi(bao(), "POST", "auth/token/lookup-accessor", { accessor });
        return true;
      } catch {
        return false;
      }
    };
    await k.create("SecretStore", ns, "pushed", { provider: { fake: { data: [] } } });
    await ps.create(ns, "pushed-token", { refreshInterval: "1h", secretStoreRefs: [{ name: "pushed" }], selector: { generatorRef: { apiVersion: API_VERSION, kind: "VaultDynamicSecret", name: "token" } }, data: [{ match: { secretKey: "client_token", remoteRef: { remoteKey: "pushed/token" } } }] });
    await ps.waitReady(ns, "pushed-token", "True", "Synced");
    const push = (await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: ns, plural: "pushsecrets", name: "pushed-token" })) as { metadata: { uid: string } };
    const first = await onlyStateOf(ns, push.metadata.uid);
    assert.equal(first.metadata.ownerReferences?.[0]?.kind, "PushSecret");
    const firstAccessor = (first.spec.state as { accessor: string }).accessor;
    assert.ok(await accessorValid(firstAccessor));
    // A spec change pushes a new token.
    await ps.patch(ns, "pushed-token", { spec: { refreshInterval: "2h" } });
    await waitFor("the first pushed token revoked", async () => ((await accessorValid(firstAccessor)) ? undefined : true));
    const latest = await onlyStateOf(ns, push.metadata.uid, first.metadata.name);
    assert.ok(await accessorValid((latest.spec.state as { accessor: string }).accessor), "the pushed token stays valid");
  });

  it("no generated value in logs, Events or status", async () => {
    assert.ok(generated.length >= 6);
    await assertNoLeaks(op, ns, generated);
    await assertNoLeaks(op, victim, generated);
    const stateText = JSON.stringify([...(await states(ns)), ...(await states(victim))]);
    for (const value of generated) assert.ok(!stateText.includes(value), "a generated value appears in a GeneratorState");
  });
});

