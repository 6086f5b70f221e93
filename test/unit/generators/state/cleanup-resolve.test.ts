// cleanupFromResource: a GeneratorState's snapshot is resolved like a live generator (schema, kind, tenant rules)
// before its cleanup runs, in the state's namespace; a run's keepState reaches the caller with its snapshot.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { cleanupFromResource, generateFromRef, type KeptState } from "../../../../src/generators/resolve.ts";
import { GENERATORS } from "../../../../src/generators/registry.ts";
import { GeneratorError, type GenerateContext, type Generator } from "../../../../src/generators/types.ts";
import { silentLogger } from "../../../../src/controller/logging.ts";
import type { GeneratorResource } from "../../../../src/api/generator-state.ts";

const cleaned: Array<{ spec: unknown; state: Record<string, string>; ctx: Pick<GenerateContext, "namespace" | "scope"> }> = [];
// A stand-in for a stateful kind (VaultDynamicSecret's real one is tested on OpenBao).
const stateful: Generator<{ path: string; server?: string }> = {
  kind: "VaultDynamicSecret",
  specKey: "vaultDynamicSecretSpec",
  spec: z.object({ path: z.string(), server: z.string().optional() }),
  problem: () => undefined,
  endpoints: (spec): Record<string, string> => (spec.server ? { "provider.server": spec.server } : {}),
  async generate(_spec, ctx) {
    ctx?.keepState?.({ leaseId: "lease-1" });
    return { v: new Uint8Array([1]) };
  },
  async cleanup(spec, state, ctx) {
    cleaned.push({ spec, state, ctx: { namespace: ctx.namespace, scope: ctx.scope } });
  },
};
const env = { generators: [...GENERATORS, stateful], context: (scope: GenerateContext["scope"], namespace: string) => ({ namespace, scope, kube: {} as GenerateContext["kube"], log: silentLogger() }) };
const resource = (kind: string, spec: unknown, namespace?: string): GeneratorResource => ({ apiVersion: "generators.external-secrets.io/v1alpha1", kind, metadata: namespace ? { name: "g", namespace } : { name: "g" }, spec });

describe("GeneratorState cleanup resolution", () => {
  it("a run's kept state reaches the keeper with the snapshot of the object it ran from", async () => {
    const kept: Array<KeptState> = [];
    const keep = (k: KeptState) => void kept.push(k);
    await generateFromRef({ kind: "VaultDynamicSecret", name: "g" }, "team-a", async () => ({ metadata: { name: "g", uid: "x", labels: { a: "b" } }, spec: { path: "p" } }), env, keep);
    assert.deepEqual(kept, [{ resource: resource("VaultDynamicSecret", { path: "p" }, "team-a"), state: { leaseId: "lease-1" } }]);
    kept.length = 0;
    const cluster = { metadata: { name: "g" }, spec: { kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: { path: "c" } } } };
    await generateFromRef({ kind: "ClusterGenerator", name: "g" }, "team-a", async () => cluster, env, keep);
    assert.deepEqual(kept[0]!.resource, resource("ClusterGenerator", cluster.spec), "a ClusterGenerator stays one: its scope decides the cleanup's rules");
  });

  it("runs the kind's cleanup with the snapshot's spec, in the state's namespace and the snapshot's scope", async () => {
    cleaned.length = 0;
    assert.equal(await cleanupFromResource(resource("VaultDynamicSecret", { path: "p" }, "team-a"), { leaseId: "l" }, "team-a", env), "cleaned");
    assert.equal(await cleanupFromResource(resource("ClusterGenerator", { kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: { path: "c" } } }), { accessor: "a" }, "team-b", env), "cleaned");
    assert.deepEqual(cleaned, [
      { spec: { path: "p" }, state: { leaseId: "l" }, ctx: { namespace: "team-a", scope: "Namespaced" } },
      { spec: { path: "c" }, state: { accessor: "a" }, ctx: { namespace: "team-b", scope: "Cluster" } },
    ]);
  });

  it("a kind that keeps nothing has nothing to clean up", async () => {
    assert.equal(await cleanupFromResource(resource("Password", {}, "team-a"), {}, "team-a", env), "nothing");
  });

  it("refused: another namespace's generator, another API version, a spec the schema or the tenant rules refuse", async () => {
    cleaned.length = 0;
    const refusals: Array<[GeneratorResource, RegExp]> = [
      [resource("VaultDynamicSecret", { path: "p" }, "team-b"), /not of namespace team-a/],
      [{ ...resource("VaultDynamicSecret", { path: "p" }, "team-a"), apiVersion: "v1" }, /apiVersion must be/],
      [resource("VaultDynamicSecret", { path: 7 }, "team-a"), /invalid spec/],
      [resource("VaultDynamicSecret", { path: "p", server: "http://vault.example.test" }, "team-a"), /is refused/],
      [resource("ClusterGenerator", { kind: "Nope" }), /not supported/],
    ];
    for (const [res, message] of refusals) await assert.rejects(cleanupFromResource(res, { leaseId: "l" }, "team-a", env), (err: Error) => (err instanceof GeneratorError || err.name === "ConfigError") && message.test(err.message));
    assert.deepEqual(cleaned, []);
  });
});
