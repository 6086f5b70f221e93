import { test } from "node:test";
import assert from "node:assert/strict";
import type { V1PodSpec } from "@kubernetes/client-node";
import type { Workload } from "../../../../src/kube/workloads.ts";
import { reloaderRule, secretsUsedBy } from "../../../../src/reconcilers/rollout-restart/reloader.ts";

const workload = (annotations: Record<string, string>, podSpec?: V1PodSpec, templateAnnotations: Record<string, string> = {}): Workload => ({
  kind: "Deployment",
  namespace: "team",
  name: "web",
  uid: "u",
  annotations,
  templateAnnotations,
  podSpec,
});
const secret = (name: string, annotations: Record<string, string> = {}) => ({ name, annotations });
const usesDb: V1PodSpec = { containers: [{ name: "app", env: [{ name: "P", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }] }] };

test("secretsUsedBy: env, envFrom, mounted secret and projected volumes, containers and init containers", () => {
  const spec: V1PodSpec = {
    initContainers: [{ name: "init", envFrom: [{ secretRef: { name: "init-env" } }], volumeMounts: [{ name: "proj", mountPath: "/p" }] }],
    containers: [
      { name: "a", env: [{ name: "X", valueFrom: { secretKeyRef: { name: "env-key", key: "k" } } }, { name: "Y", value: "literal" }], volumeMounts: [{ name: "files", mountPath: "/f" }] },
      { name: "b", envFrom: [{ configMapRef: { name: "a-configmap" } }] },
    ],
    volumes: [
      { name: "files", secret: { secretName: "mounted" } },
      { name: "proj", projected: { sources: [{ secret: { name: "projected" } }, { configMap: { name: "cm" } }] } },
      { name: "unmounted", secret: { secretName: "not-mounted" } },
    ],
  };
  assert.deepEqual([...secretsUsedBy(spec)].sort(), ["env-key", "init-env", "mounted", "projected"]);
  assert.deepEqual([...secretsUsedBy(undefined)], []);
});

test("reloaderRule: Reloader's annotations for Secrets, as Reloader reads them", () => {
  const cases: Array<{ name: string; workload: Workload; secret: ReturnType<typeof secret>; want: boolean | undefined }> = [
    { name: "no Reloader annotation: no rule", workload: workload({ "other/annotation": "true" }, usesDb), secret: secret("db"), want: undefined },
    { name: "auto, used by env", workload: workload({ "reloader.stakater.com/auto": "true" }, usesDb), secret: secret("db"), want: true },
    { name: "auto, not used", workload: workload({ "reloader.stakater.com/auto": "true" }, usesDb), secret: secret("api"), want: false },
    { name: "auto as Go's ParseBool (T)", workload: workload({ "reloader.stakater.com/auto": "T" }, usesDb), secret: secret("db"), want: true },
    { name: "auto false", workload: workload({ "reloader.stakater.com/auto": "false" }, usesDb), secret: secret("db"), want: false },
    { name: "auto yes is not ParseBool true", workload: workload({ "reloader.stakater.com/auto": "yes" }, usesDb), secret: secret("db"), want: false },
    { name: "secret auto", workload: workload({ "secret.reloader.stakater.com/auto": "true" }, usesDb), secret: secret("db"), want: true },
    { name: "reload names it, not used", workload: workload({ "secret.reloader.stakater.com/reload": "api, db" }), secret: secret("db"), want: true },
    { name: "reload entries are anchored regexps", workload: workload({ "secret.reloader.stakater.com/reload": "d" }), secret: secret("db"), want: false },
    { name: "reload regexp", workload: workload({ "secret.reloader.stakater.com/reload": "d.*" }), secret: secret("db"), want: true },
    { name: "an invalid entry is skipped, the others apply", workload: workload({ "secret.reloader.stakater.com/reload": "a(,db" }), secret: secret("db"), want: true },
    { name: "on the pod template when the metadata has none", workload: workload({}, usesDb, { "reloader.stakater.com/auto": "true" }), secret: secret("db"), want: true },
    { name: "metadata wins over the pod template", workload: workload({ "reloader.stakater.com/auto": "false" }, usesDb, { "reloader.stakater.com/auto": "true" }), secret: secret("db"), want: false },
    { name: "excluded by name", workload: workload({ "reloader.stakater.com/auto": "true", "secrets.exclude.reloader.stakater.com/reload": "x, db" }, usesDb), secret: secret("db"), want: false },
    { name: "the Secret ignores Reloader", workload: workload({ "secret.reloader.stakater.com/reload": "db" }), secret: secret("db", { "reloader.stakater.com/ignore": "true" }), want: false },
    { name: "search + match, used", workload: workload({ "reloader.stakater.com/search": "true" }, usesDb), secret: secret("db", { "reloader.stakater.com/match": "true" }), want: true },
    { name: "search without match", workload: workload({ "reloader.stakater.com/search": "true" }, usesDb), secret: secret("db"), want: false },
    { name: "search + match, not used", workload: workload({ "reloader.stakater.com/search": "true" }, usesDb), secret: secret("api", { "reloader.stakater.com/match": "true" }), want: false },
  ];
  for (const { name, workload: w, secret: s, want } of cases) assert.equal(reloaderRule(w)?.reloadsOn(s), want, name);
});

test("reloaderRule: a backtracking-style pattern in the annotation runs in linear time (RE2)", () => {
  const rule = reloaderRule(workload({ "secret.reloader.stakater.com/reload": "(a+)+b" }))!;
  assert.equal(rule.reloadsOn(secret("a".repeat(5000))), false);
});
