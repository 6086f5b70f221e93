// The generated CRDs as a whole: structural, described, deterministic, default-free, with names and columns.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { z } from "zod";
import { providerSchemas } from "../../../providers/index.ts";
import { SecretKeySelector } from "../../../src/api/common.ts";
import { kinds } from "../../../src/api/kinds.ts";
import { GENERATED_HEADER, generateCrds, generateCrdsFor } from "../../../src/crdgen/index.ts";
import type { Schema } from "../../../src/crdgen/index.ts";
import { pathsOfKey, sizeOnObjectRules, structuralViolations, undescribedFields } from "./schema-rules.ts";

// A stand-in provider slice that uses what real slices will: a union of auth methods, int-or-string,
// an opaque value and a map, so the whole pipeline sees them (the real slices are added too).
const StandIn = z
  .object({
    server: z.string().describe("Address of the server."),
    auth: z
      .union([
        z.object({ tokenSecretRef: SecretKeySelector }).describe("Token auth."),
        z.object({ appRole: z.object({ roleId: z.string().describe("The role id.") }).describe("AppRole auth.") }),
      ])
      .describe("How to log in: exactly one method."),
    timeout: z.union([z.int(), z.string()]).optional().describe("Seconds or a Go duration."),
    extra: z.unknown().describe("Opaque settings passed through as written."),
    headers: z.record(z.string(), z.string()).optional().describe("Extra HTTP headers."),
  })
  .describe("A stand-in provider.");
const slices = { ...providerSchemas(), standin: StandIn };

type Crd = { spec: { names: Schema & { shortNames?: string[]; categories?: string[] }; versions: Array<Schema & { schema: { openAPIV3Schema: Schema } }> } };
const files = generateCrdsFor(slices);
const crds = new Map(files.map((file) => [file.fileName, parse(file.yaml) as Crd]));
const schemaOf = (fileName: string) => crds.get(fileName)!.spec.versions[0]!.schema.openAPIV3Schema;
const at = (schema: Schema, ...path: string[]): Schema => path.reduce((node, key) => (node.properties as Record<string, Schema>)[key]!, schema);

describe("generateCrds", () => {
  test("one file per kind, named <group>_<plural>.yaml, each starting with the generated header", () => {
    assert.deepEqual(files.map((file) => file.fileName), [
      "external-secrets.io_clusterexternalsecrets.yaml",
      "external-secrets.io_clusterpushsecrets.yaml",
      "external-secrets.io_clustersecretstores.yaml",
      "external-secrets.io_externalsecrets.yaml",
      "external-secrets.io_pushsecrets.yaml",
      "external-secrets.io_secretstores.yaml",
      "generators.external-secrets.io_clustergenerators.yaml",
      "generators.external-secrets.io_ecrauthorizationtokens.yaml",
      "generators.external-secrets.io_fakes.yaml",
      "generators.external-secrets.io_generatorstates.yaml",
      "generators.external-secrets.io_passwords.yaml",
      "generators.external-secrets.io_sshkeys.yaml",
      "generators.external-secrets.io_stssessiontokens.yaml",
      "generators.external-secrets.io_uuids.yaml",
      "generators.external-secrets.io_vaultdynamicsecrets.yaml",
      "generators.external-secrets.io_webhooks.yaml",
      "secrets-bridge.io_refreshreceivers.yaml",
    ]);
    for (const file of files) assert.ok(file.yaml.startsWith(`${GENERATED_HEADER}\n`), file.fileName);
  });

  test("every schema is structural", () => {
    for (const fileName of crds.keys()) assert.deepEqual(structuralViolations(schemaOf(fileName)), [], fileName);
  });

  test("no default anywhere: the CRDs never write into spec", () => {
    for (const file of files) assert.deepEqual(pathsOfKey(parse(file.yaml), "default"), [], file.fileName);
  });

  test("every field has a description for kubectl explain (metadata is the apiserver's)", () => {
    for (const fileName of crds.keys()) assert.deepEqual(undescribedFields(schemaOf(fileName), "", new Set([".metadata"])), [], fileName);
  });

  test("two runs are byte-identical", () => {
    assert.deepEqual(generateCrdsFor(slices), files);
    assert.deepEqual(generateCrds([...kinds(slices)].reverse()), files);
  });

  test("names, short names, categories, scope, one served storage version with a status subresource (generators too, as ESO's)", () => {
    for (const info of kinds(slices)) {
      const crd = crds.get(`${info.group}_${info.plural}.yaml`)!;
      const generator = info.group === "generators.external-secrets.io";
      const categories = generator ? ["external-secrets", "external-secrets-generators"] : ["external-secrets"];
      const shortNames = info.shortNames.length > 0 ? { shortNames: info.shortNames } : {};
      assert.deepEqual(crd.spec.names, { categories, kind: info.kind, listKind: info.listKind, plural: info.plural, ...shortNames, singular: info.singular });
      assert.equal((crd.spec as unknown as Schema).scope, info.scope);
      assert.equal(crd.spec.versions.length, 1);
      const version = crd.spec.versions[0]!;
      assert.deepEqual([version.name, version.served, version.storage, version.subresources], [info.version, true, true, { status: {} }]);
      assert.deepEqual(version.additionalPrinterColumns, info.printerColumns.length > 0 ? info.printerColumns : undefined);
    }
    assert.deepEqual(crds.get("external-secrets.io_externalsecrets.yaml")!.spec.names.shortNames, ["es"]);
    const columns = (crds.get("external-secrets.io_externalsecrets.yaml")!.spec.versions[0]!.additionalPrinterColumns as Schema[]).map((c) => c.name);
    for (const name of ["Store", "Refresh Interval", "Status", "Ready", "Last Sync"]) assert.ok(columns.includes(name), name);
  });

  test("top level: apiVersion, kind, metadata {type: object}, spec required, status (generators: no status, spec optional where ESO's is; GeneratorState has one)", () => {
    for (const fileName of crds.keys()) {
      const schema = schemaOf(fileName);
      const generator = fileName.startsWith("generators.") && fileName !== "generators.external-secrets.io_generatorstates.yaml";
      assert.deepEqual(Object.keys(schema.properties as Schema), generator ? ["apiVersion", "kind", "metadata", "spec"] : ["apiVersion", "kind", "metadata", "spec", "status"]);
      assert.deepEqual(at(schema, "metadata"), { type: "object" });
      // A spec with required fields (ClusterGenerator's kind, VaultDynamicSecret's path and provider, STSSessionToken's and ECRAuthorizationToken's region, Webhook's url and result) is required
      // itself: an empty one could never be valid (ESO marks them omitempty; the apiserver would accept a spec-less
      // object that can only fail later).
      const specRequired = !fileName.startsWith("generators.") || ["generators.external-secrets.io_clustergenerators.yaml", "generators.external-secrets.io_vaultdynamicsecrets.yaml", "generators.external-secrets.io_stssessiontokens.yaml", "generators.external-secrets.io_ecrauthorizationtokens.yaml", "generators.external-secrets.io_webhooks.yaml"].includes(fileName);
      assert.deepEqual(schema.required, specRequired ? ["spec"] : undefined, fileName);
    }
  });

  test("spec.provider carries the exactly-one-provider rule, in a form the apiserver compiles", () => {
    for (const fileName of ["external-secrets.io_secretstores.yaml", "external-secrets.io_clustersecretstores.yaml"]) {
      const provider = at(schemaOf(fileName), "spec", "provider");
      const rules = provider["x-kubernetes-validations"] as Array<{ rule: string; message: string }>;
      assert.ok(rules.some((rule) => rule.message === "spec.provider must set exactly one provider"), fileName);
      // size() has no overload for an object with declared properties: the apiserver refuses the CRD.
      assert.deepEqual(sizeOnObjectRules(schemaOf(fileName)), [], fileName);
    }
  });

  test("ExternalSecret CEL rules and list-map keys survive generation", () => {
    const spec = at(schemaOf("external-secrets.io_externalsecrets.yaml"), "spec");
    const messages = (node: Schema) => ((node["x-kubernetes-validations"] as Array<{ message: string }> | undefined) ?? []).map((rule) => rule.message);
    assert.deepEqual(messages(spec), ["either data or dataFrom must be set"]);
    assert.ok(messages(at(spec, "target")).includes("deletionPolicy Delete requires creationPolicy Owner"));
    assert.deepEqual(messages(at(spec, "dataFrom").items as Schema), ["a dataFrom entry sets only one of extract or find", "a dataFrom entry needs extract, find or sourceRef.generatorRef"]);
    const data = at(spec, "data");
    assert.deepEqual([data["x-kubernetes-list-type"], data["x-kubernetes-list-map-keys"]], ["map", ["secretKey"]]);
  });

  test("the stand-in slice: union hoisted, int-or-string, opaque value preserved", () => {
    const standin = at(schemaOf("external-secrets.io_secretstores.yaml"), "spec", "provider", "standin");
    const auth = at(standin, "auth");
    assert.deepEqual(Object.keys(auth.properties as Schema), ["appRole", "tokenSecretRef"]);
    assert.deepEqual(auth.anyOf, [{ required: ["tokenSecretRef"] }, { required: ["appRole"] }]);
    assert.deepEqual(at(standin, "timeout"), { description: "Seconds or a Go duration.", "x-kubernetes-int-or-string": true });
    assert.deepEqual(at(standin, "extra"), { description: "Opaque settings passed through as written.", "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(standin.required, ["server", "auth"]);
  });
});
