// From generatorRef to values: namespaced kinds in the ExternalSecret's namespace, ClusterGenerator's
// spec.generator.<kind>Spec, and every way it can fail (which must be retryable unless the ExternalSecret is wrong).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateFromRef, type ReadGenerator } from "../../../src/generators/index.ts";
import { GeneratorError } from "../../../src/generators/types.ts";
import { ConfigError } from "../../../src/provider/errors.ts";
import { ClusterGeneratorSpec, type GeneratorObject } from "../../../src/api/generators.ts";
import { fetchData } from "../../../src/reconcilers/external-secret/fetch.ts";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";

const objects: Record<string, GeneratorObject> = {
  "Fake/team-a/static": { metadata: { name: "static" }, spec: { data: { user: "app" } } },
  "Password/team-a/pw": { metadata: { name: "pw" }, spec: { length: 12, digits: 3, symbols: 0 } },
  "Password/team-a/bad": { metadata: { name: "bad" }, spec: { length: 5000 } },
  "ClusterGenerator/-/shared": { metadata: { name: "shared" }, spec: { kind: "Fake", generator: { fakeSpec: { data: { from: "cluster" } } } } },
  "ClusterGenerator/-/hollow": { metadata: { name: "hollow" }, spec: { kind: "Password", generator: { fakeSpec: {} } } },
  "ClusterGenerator/-/vault": { metadata: { name: "vault" }, spec: { kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: {} } } },
};
const read: ReadGenerator = async (kind, name, namespace) => objects[`${kind}/${namespace ?? "-"}/${name}`];
const text = (out: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Buffer.from(v).toString()]));

describe("generateFromRef", () => {
  it("a namespaced generator is read in the ExternalSecret's namespace", async () => {
    assert.deepEqual(text(await generateFromRef({ kind: "Fake", name: "static" }, "team-a", read)), { user: "app" });
    await assert.rejects(generateFromRef({ kind: "Fake", name: "static" }, "team-b", read), (err: Error) => err instanceof GeneratorError && err.reason === "GeneratorNotFound" && /Fake team-b\/static not found/.test(err.message));
  });

  it("a Password follows its object's spec", async () => {
    const pw = text(await generateFromRef({ apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password", name: "pw" }, "team-a", read)).password!;
    assert.equal(pw.length, 12);
    assert.equal(pw.replace(/[^0-9]/g, "").length, 3);
  });

  it("a ClusterGenerator runs the spec under its kind's key, from any namespace", async () => {
    assert.deepEqual(text(await generateFromRef({ kind: "ClusterGenerator", name: "shared" }, "anywhere", read)), { from: "cluster" });
  });

  const failures: Array<{ name: string; ref: Parameters<typeof generateFromRef>[0]; want: (err: unknown) => boolean }> = [
    { name: "a missing ClusterGenerator: retryable", ref: { kind: "ClusterGenerator", name: "nope" }, want: (e) => e instanceof GeneratorError && e.reason === "GeneratorNotFound" },
    { name: "a ClusterGenerator without its kind's spec: retryable", ref: { kind: "ClusterGenerator", name: "hollow" }, want: (e) => e instanceof GeneratorError && /spec.generator.passwordSpec is missing/.test((e as Error).message) },
    { name: "a ClusterGenerator of a kind not served yet: retryable (the ClusterGenerator may change)", ref: { kind: "ClusterGenerator", name: "vault" }, want: (e) => e instanceof GeneratorError && /VaultDynamicSecret is not supported/.test((e as Error).message) },
    { name: "a spec beyond our bounds: retryable, names the field", ref: { kind: "Password", name: "bad" }, want: (e) => e instanceof GeneratorError && /length: Too big/.test((e as Error).message) },
    { name: "a kind not served yet in the ExternalSecret: its spec error", ref: { kind: "ECRAuthorizationToken", name: "ecr" }, want: (e) => e instanceof ConfigError && /ECRAuthorizationToken is not supported by secrets-bridge yet/.test((e as Error).message) },
    { name: "another apiVersion: its spec error", ref: { apiVersion: "generators.external-secrets.io/v1", kind: "Fake", name: "static" }, want: (e) => e instanceof ConfigError && /apiVersion must be generators.external-secrets.io\/v1alpha1/.test((e as Error).message) },
  ];
  for (const c of failures) it(c.name, async () => assert.rejects(generateFromRef(c.ref, "team-a", read), c.want));
});

describe("ClusterGenerator schema (ESO's)", () => {
  it("wraps any of ESO's kinds but not another ClusterGenerator", () => {
    assert.equal(ClusterGeneratorSpec.safeParse({ kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: { path: "db/creds/app" } } }).success, true);
    assert.equal(ClusterGeneratorSpec.safeParse({ kind: "ClusterGenerator", generator: {} }).success, false);
    assert.equal(ClusterGeneratorSpec.safeParse({ kind: "Password" }).success, false, "generator is required");
  });
});

describe("fetchData with a generatorRef", () => {
  const es = (dataFrom: unknown[]): ExternalSecret => ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "es", namespace: "team-a" }, spec: { dataFrom } }) as unknown as ExternalSecret;
  const noStores = async () => assert.fail("no store is needed");

  it("generated keys are rewritten and never converted; data from two generators merges in order", async () => {
    const spec = es([
      { sourceRef: { generatorRef: { kind: "Fake", name: "static" } }, rewrite: [{ regexp: { source: "^user$", target: "db_user" } }] },
      { sourceRef: { generatorRef: { kind: "ClusterGenerator", name: "shared" } } },
    ]);
    const fetched = await fetchData(spec, noStores, false, (ref) => generateFromRef(ref, "team-a", read));
    assert.deepEqual(text(fetched.data), { db_user: "app", from: "cluster" });
  });

  it("a generator error fails the fetch, whatever the deletionPolicy (never a deletion)", async () => {
    const spec = es([{ sourceRef: { generatorRef: { kind: "Fake", name: "gone" } } }]);
    await assert.rejects(fetchData(spec, noStores, true, (ref) => generateFromRef(ref, "team-a", read)), GeneratorError);
  });

  it("without a generator runner (a caller that cannot run them) the entry is a spec error", async () => {
    await assert.rejects(fetchData(es([{ sourceRef: { generatorRef: { kind: "UUID", name: "u" } } }]), noStores, false), ConfigError);
  });
});
