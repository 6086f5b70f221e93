// Issue 23's object fuzzing: fast-check makes ExternalSecrets, SecretStores, PushSecrets, ClusterExternalSecrets and
// generators (each behind an ExternalSecret that runs it), valid and invalid, from a
// grammar that mixes ordinary values with hostile ones (patterns Go rejects or that backtrack elsewhere, templates
// that do not parse or never end, unknown enums, huge and odd names, unknown fields), and applies them to the real
// apiserver while the operator runs. Every object must be either refused by the CRD with a message, or reconciled to
// a Ready condition with a message; the operator must keep running, never log a planted value, and never touch a
// Secret it does not own. Returns the counts; the assertions are the caller's (test or `npm run faults`).
import fc from "fast-check";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, ready, sleep, startTestOperator, waitFor } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { LABEL_MANAGED } from "../../src/api/markers.ts";
import { GENERATOR_GROUP, GENERATOR_PLURALS, GENERATOR_VERSION } from "../../src/api/generators.ts";

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** How long one accepted object may take to show a Ready condition. */
  conditionTimeoutMs: number;
}

export interface FuzzFigures {
  seed: number;
  tried: number;
  refused: number;
  refusedWithoutMessage: number;
  /** Objects accepted, by kind. */
  acceptedByKind?: Record<string, number>;
  /** Generator objects accepted (each behind an ExternalSecret that runs it). */
  generators?: number;
  /** Refusals by the first field the apiserver named. */
  refusedBy?: Record<string, number>;
  readyTrue: number;
  readyFalse: number;
  readyFalseWithoutMessage: number;
  noCondition: string[];
  operatorStillReady: boolean;
  leakedValues: number;
  foreignSecretTouched: boolean;
}

type Kind = "ExternalSecret" | "SecretStore" | "PushSecret" | "ClusterExternalSecret";
interface Candidate {
  kind: Kind;
  spec: Record<string, unknown>;
  /** A generator object created first (an ExternalSecret's generatorRef names it): its kind and spec. */
  generator?: { kind: string; spec: Record<string, unknown> };
}

const KEYS = ["db/password", "app/config", "json/doc"];
const oddStrings = fc.constantFrom("", " ", "..", "a".repeat(300), "ÿ", "__proto__", "constructor", "x/y", "-", "UPPER", "a:b", "%00");
// Mostly ordinary values, so most objects get past the CRD and reach the operator; hostile ones mixed in.
const name = fc.oneof({ weight: 8, arbitrary: fc.constantFrom("known", "missing", "foreign", "target") }, { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) }, { weight: 1, arbitrary: oddStrings });
const ordinaryOr = <T>(ordinary: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: ordinary }, { weight: 1, arbitrary: oddStrings as fc.Arbitrary<T | string> });
const patterns = fc.constantFrom("^db/", "(?<=x)y", "^(a+)+$", "([a-z/]+)*$", "[", "\\", ".*", "(?P<n>x)");
const templates = fc.constantFrom("{{ .v }}", "{{", "{{ range until 100000000 }}{{ end }}", "{{ .v | b64dec }}", "{{ template \"x\" }}", "{{ fail \"no\" }}", "{{ toJson . }}", "{{ .missing.field }}");
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Usually one of `valid`, now and then one of `invalid`: each field alone should rarely get the object refused. */
const mostly = (valid: string[], invalid: string[]) => fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
const durations = mostly(["1h", "0", "1s", "1ms", "99999h"], ["-1s", "abc"]);
const clean = <T extends Record<string, unknown>>(obj: T): T => Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;

const externalSecret: fc.Arbitrary<Candidate> = fc
  .record({
    store: fc.record({ name, kind: mostly(["SecretStore", "ClusterSecretStore"], ["Bogus"]) }),
    refreshInterval: maybe(durations),
    refreshPolicy: maybe(mostly(["Periodic", "OnChange", "CreatedOnce"], ["Sometimes"])),
    data: fc.array(fc.record({ secretKey: ordinaryOr(fc.constantFrom("v", "w")), key: ordinaryOr(fc.constantFrom(...KEYS)), property: maybe(fc.constantFrom("a", "b.c", "")), decodingStrategy: maybe(mostly(["None", "Base64", "Auto"], ["Rot13"])) }), { maxLength: 3 }),
    find: maybe(patterns),
    rewrite: maybe(fc.record({ source: patterns, transform: maybe(templates) })),
    target: fc.record({ name: maybe(name), creationPolicy: maybe(mostly(["Owner", "Orphan", "None"], ["Bogus"])), deletionPolicy: maybe(fc.constantFrom("Retain", "Delete", "Merge")), template: maybe(templates) }),
    unknown: maybe(fc.constant({ spreadsheet: true })),
  })
  .map(({ store, refreshInterval, refreshPolicy, data, find, rewrite, target, unknown }) => ({
    kind: "ExternalSecret",
    spec: clean({
      secretStoreRef: store,
      refreshInterval,
      refreshPolicy,
      data: data.map((d) => ({ secretKey: d.secretKey, remoteRef: clean({ key: d.key, property: d.property, decodingStrategy: d.decodingStrategy }) })),
      dataFrom: find ? [clean({ find: { name: { regexp: find } }, rewrite: rewrite ? [rewrite.transform ? { transform: { template: rewrite.transform } } : { regexp: { source: rewrite.source, target: "$1" } }] : undefined })] : undefined,
      target: clean({ name: target.name, creationPolicy: target.creationPolicy, deletionPolicy: target.deletionPolicy, template: target.template ? { data: { v: target.template } } : undefined }),
      ...(unknown ?? {}),
    }),
  }));

const secretStore: fc.Arbitrary<Candidate> = fc.oneof(
  fc.record({ data: fc.array(fc.record({ key: fc.oneof(fc.constantFrom(...KEYS), oddStrings), value: fc.string({ maxLength: 40 }) }), { maxLength: 4 }) }).map(({ data }) => ({ kind: "SecretStore" as const, spec: { provider: { fake: { data } } } })),
  fc
    .record({ server: fc.constantFrom("https://127.0.0.1:1", "http://169.254.169.254", "http://10.0.0.1:8200", "not a url", "https://[::1]:1"), path: maybe(oddStrings), token: maybe(name) })
    .map(({ server, path, token }) => ({ kind: "SecretStore" as const, spec: { provider: { vault: clean({ server, path, auth: token ? { tokenSecretRef: { name: token, key: "t" } } : { kubernetes: { role: "r", mountPath: "kubernetes" } } }) } } })),
  fc.record({ conditions: fc.constant([{ namespaceRegexes: ["(?<=x)"] }]) }).map(() => ({ kind: "SecretStore" as const, spec: { provider: { unknownProvider: {} } } })),
);

const pushSecret: fc.Arbitrary<Candidate> = fc
  .record({
    store: fc.record({ name, kind: fc.constantFrom("SecretStore", "ClusterSecretStore") }),
    source: fc.oneof(fc.record({ name }), fc.record({ selector: fc.constant({ matchLabels: { fuzz: "yes" } }) })),
    entries: fc.array(fc.record({ secretKey: maybe(ordinaryOr(fc.constantFrom("v", "w"))), remoteKey: ordinaryOr(fc.constantFrom("foreign-key", "pushed")), property: maybe(fc.constantFrom("p", "")) }), { maxLength: 3 }),
    dataTo: maybe(fc.record({ regexp: patterns, transform: maybe(templates), remoteKey: maybe(fc.constantFrom("bundle", "")) })),
    updatePolicy: maybe(mostly(["Replace", "IfNotExists"], ["Always"])),
    deletionPolicy: maybe(mostly(["Delete", "None"], ["Sometimes"])),
    template: maybe(templates),
  })
  .map(({ store, source, entries, dataTo, updatePolicy, deletionPolicy, template }) => ({
    kind: "PushSecret",
    spec: clean({
      secretStoreRefs: [store],
      selector: { secret: source },
      data: entries.map((e) => ({ match: { ...(e.secretKey !== undefined ? { secretKey: e.secretKey } : {}), remoteRef: clean({ remoteKey: e.remoteKey, property: e.property }) } })),
      dataTo: dataTo ? [clean({ storeRef: { name: store.name, kind: store.kind }, match: { regexp: dataTo.regexp }, remoteKey: dataTo.remoteKey, rewrite: dataTo.transform && !dataTo.remoteKey ? [{ transform: { template: dataTo.transform } }] : undefined })] : undefined,
      updatePolicy,
      deletionPolicy,
      template: template ? { data: { v: template } } : undefined,
    }),
  }));

// Generators (issue 18's kinds): ordinary specs with hostile values mixed in (sizes, policies that cannot be met,
// metadata addresses, templates, JSONPath filters), each behind an ExternalSecret that runs it.
const generatorSpec: fc.Arbitrary<{ kind: string; spec: Record<string, unknown> }> = fc.oneof(
  fc
    .record({
      length: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 64 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 100_000) }),
      digits: maybe(fc.integer({ min: -1, max: 70 })),
      symbols: maybe(fc.integer({ min: 0, max: 70 })),
      symbolCharacters: maybe(fc.constantFrom("~!", "ÿ", "", "a".repeat(300))),
      noUpper: maybe(fc.boolean()),
      allowRepeat: maybe(fc.boolean()),
      encoding: maybe(mostly(["raw", "hex", "base64"], ["rot13"])),
    })
    .map((spec) => ({ kind: "Password", spec: clean(spec) })),
  fc.record({ keyType: maybe(mostly(["rsa", "ed25519", "ecdsa"], ["dsa"])), keySize: maybe(fc.constantFrom(2048, 256, 8192, 1, -5)), comment: maybe(oddStrings) }).map((spec) => ({ kind: "SSHKey", spec: clean(spec) })),
  fc.constant({ kind: "UUID", spec: {} }),
  fc.record({ data: fc.dictionary(fc.oneof(fc.constantFrom("user", "v"), oddStrings), fc.string({ maxLength: 20 }), { maxKeys: 4 }) }).map((spec) => ({ kind: "Fake", spec })),
  fc
    .record({
      url: fc.constantFrom("http://169.254.169.254/latest/meta-data", "https://127.0.0.1:1/x", "not a url", "https://127.0.0.1:1/{{ .missing }}", "http://10.0.0.1/"),
      method: maybe(mostly(["GET", "POST"], ["BREW"])),
      body: maybe(templates),
      jsonPath: fc.constantFrom("$.a", "$..*", "$[?(@.a)]", "("),
      timeout: maybe(durations),
    })
    .map(({ url, method, body, jsonPath, timeout }) => ({ kind: "Webhook", spec: clean({ url, method, body, timeout, result: { jsonPath } }) })),
  fc.record({ server: fc.constantFrom("https://127.0.0.1:1", "http://169.254.169.254", "not a url"), path: fc.constantFrom("pki/issue/web", "", "../../sys/raw") }).map(({ server, path }) => ({ kind: "VaultDynamicSecret", spec: { path, provider: { server, auth: { kubernetes: { role: "r", mountPath: "kubernetes" } } } } })),
);

const generated: fc.Arbitrary<Candidate> = fc
  .record({ generator: generatorSpec, refName: fc.oneof({ weight: 8, arbitrary: fc.constant("own") }, { weight: 1, arbitrary: fc.constant("missing") }), policy: maybe(mostly(["Periodic", "CreatedOnce"], ["Sometimes"])), rewrite: maybe(patterns) })
  .map(({ generator, refName, policy, rewrite }) => ({
    kind: "ExternalSecret",
    generator,
    spec: clean({
      refreshInterval: "1h",
      refreshPolicy: policy,
      // "own": the generator made for this candidate (named after it when created); "missing": none.
      dataFrom: [clean({ sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: generator.kind, name: refName } }, rewrite: rewrite ? [{ regexp: { source: rewrite, target: "x" } }] : undefined })],
    }),
  }));

/** Stands for the fuzz namespace's run label: every fuzzed ClusterExternalSecret selects only namespaces carrying it. */
const RUN_LABEL = "fuzz.secrets-bridge.dev/run";
const THIS_RUN = "<this run>";

// ClusterExternalSecrets (cluster-scoped): a fuzzed ExternalSecret spec stamped into namespaces. Each selector is
// ANDed with this run's label, and the operator provisions only into the fuzz namespace, so nothing reaches another
// test's namespaces whatever the expressions say.
const clusterExternalSecret: fc.Arbitrary<Candidate> = fc
  .record({
    es: externalSecret,
    expression: maybe(fc.record({ key: ordinaryOr(fc.constantFrom("team", "env")), operator: mostly(["In", "NotIn", "Exists", "DoesNotExist"], ["Near"]), values: fc.array(ordinaryOr(fc.constantFrom("a", "b")), { maxLength: 2 }) })),
    externalSecretName: maybe(name),
    refreshTime: maybe(durations),
  })
  .map(({ es, expression, externalSecretName, refreshTime }) => ({
    kind: "ClusterExternalSecret",
    spec: clean({ externalSecretSpec: es.spec, externalSecretName, refreshTime, namespaceSelectors: [clean({ matchLabels: { [RUN_LABEL]: THIS_RUN }, matchExpressions: expression ? [expression] : undefined })] }),
  }));

/** The field an apiserver refusal names first ("spec.target.creationPolicy"), to see what the grammar trips on. */
const causeOf = (message: string): string => /(spec(\.[A-Za-z0-9_[\]]+)+)/.exec(message)?.[1]?.replace(/\[\d+\]/g, "[]") ?? message.slice(0, 80);

const API: Record<Kind, { version: string; plural: string; cluster?: true }> = {
  ExternalSecret: { version: "v1", plural: "externalsecrets" },
  SecretStore: { version: "v1", plural: "secretstores" },
  PushSecret: { version: "v1alpha1", plural: "pushsecrets" },
  ClusterExternalSecret: { version: "v1", plural: "clusterexternalsecrets", cluster: true },
};

export async function runObjectFuzz(opts: FuzzOptions, log: (line: string) => void): Promise<FuzzFigures> {
  const k = kube();
  const ns = await freshNamespace("fuzz");
  const secretValue = planted("fuzz");
  const foreignValue = planted("fuzz-foreign");
  await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "foreign" }, stringData: { v: foreignValue } } });
  await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "target", labels: { fuzz: "yes" } }, stringData: { v: secretValue, w: "{}" } } });
  await k.core.patchNamespace({ name: ns, body: { metadata: { labels: { [RUN_LABEL]: ns } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
  // ClusterExternalSecrets on, provisioning only into the fuzz namespace (an operator restricted by --namespace).
  const op = await startTestOperator(ns, { clusterExternalSecrets: true });
  const clusterObjects: string[] = [];
  const figures: FuzzFigures = { seed: opts.seed, tried: 0, refused: 0, refusedWithoutMessage: 0, readyTrue: 0, readyFalse: 0, readyFalseWithoutMessage: 0, noCondition: [], operatorStillReady: false, leakedValues: 0, foreignSecretTouched: false };
  try {
    await k.create("SecretStore", ns, "known", { provider: { fake: { data: [...KEYS.map((key) => ({ key, value: key === "json/doc" ? JSON.stringify({ a: secretValue }) : secretValue })), { key: "foreign-key", value: "theirs" }] } } });
    const candidates = fc.sample(fc.oneof({ weight: 3, arbitrary: externalSecret }, { weight: 1, arbitrary: secretStore }, { weight: 2, arbitrary: pushSecret }, { weight: 2, arbitrary: generated }, { weight: 1, arbitrary: clusterExternalSecret }), { numRuns: opts.runs, seed: opts.seed });
    const accepted: Array<{ kind: Kind; name: string }> = [];
    const refusals = new Map<string, number>();
    for (const [index, candidate] of candidates.entries()) {
      const objectName = `fuzz-${index}`;
      const { version, plural } = API[candidate.kind];
      figures.tried++;
      try {
        if (candidate.generator) {
          const generatorName = `${objectName}-gen`;
          await k.custom.createNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural: GENERATOR_PLURALS[candidate.generator.kind]!, body: { apiVersion: `${GENERATOR_GROUP}/${GENERATOR_VERSION}`, kind: candidate.generator.kind, metadata: { name: generatorName }, spec: candidate.generator.spec } });
          const dataFrom = candidate.spec["dataFrom"] as Array<{ sourceRef: { generatorRef: { name: string } } }>;
          for (const entry of dataFrom) if (entry.sourceRef.generatorRef.name === "own") entry.sourceRef.generatorRef.name = generatorName;
          figures.generators = (figures.generators ?? 0) + 1;
        }
        if (API[candidate.kind].cluster) {
          const spec = JSON.parse(JSON.stringify(candidate.spec).replaceAll(THIS_RUN, ns)) as Record<string, unknown>;
          const clusterName = `${ns}-${objectName}`;
          await k.custom.createClusterCustomObject({ group: "external-secrets.io", version, plural, body: { apiVersion: `external-secrets.io/${version}`, kind: candidate.kind, metadata: { name: clusterName }, spec } });
          clusterObjects.push(clusterName);
          accepted.push({ kind: candidate.kind, name: clusterName });
        } else {
          await k.custom.createNamespacedCustomObject({ group: "external-secrets.io", version, namespace: ns, plural, body: { apiVersion: `external-secrets.io/${version}`, kind: candidate.kind, metadata: { name: objectName }, spec: candidate.spec } });
          accepted.push({ kind: candidate.kind, name: objectName });
        }
      } catch (err) {
        const status = (err as { code?: number }).code;
        if (status !== 422 && status !== 400) throw err;
        figures.refused++;
        const body = String((err as { body?: unknown }).body ?? "");
        let message: string | undefined;
        try {
          message = (JSON.parse(body) as { message?: string }).message || undefined;
        } catch {
          message = undefined;
        }
        if (!message) figures.refusedWithoutMessage++;
        else refusals.set(causeOf(message), (refusals.get(causeOf(message)) ?? 0) + 1);
      }
    }
    log(`fuzz: ${figures.tried} objects tried, ${figures.refused} refused by the CRDs, ${accepted.length} accepted; waiting for their conditions`);
    figures.refusedBy = Object.fromEntries([...refusals].sort((a, b) => b[1] - a[1]));
    figures.acceptedByKind = {};
    for (const { kind } of accepted) figures.acceptedByKind[kind] = (figures.acceptedByKind[kind] ?? 0) + 1;
    for (const { kind, name: objectName } of accepted) {
      const { version, plural, cluster } = API[kind];
      const condition = await waitFor(
        `${kind} ${objectName} has a Ready condition`,
        async () => {
          const obj = (
            cluster
              ? await k.custom.getClusterCustomObject({ group: "external-secrets.io", version, plural, name: objectName })
              : await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version, namespace: ns, plural, name: objectName })
          ) as { status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } };
          return ready(obj);
        },
        opts.conditionTimeoutMs,
      ).catch(() => undefined);
      if (!condition) figures.noCondition.push(`${kind}/${objectName}`);
      else if (condition.status === "True") figures.readyTrue++;
      else {
        figures.readyFalse++;
        if (!condition.message) figures.readyFalseWithoutMessage++;
      }
    }
    await sleep(1_000);
    figures.operatorStillReady = op.operator.ready();
    const foreign = await k.secret(ns, "foreign");
    figures.foreignSecretTouched = Buffer.from(foreign?.data?.["v"] ?? "", "base64").toString() !== foreignValue || foreign?.metadata?.labels?.[LABEL_MANAGED] !== undefined;
    const logs = op.logs();
    for (const value of [secretValue, foreignValue]) for (const form of leakForms(value)) if (logs.includes(form)) figures.leakedValues++;
    return figures;
  } finally {
    // Cluster-scoped: they would outlive the namespace and stamp into later runs' namespaces.
    for (const name of clusterObjects) await k.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clusterexternalsecrets", name }).catch(() => undefined);
    await op.stop();
  }
}
