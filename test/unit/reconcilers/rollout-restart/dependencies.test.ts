import { test } from "node:test";
import assert from "node:assert/strict";
import type { ExternalSecret } from "../../../../src/api/external-secret.ts";
import { dataChanged, dependenciesOf, secretsHash } from "../../../../src/reconcilers/rollout-restart/dependencies.ts";

const es = (name: string, target: ExternalSecret["spec"]["target"], namespace = "team"): ExternalSecret =>
  ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name, namespace }, spec: { target, data: [] } }) as unknown as ExternalSecret;

test("dependenciesOf: the Secrets of the ExternalSecrets naming the workload, in the workload's namespace, by name", () => {
  const web = { kind: "Deployment" as const, namespace: "team", name: "web" };
  const all = [
    es("zeta", { rolloutRestartTargets: [{ kind: "Deployment", name: "web" }] }),
    es("alpha", { name: "db-creds", rolloutRestartTargets: [{ kind: "Deployment", name: "web" }, { kind: "StatefulSet", name: "db" }] }),
    es("other-kind", { rolloutRestartTargets: [{ kind: "StatefulSet", name: "web" }] }),
    es("other-name", { rolloutRestartTargets: [{ kind: "Deployment", name: "api" }] }),
    es("elsewhere", { rolloutRestartTargets: [{ kind: "Deployment", name: "web" }] }, "other"),
    es("none", {}),
  ];
  assert.deepEqual(dependenciesOf(all, web), [
    { secret: "db-creds", externalSecret: "alpha" },
    { secret: "zeta", externalSecret: "zeta" },
  ]);
  assert.deepEqual(dependenciesOf(all, { kind: "StatefulSet", namespace: "team", name: "db" }), [{ secret: "db-creds", externalSecret: "alpha" }]);
  assert.deepEqual(dependenciesOf(all, { kind: "DaemonSet", namespace: "team", name: "web" }), []);
});

test("secretsHash: same digests give the same hash whatever the order; any digest change gives another", () => {
  const a = secretsHash([["db", "d1"], ["api", "a1"]]);
  assert.equal(a, secretsHash([["api", "a1"], ["db", "d1"]]));
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, secretsHash([["api", "a1"], ["db", "d2"]]));
  assert.notEqual(a, secretsHash([["api", "a1"]]));
  assert.notEqual(secretsHash([["db", undefined]]), secretsHash([["db", "d1"]]));
});

test("dataChanged: only an update of known data to different data", () => {
  const cases = [
    { name: "data changed", given: ["updated", "h1", "h2"] as const, want: true },
    { name: "metadata-only update", given: ["updated", "h1", "h1"] as const, want: false },
    { name: "creation", given: ["created", undefined, "h1"] as const, want: false },
    { name: "earlier data unknown", given: ["updated", undefined, "h1"] as const, want: false },
    { name: "unchanged", given: ["unchanged", "h1", "h1"] as const, want: false },
    { name: "deleted", given: ["deleted", "h1", undefined] as const, want: false },
  ];
  for (const { name, given, want } of cases) assert.equal(dataChanged(given[0], given[1], given[2]), want, name);
});
