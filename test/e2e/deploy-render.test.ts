// The Helm chart and the kustomize base: lint, render with default and non-default values, and agree.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubernetesObject, V1ClusterRole, V1Deployment, V1Role } from "@kubernetes/client-node";
import { CHART, helm, helmTemplate, idOf, kustomizeBuild } from "../helpers/deploy.ts";

const byKind = (objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind);

describe("Helm chart", () => {
  it("passes helm lint --strict", () => {
    assert.match(helm(["lint", "--strict", CHART]), /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("renders with default values: CRDs, RBAC, leader election, a restricted Deployment with probes", () => {
    const objects = helmTemplate("sb-system");
    assert.equal(byKind(objects, "CustomResourceDefinition").length, 3);
    const deployment = byKind(objects, "Deployment")[0] as V1Deployment;
    assert.equal(deployment.spec?.replicas, 2);
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0]!;
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault");
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext?.capabilities?.drop, ["ALL"]);
    assert.equal(container.livenessProbe?.httpGet?.path, "/healthz");
    assert.equal(container.readinessProbe?.httpGet?.path, "/readyz");
    assert.ok(container.args?.includes("--leader-elect=true"));
    assert.ok(!container.args?.includes("--allow-ambient-credentials-for-namespaced-stores"), "SecretStores may not use the operator's identity by default");
    assert.ok(pod.topologySpreadConstraints?.length);
    const roles = byKind(objects, "ClusterRole") as V1ClusterRole[];
    assert.deepEqual(roles.map((r) => r.metadata?.name).sort(), ["secrets-bridge", "secrets-bridge-cluster"]);
    for (const role of roles) for (const rule of role.rules ?? []) assert.ok(!rule.verbs.includes("*") && !(rule.resources ?? []).includes("*"), "no wildcards");
    const lease = byKind(objects, "Role").find((r) => r.metadata?.name === "secrets-bridge-leader-election") as V1Role;
    assert.deepEqual(lease.rules?.[0]?.resources, ["leases"]);
    assert.equal(byKind(objects, "ServiceMonitor").length, 0);
    assert.equal(byKind(objects, "NetworkPolicy").length, 0);
    assert.equal(byKind(objects, "Service").length, 1);
  });

  it("renders non-default values: namespace-scoped RBAC, ServiceMonitor, NetworkPolicy, no CRDs, extras", () => {
    const objects = helmTemplate("sb-system", [
      "scope.namespaces={team-a,team-b}",
      "metrics.serviceMonitor.enabled=true",
      "networkPolicy.enabled=true",
      "installCRDs=false",
      "replicaCount=3",
      "leaderElection.enabled=false",
      "logLevel=debug",
      "allowAmbientCredentialsForNamespacedStores=true",
      "extraEnv[0].name=HTTPS_PROXY",
      "extraEnv[0].value=http://proxy:3128",
    ]);
    assert.equal(byKind(objects, "CustomResourceDefinition").length, 0);
    assert.deepEqual(byKind(objects, "ClusterRole").map((r) => r.metadata?.name), ["secrets-bridge-cluster"]);
    const roles = byKind(objects, "Role").map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`).sort();
    assert.deepEqual(roles, ["team-a/secrets-bridge", "team-b/secrets-bridge"]);
    assert.equal(byKind(objects, "ServiceMonitor").length, 1);
    assert.equal(byKind(objects, "NetworkPolicy").length, 1);
    const deployment = byKind(objects, "Deployment")[0] as V1Deployment;
    const container = deployment.spec!.template.spec!.containers[0]!;
    assert.equal(deployment.spec?.replicas, 3);
    assert.ok(container.args?.includes("--namespace=team-a,team-b"));
    assert.ok(container.args?.includes("--leader-elect=false"));
    assert.ok(container.args?.includes("--log-level=debug"));
    assert.ok(container.args?.includes("--allow-ambient-credentials-for-namespaced-stores"));
    assert.deepEqual(container.env?.find((e) => e.name === "HTTPS_PROXY")?.value, "http://proxy:3128");
  });

  it("optionally ships the alert rules and the Grafana dashboard", () => {
    const objects = helmTemplate("sb-system", ["metrics.prometheusRule.enabled=true", "metrics.grafanaDashboard.enabled=true"]);
    const rule = byKind(objects, "PrometheusRule")[0] as KubernetesObject & { spec: { groups: Array<{ rules: unknown[] }> } };
    assert.ok(rule.spec.groups[0]!.rules.length >= 5);
    const dashboard = byKind(objects, "ConfigMap")[0] as KubernetesObject & { data: Record<string, string> };
    assert.equal(JSON.parse(dashboard.data["secrets-bridge.json"]!).uid, "secrets-bridge");
  });
});

describe("kustomize base", () => {
  it("renders the same objects as the chart with default values (release secrets-bridge in namespace secrets-bridge)", () => {
    const fromKustomize = kustomizeBuild();
    const fromHelm = helmTemplate("secrets-bridge");
    const ids = (objects: KubernetesObject[]) => objects.filter((o) => o.kind !== "Namespace").map(idOf).sort();
    assert.deepEqual(ids(fromKustomize), ids(fromHelm));
    const args = (objects: KubernetesObject[]) => (byKind(objects, "Deployment")[0] as V1Deployment).spec!.template.spec!.containers[0]!.args;
    assert.deepEqual(args(fromKustomize), args(fromHelm));
    const rules = (objects: KubernetesObject[], name: string) => JSON.stringify((objects.find((o) => o.kind === "ClusterRole" && o.metadata?.name === name) as V1ClusterRole).rules);
    for (const name of ["secrets-bridge", "secrets-bridge-cluster"]) assert.equal(rules(fromKustomize, name), rules(fromHelm, name));
  });
});
