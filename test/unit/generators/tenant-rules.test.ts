// Provider-backed generators under the tenant rules (issue 14 applied to generators): a namespaced generator is a
// tenant's object, refused the operator's identity (unless the platform allows it) and plain http to a remote
// host; a ClusterGenerator is the platform's. The run gets a context of its scope. In-memory generator only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { generateFromRef, servedGenerators, type GenerateContext, type Generator, type ReadGenerator } from "../../../src/generators/index.ts";
import { GeneratorError } from "../../../src/generators/types.ts";
import { ConfigError, NoSecretError } from "../../../src/provider/errors.ts";
import type { GeneratorObject } from "../../../src/api/generators.ts";

const Spec = z.object({ server: z.string(), ambient: z.boolean().optional() });
type Spec = z.infer<typeof Spec>;
const seen: Array<GenerateContext["scope"] | "none"> = [];
const probe: Generator<Spec> = {
  kind: "VaultDynamicSecret",
  specKey: "vaultDynamicSecretSpec",
  spec: Spec,
  problem: () => undefined,
  operatorIdentity: (spec) => (spec.ambient ? "the operator's token" : undefined),
  endpoints: (spec) => ({ "provider.server": spec.server }),
  async generate(_spec, ctx) {
    seen.push(ctx?.scope ?? "none");
    return { ok: new Uint8Array([49]) };
  },
};
const generators = servedGenerators([{ generators: [probe] }]);
const context = (scope: GenerateContext["scope"], namespace: string) => ({ scope, namespace }) as GenerateContext;

const objects: Record<string, GeneratorObject> = {
  "VaultDynamicSecret/team-a/tls": { metadata: { name: "tls" }, spec: { server: "https://vault.example" } },
  "VaultDynamicSecret/team-a/ambient": { metadata: { name: "ambient" }, spec: { server: "https://vault.example", ambient: true } },
  "VaultDynamicSecret/team-a/plain": { metadata: { name: "plain" }, spec: { server: "http://vault.example:8200" } },
  "VaultDynamicSecret/team-a/loopback": { metadata: { name: "loopback" }, spec: { server: "http://127.0.0.1:8200" } },
  "ClusterGenerator/-/ambient": { metadata: { name: "ambient" }, spec: { kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: { server: "http://vault.internal", ambient: true } } } },
};
const read: ReadGenerator = async (kind, name, namespace) => objects[`${kind}/${namespace ?? "-"}/${name}`];
const ref = (kind: string, name: string) => ({ kind, name }) as Parameters<typeof generateFromRef>[0];

describe("provider-backed generators and the tenant rules", () => {
  it("runs with the context of its scope", async () => {
    seen.length = 0;
    await generateFromRef(ref("VaultDynamicSecret", "tls"), "team-a", read, { generators, context });
    await generateFromRef(ref("ClusterGenerator", "ambient"), "team-a", read, { generators, context });
    await generateFromRef(ref("VaultDynamicSecret", "loopback"), "team-a", read, { generators });
    assert.deepEqual(seen, ["Namespaced", "Cluster", "none"]);
  });

  const table: Array<{ name: string; obj: string; allowAmbient?: boolean; refused?: RegExp }> = [
    { name: "a namespaced generator may not use the operator's identity", obj: "ambient", refused: /a namespaced VaultDynamicSecret may not use the operator's own identity \(the operator's token\).*use a ClusterGenerator/ },
    { name: "unless the platform allows it for namespaced stores", obj: "ambient", allowAmbient: true },
    { name: "plain http to a remote host is refused", obj: "plain", refused: /provider\.server http:\/\/vault\.example:8200 is refused/ },
    { name: "plain http to loopback is fine", obj: "loopback" },
  ];
  for (const c of table) {
    it(c.name, async () => {
      const run = generateFromRef(ref("VaultDynamicSecret", c.obj), "team-a", read, { generators, context, allowAmbientForNamespaced: c.allowAmbient ?? false });
      if (c.refused) await assert.rejects(run, (err: Error) => err instanceof GeneratorError && c.refused!.test(err.message));
      else await run;
    });
  }

  it("a ClusterGenerator may use the operator's identity and any endpoint (the platform's choice)", async () => {
    await generateFromRef(ref("ClusterGenerator", "ambient"), "team-a", read, { generators, context });
  });

  it("without the providers' generators the kind is not served; two claims of one kind are a wiring bug", async () => {
    await assert.rejects(generateFromRef(ref("VaultDynamicSecret", "tls"), "team-a", read), /not supported by secrets-bridge yet/);
    assert.throws(() => servedGenerators([{ generators: [probe] }, { generators: [probe] }]), /registered twice/);
  });
});

describe("errors of a provider-backed run", () => {
  const failing = (err: Error): Generator<Spec> => ({ ...probe, async generate() { throw err; } });
  const table = [
    { name: "a ConfigError (a missing credentials Secret) is retried, not parked until the ExternalSecret changes", err: new ConfigError("secret team-a/creds not found"), reason: "InvalidGeneratorSpec" },
    { name: "a NoSecretError never reaches deletionPolicy", err: new NoSecretError("path gone"), reason: "GeneratorUnavailable" },
  ];
  for (const c of table) {
    it(c.name, async () => {
      const run = generateFromRef(ref("VaultDynamicSecret", "tls"), "team-a", read, { generators: servedGenerators([{ generators: [failing(c.err)] }]), context });
      await assert.rejects(run, (err: Error) => err instanceof GeneratorError && (err as GeneratorError).reason === c.reason && err.message.includes(c.err.message));
    });
  }
});
