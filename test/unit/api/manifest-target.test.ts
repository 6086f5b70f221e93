// target.manifest kinds: well-formed names only (they reach the discovery URL) and never a kind that would
// bypass the Secret rules or touch the operator's own records.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { manifestKind, targetIndexKey } from "../../../src/api/manifest-target.ts";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";

const es = (apiVersion: string, kind: string) => ({ spec: { data: [], target: { manifest: { apiVersion, kind } } } }) as unknown as ExternalSecret;

describe("manifestKind", () => {
  it("is undefined for a Secret target", () => assert.equal(manifestKind({ spec: { data: [] } } as unknown as ExternalSecret), undefined));
  it("reads core and grouped kinds", () => {
    assert.deepEqual(manifestKind(es("v1", "ConfigMap")), { apiVersion: "v1", group: "", kind: "ConfigMap" });
    assert.deepEqual(manifestKind(es("argoproj.io/v1alpha1", "Application")), { apiVersion: "argoproj.io/v1alpha1", group: "argoproj.io", kind: "Application" });
    assert.deepEqual(manifestKind(es("security.istio.io/v1beta1", "AuthorizationPolicy"))?.group, "security.istio.io");
  });
  const malformed = ["../../api/v1", "v1/../x", "apps/v1/x", "Apps/v1", "apps/", "v0", "apps/v1?watch=1", "apps/v1#", " v1"];
  for (const apiVersion of malformed) it(`refuses apiVersion ${JSON.stringify(apiVersion)}`, () => assert.throws(() => manifestKind(es(apiVersion, "ConfigMap")), /not a valid API version/));
  for (const kind of ["configmap", "Config/Map", "Config Map", "A".repeat(64), "ConfigMap?x"]) it(`refuses kind ${JSON.stringify(kind)}`, () => assert.throws(() => manifestKind(es("v1", kind)), /not a valid kind/));
  const forbidden: Array<[string, string, RegExp]> = [
    ["v1", "Secret", /spec\.target \(no manifest\)/],
    ["v1", "Event", /operator's own records/],
    ["events.k8s.io/v1", "Event", /operator's own records/],
    ["coordination.k8s.io/v1", "Lease", /Leases/],
    ["external-secrets.io/v1", "ExternalSecret", /external-secrets\.io kinds/],
    ["generators.external-secrets.io/v1alpha1", "Password", /external-secrets\.io kinds/],
  ];
  for (const [apiVersion, kind, why] of forbidden) it(`refuses ${apiVersion} ${kind}`, () => assert.throws(() => manifestKind(es(apiVersion, kind)), why));
  it("allows a Secret-named kind of another group", () => assert.equal(manifestKind(es("example.com/v1", "Secret"))?.kind, "Secret"));
});

describe("targetIndexKey", () => {
  it("keeps Secrets as namespace/name and qualifies other kinds", () => {
    assert.equal(targetIndexKey("ns", "a"), "ns/a");
    assert.equal(targetIndexKey("ns", "a", { group: "", kind: "ConfigMap" }), "ConfigMap.:ns/a");
    assert.notEqual(targetIndexKey("ns", "a", { group: "x.io", kind: "ConfigMap" }), targetIndexKey("ns", "a", { group: "", kind: "ConfigMap" }));
  });
});
