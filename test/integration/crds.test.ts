// The generated CRDs against a real kube-apiserver: it compiles the structural schemas and CEL rules (and
// their cost), so this is where a rule that only looks right is caught.
import assert from "node:assert/strict";
import { request } from "node:https";
import type { RequestOptions } from "node:https";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiextensionsV1Api, CustomObjectsApi, KubernetesObjectApi, loadYaml, PatchStrategy } from "@kubernetes/client-node";
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { parse } from "yaml";
import { z } from "zod";
import { providerSchemas } from "../../providers/index.ts";
import { kinds } from "../../src/api/kinds.ts";
import type { KindInfo } from "../../src/api/kinds.ts";
import { generateCrds, generateCrdsFor } from "../../src/crdgen/index.ts";
import { freshNamespace, kubeConfig } from "../helpers/bench.ts";

const GROUP = "external-secrets.io";
const VERSION = "v1";

// The real slices, so the CRDs on the shared bench are the real ones, plus a stand-in: "two providers"
// must be writable with valid content for both, or the apiserver skips CEL ("some validation rules were
// not checked because the object was invalid") and the rule is never exercised.
const standIn = z.object({ url: z.string().describe("Where the stand-in store lives.") }).describe("Test stand-in provider.");
const slices = { ...providerSchemas(), crdtest: standIn };
const FAKE = { fake: { data: [{ key: "db", value: '{"user":"app"}' }] } };
const TWO = { ...FAKE, crdtest: { url: "https://example.test" } };

// A throwaway kind in its own group for what src/api does not use yet (unions, int-or-string, opaque
// values, nullable): proves the structural pass's output is accepted and behaves, without touching the real CRDs.
const Probe: KindInfo = {
  group: "crdgen-test.secrets-bridge.dev", version: "v1", kind: "Probe", listKind: "ProbeList", plural: "probes", singular: "probe",
  shortNames: [], categories: [], scope: "Namespaced", description: "A crdgen test kind.", printerColumns: [],
  status: z.object({}),
  spec: z.object({
    auth: z.discriminatedUnion("method", [z.object({ method: z.literal("token"), token: z.string() }), z.object({ method: z.literal("appRole"), roleId: z.string() })]).optional(),
    port: z.union([z.int().min(0), z.string()]).optional(),
    extra: z.unknown(),
    labels: z.record(z.string(), z.unknown()).optional(),
    note: z.string().nullable().optional(),
    loose: z.looseObject({ a: z.string().optional() }).optional(),
  }),
};

const kc = kubeConfig();
const custom = kc.makeApiClient(CustomObjectsApi);

async function applyCrds(): Promise<string[]> {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const names: string[] = [];
  for (const file of [...generateCrdsFor(slices), ...generateCrds([Probe])]) {
    // loadYaml, not a plain YAML parse: client-node re-serializes through its models, which know
    // `xKubernetesValidations` but silently drop a raw `x-kubernetes-validations` key.
    const crd = loadYaml<V1CustomResourceDefinition>(file.yaml);
    // Server-side apply: idempotent when other test files install the same CRDs on this bench.
    await objects.patch(crd, undefined, undefined, "secrets-bridge-crds-test", true, PatchStrategy.ServerSideApply);
    names.push(crd.metadata!.name!);
  }
  return names;
}

async function waitEstablished(name: string): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const crd = await api.readCustomResourceDefinition({ name });
    const isTrue = (type: string) => crd.status?.conditions?.some((c) => c.type === type && c.status === "True");
    if (isTrue("Established") && isTrue("NamesAccepted")) return;
    if (Date.now() > deadline) assert.fail(`${name} not Established/NamesAccepted: ${JSON.stringify(crd.status?.conditions)}`);
    await sleep(100);
  }
}

/** A raw GET: the typed client would re-serialize through its models and could hide a dropped keyword. */
async function getJson(path: string, accept = "application/json"): Promise<Body> {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const url = new URL(path, kc.getCurrentCluster()!.server);
  return new Promise((resolve, reject) => {
    const req = request(url, { ...opts, method: "GET", headers: { Accept: accept } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text) as Body) : reject(new Error(`GET ${path}: ${res.statusCode} ${text}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

type Body = Record<string, unknown>;
const es = (name: string, spec: Body): Body => ({ apiVersion: `${GROUP}/${VERSION}`, kind: "ExternalSecret", metadata: { name }, spec });
const store = (kind: string, name: string, spec: Body): Body => ({ apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name }, spec });
const ref = { name: "vault", kind: "SecretStore" };
const one = [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }];

/** Creates the object; returns the stored object's spec. */
async function create(namespace: string | undefined, body: Body): Promise<unknown> {
  const plural = `${String(body.kind).toLowerCase()}s`;
  const [group, version] = String(body.apiVersion).split("/") as [string, string];
  const created = namespace === undefined
    ? await custom.createClusterCustomObject({ group, version, plural, body })
    : await custom.createNamespacedCustomObject({ group, version, namespace, plural, body });
  return (created as { spec: unknown }).spec;
}

/** Asserts the apiserver rejects the object (422) and its message contains `message`. */
async function rejects(namespace: string | undefined, body: Body, message: string | RegExp): Promise<void> {
  await assert.rejects(create(namespace, body), (error: { code?: number; body?: unknown }) => {
    const text = typeof error.body === "string" ? error.body : JSON.stringify(error.body);
    assert.equal(error.code, 422, text);
    if (typeof message === "string") assert.ok(text.includes(message), `expected ${JSON.stringify(message)} in ${text}`);
    else assert.match(text, message);
    return true;
  });
}

describe("generated CRDs on a real kube-apiserver", () => {
  let ns = "";
  before(async () => {
    const names = await applyCrds();
    for (const name of names) await waitEstablished(name);
    ns = await freshNamespace("crds");
  });

  test("the apiserver stores every CRD exactly as generated (nothing dropped or rewritten)", async () => {
    for (const file of [...generateCrdsFor(slices), ...generateCrds([Probe])]) {
      const want = parse(file.yaml) as { metadata: { name: string }; spec: Body };
      const got = await getJson(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${want.metadata.name}`);
      const { conversion: _conversion, ...gotSpec } = got.spec as Body; // the apiserver adds conversion: None
      assert.deepEqual(gotSpec, want.spec, file.fileName);
    }
  });

  test("printer columns are served", async () => {
    await create(ns, es("columns", { secretStoreRef: ref, refreshInterval: "1h", data: one }));
    const table = await getJson(`/apis/${GROUP}/${VERSION}/namespaces/${ns}/externalsecrets`, "application/json;as=Table;v=v1;g=meta.k8s.io");
    const names = (table.columnDefinitions as Array<{ name: string }>).map((column) => column.name);
    const columns = kinds(slices).find((info) => info.kind === "ExternalSecret")!.printerColumns;
    assert.deepEqual(names, ["Name", ...columns.map((column) => column.name)]);
    const row = (table.rows as Array<{ cells: unknown[] }>)[0]!;
    assert.deepEqual(row.cells.slice(1, 4), ["SecretStore", "vault", "1h"]);
  });

  test("accepts good ExternalSecrets and returns spec exactly as sent (no defaults, nothing pruned)", async () => {
    const cases: Array<[string, Body]> = [
      ["minimal-data", { secretStoreRef: ref, data: one }],
      ["minimal-datafrom", { secretStoreRef: ref, dataFrom: [{ extract: { key: "db" } }] }],
      [
        "full",
        {
          secretStoreRef: { name: "css", kind: "ClusterSecretStore" },
          refreshInterval: "15m30s",
          refreshPolicy: "Periodic",
          target: {
            name: "db-secret",
            creationPolicy: "Owner",
            deletionPolicy: "Delete",
            immutable: false,
            template: { type: "Opaque", engineVersion: "v2", metadata: { labels: { a: "b" } }, data: { dsn: "{{ .password }}" }, mergePolicy: "Merge", templateFrom: [{ configMap: { name: "tpl", items: [{ key: "k", templateAs: "Values" }] } }] },
            rolloutRestartTargets: [{ kind: "Deployment", name: "api" }],
          },
          data: [...one, { secretKey: "user", remoteRef: { key: "db", property: "user", decodingStrategy: "None" }, sourceRef: { storeRef: { name: "other" } } }],
          dataFrom: [
            { find: { path: "app/", name: { regexp: "^db-" }, tags: { team: "x" } }, rewrite: [{ regexp: { source: "^db-", target: "" } }, { transform: { template: "{{ .value | upper }}" } }] },
            { sourceRef: { generatorRef: { kind: "Password", name: "gen" } } },
          ],
        },
      ],
    ];
    for (const [name, spec] of cases) assert.deepEqual(await create(ns, es(name, spec)), spec, name);
  });

  test("CEL rules and list types reject bad ExternalSecrets with their message", async () => {
    await rejects(ns, es("no-data", { secretStoreRef: ref }), "either data or dataFrom must be set");
    await rejects(ns, es("empty-data", { secretStoreRef: ref, data: [], dataFrom: [] }), "either data or dataFrom must be set");
    await rejects(ns, es("no-spec", {}), "either data or dataFrom must be set");
    await rejects(ns, es("delete-merge", { data: one, target: { creationPolicy: "Merge", deletionPolicy: "Delete" } }), "deletionPolicy Delete requires creationPolicy Owner");
    await rejects(ns, es("merge-none", { data: one, target: { creationPolicy: "None", deletionPolicy: "Merge" } }), "deletionPolicy Merge is not allowed with creationPolicy None");
    await rejects(ns, es("dup-key", { data: [...one, ...one] }), /Duplicate value/);
    await rejects(ns, es("extract-find", { dataFrom: [{ extract: { key: "a" }, find: { path: "b" } }] }), "a dataFrom entry sets only one of extract or find");
    await rejects(ns, es("empty-from", { dataFrom: [{ rewrite: [] }] }), "a dataFrom entry needs extract, find or sourceRef.generatorRef");
    await rejects(ns, es("two-rewrites", { dataFrom: [{ extract: { key: "a" }, rewrite: [{ regexp: { source: "a", target: "b" }, transform: { template: "x" } }] }] }), "a rewrite sets exactly one of merge, regexp or transform");
    await rejects(ns, es("bad-interval", { data: one, refreshInterval: "1 hour" }), /spec.refreshInterval in body should match/);
    const noSpec = { apiVersion: `${GROUP}/${VERSION}`, kind: "ExternalSecret", metadata: { name: "spec-missing" } };
    await rejects(ns, noSpec, /spec: Required value/);
  });

  test("stores: exactly one provider; int-or-string refreshInterval; spec kept as sent", async () => {
    for (const kind of ["SecretStore", "ClusterSecretStore"]) {
      const namespace = kind === "SecretStore" ? ns : undefined;
      const suffix = ns; // cluster-scoped names must not collide across runs on a reused etcd
      for (const [name, spec] of [
        [`good-${suffix}`, { provider: FAKE, refreshInterval: 300, retrySettings: { maxRetries: 3, retryInterval: "10s" } }],
        [`good-string-${suffix}`, { provider: FAKE, refreshInterval: "5m", controller: "" }],
      ] as Array<[string, Body]>) {
        assert.deepEqual(await create(namespace, store(kind, name, spec)), spec, `${kind} ${name}`);
      }
      await rejects(namespace, store(kind, `zero-${suffix}`, { provider: {} }), "spec.provider must set exactly one provider");
      await rejects(namespace, store(kind, `two-${suffix}`, { provider: TWO }), "spec.provider must set exactly one provider");
      await rejects(namespace, store(kind, `none-${suffix}`, {}), /spec.provider: Required value/);
    }
    const conditions = [{ namespaces: [ns], namespaceRegexes: ["^team-"], namespaceSelector: { matchLabels: { a: "b" }, matchExpressions: [{ key: "k", operator: "In", values: ["v"] }] } }];
    const spec = { provider: FAKE, conditions };
    assert.deepEqual(await create(undefined, store("ClusterSecretStore", `conditions-${ns}`, spec)), spec);
  });

  test("union, int-or-string, opaque and nullable fields: accepted, kept as sent, and the union still discriminates", async () => {
    const probe = (name: string, spec: Body): Body => ({ apiVersion: `${Probe.group}/v1`, kind: "Probe", metadata: { name }, spec });
    const good: Array<[string, Body]> = [
      ["token", { auth: { method: "token", token: "t" }, port: 8080, extra: { any: [1, "x", { y: true }] }, labels: { a: { b: 1 } }, note: null, loose: { a: "x", z: 1 } }],
      ["approle", { auth: { method: "appRole", roleId: "r" }, port: "http", extra: "just a string" }],
    ];
    for (const [name, spec] of good) assert.deepEqual(await create(ns, probe(name, spec)), spec, name);
    await rejects(ns, probe("mixed", { auth: { method: "token", roleId: "r" } }), /anyOf|must validate/);
    await rejects(ns, probe("bad-port", { port: true }), /spec.port/);
  });
});
