// The Helm chart and the kustomize base: lint, render with default and non-default values, and agree; the
// hardening switches (token-create RBAC, egress NetworkPolicy, /metrics auth) and shards=auto on and off, in both flavours.
import { describe, it } from "node:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import assert from "node:assert/strict";
import type { KubernetesObject, V1ClusterRole, V1Deployment, V1NetworkPolicy, V1PolicyRule, V1Role, V1Service } from "@kubernetes/client-node";
import { CHART, REPO, helm, helmTemplate, idOf, kustomizeBuild } from "../helpers/deploy.ts";
import { parseManifests } from "../../src/kube/apply.ts";
import { KUBE_VERSION } from "../bench/binaries.ts";
import { SLOT_COUNT } from "../../src/controller/shards/rendezvous.ts";

const byKind = (objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind);
const argsOf = (objects: KubernetesObject[]) => (byKind(objects, "Deployment")[0] as V1Deployment).spec!.template.spec!.containers[0]!.args ?? [];
const grantsTokenCreate = (rules: V1PolicyRule[] | undefined) => (rules ?? []).some((rule) => rule.resources?.includes("serviceaccounts/token") && rule.verbs.includes("create"));
const clusterRole = (objects: KubernetesObject[], name: string) => objects.find((o) => o.kind === "ClusterRole" && o.metadata?.name === name) as V1ClusterRole | undefined;
// The addresses of the kustomize example (components/egress-network-policy), as chart values.
const EGRESS_EXAMPLE = ["networkPolicy.egress.enabled=true", "networkPolicy.egress.apiServer.cidrs={192.0.2.10/32}", "networkPolicy.egress.to[0].cidr=198.51.100.0/24", "networkPolicy.egress.to[0].ports={8200}"];

describe("Helm chart", () => {
  it("passes helm lint --strict", () => {
    assert.match(helm(["lint", "--strict", CHART]), /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("renders with default values: CRDs, RBAC, leader election, a restricted Deployment with probes", () => {
    const objects = helmTemplate("sb-system");
    assert.deepEqual(byKind(objects, "CustomResourceDefinition").map((crd) => crd.metadata?.name).sort(), [
      "clusterexternalsecrets.external-secrets.io", "clustergenerators.generators.external-secrets.io", "clusterpushsecrets.external-secrets.io", "clustersecretstores.external-secrets.io", "ecrauthorizationtokens.generators.external-secrets.io", "externalsecrets.external-secrets.io",
      "fakes.generators.external-secrets.io", "generatorstates.generators.external-secrets.io", "passwords.generators.external-secrets.io", "pushsecrets.external-secrets.io", "refreshreceivers.secrets-bridge.io", "secretstores.external-secrets.io",
      "sshkeys.generators.external-secrets.io", "stssessiontokens.generators.external-secrets.io", "uuids.generators.external-secrets.io", "vaultdynamicsecrets.generators.external-secrets.io", "webhooks.generators.external-secrets.io",
    ]);
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
    assert.deepEqual(roles.map((r) => r.metadata?.name).sort(), ["secrets-bridge", "secrets-bridge-cluster", "secrets-bridge-metrics-auth", "secrets-bridge-metrics-reader"]);
    assert.ok(grantsTokenCreate(clusterRole(objects, "secrets-bridge")?.rules), "token create by default (ESO parity)");
    assert.ok(container.args?.includes("--service-account-token-requests=true"));
    assert.ok(container.args?.includes("--metrics-auth=kubernetes"));
    for (const role of roles) for (const rule of role.rules ?? []) assert.ok(!rule.verbs.includes("*") && !(rule.resources ?? []).includes("*"), "no wildcards");
    const lease = byKind(objects, "Role").find((r) => r.metadata?.name === "secrets-bridge-leader-election") as V1Role;
    assert.deepEqual(lease.rules?.[0]?.resources, ["leases"]);
    assert.equal(byKind(objects, "ServiceMonitor").length, 0);
    assert.equal(byKind(objects, "NetworkPolicy").length, 0);
    assert.equal(byKind(objects, "Service").length, 1);
    const cluster = clusterRole(objects, "secrets-bridge-cluster")?.rules ?? [];
    const grants = (resource: string, verb: string) => cluster.some((rule) => rule.resources?.includes(resource) && rule.verbs.includes(verb));
    for (const [resource, verb] of [["clusterexternalsecrets", "watch"], ["clusterexternalsecrets/status", "patch"], ["clusterexternalsecrets/finalizers", "update"], ["externalsecrets", "create"], ["externalsecrets", "delete"], ["namespaces", "watch"], ["namespaces", "patch"]]) {
      assert.ok(grants(resource!, verb!), `ClusterExternalSecret controller: ${verb} ${resource}`);
    }
    assert.ok(!container.args?.some((arg) => arg.startsWith("--enable-cluster-external-secret-reconciler")), "on by default, no flag");
  });

  it("rolloutRestarts: on by default with get/patch on the three workload kinds only; off drops the grant and tells the operator", () => {
    const workloadRules = (objects: KubernetesObject[]) => (clusterRole(objects, "secrets-bridge")?.rules ?? []).filter((rule) => rule.apiGroups?.includes("apps"));
    const argsOfChart = (objects: KubernetesObject[]) => (byKind(objects, "Deployment")[0] as V1Deployment).spec!.template.spec!.containers[0]!.args ?? [];
    const on = helmTemplate("sb-system");
    assert.deepEqual(workloadRules(on).map((rule) => [rule.resources, rule.verbs]), [[["deployments", "statefulsets", "daemonsets"], ["get", "list", "patch"]]]);
    assert.ok(argsOfChart(on).includes("--rollout-restarts=on"));
    assert.ok(argsOfChart(on).includes("--reloader-annotations=on"));
    const noReloader = helmTemplate("sb-system", ["rolloutRestarts.reloaderAnnotations=false"]);
    assert.deepEqual(workloadRules(noReloader).map((rule) => rule.verbs), [["get", "patch"]], "Reloader off: no list");
    assert.ok(argsOfChart(noReloader).includes("--reloader-annotations=off"));
    const off = helmTemplate("sb-system", ["rolloutRestarts.enabled=false"]);
    assert.deepEqual(workloadRules(off), []);
    assert.ok(argsOfChart(off).includes("--rollout-restarts=off"));
  });

  it("watchLabelSelector: absent by default; set, the operator is told (one release per shard)", () => {
    const argsOfChart = (objects: KubernetesObject[]) => (byKind(objects, "Deployment")[0] as V1Deployment).spec!.template.spec!.containers[0]!.args ?? [];
    assert.ok(!argsOfChart(helmTemplate("sb-system")).some((arg) => arg.startsWith("--watch-label-selector")));
    const shard = helmTemplate("sb-system", ["watchLabelSelector=!sharding.secrets-bridge.dev/key"]);
    assert.ok(argsOfChart(shard).includes("--watch-label-selector=!sharding.secrets-bridge.dev/key"));
  });

  it("clusterExternalSecret: off drops its RBAC and tells the operator; releaseEsoFinalizers=false drops namespaces patch only", () => {
    const grants = (objects: KubernetesObject[], resource: string, verb: string) => (clusterRole(objects, "secrets-bridge-cluster")?.rules ?? []).some((rule) => rule.resources?.includes(resource) && rule.verbs.includes(verb));
    const off = helmTemplate("sb-system", ["clusterExternalSecret.enabled=false"]);
    assert.ok(!grants(off, "clusterexternalsecrets", "watch") && !grants(off, "namespaces", "patch"));
    assert.ok(grants(off, "namespaces", "watch"), "the ClusterPushSecret controller still watches namespaces");
    assert.ok(!grants(helmTemplate("sb-system", ["clusterExternalSecret.enabled=false", "clusterPushSecret.enabled=false"]), "namespaces", "watch"));
    assert.ok((byKind(off, "Deployment")[0] as V1Deployment).spec!.template.spec!.containers[0]!.args?.includes("--enable-cluster-external-secret-reconciler=false"));
    const kept = helmTemplate("sb-system", ["clusterExternalSecret.releaseEsoFinalizers=false"]);
    assert.ok(grants(kept, "clusterexternalsecrets", "watch") && grants(kept, "namespaces", "watch"));
    assert.ok(!grants(kept, "namespaces", "patch") && !grants(kept, "clusterexternalsecrets", "patch"));
    const scoped = helmTemplate("sb-system", ["scope.namespaces={team-a}"]);
    assert.ok(!grants(scoped, "clusterexternalsecrets", "watch"), "namespace-scoped installations run no ClusterExternalSecret controller");
  });

  it("clusterPushSecret: on by default (its RBAC, no flag); off drops its RBAC and tells the operator; never in namespace scope", () => {
    const grants = (objects: KubernetesObject[], resource: string, verb: string) => (clusterRole(objects, "secrets-bridge-cluster")?.rules ?? []).some((rule) => rule.resources?.includes(resource) && rule.verbs.includes(verb));
    const on = helmTemplate("sb-system");
    assert.ok(grants(on, "clusterpushsecrets", "watch") && grants(on, "clusterpushsecrets/status", "patch") && grants(on, "pushsecrets", "create") && grants(on, "pushsecrets", "delete"));
    assert.ok(!argsOf(on).some((arg) => arg.startsWith("--enable-cluster-push-secret-reconciler")));
    const off = helmTemplate("sb-system", ["clusterPushSecret.enabled=false"]);
    assert.ok(!grants(off, "clusterpushsecrets", "watch") && !grants(off, "pushsecrets", "create"));
    assert.ok(argsOf(off).includes("--enable-cluster-push-secret-reconciler=false"));
    assert.ok(!grants(helmTemplate("sb-system", ["scope.namespaces={team-a}"]), "clusterpushsecrets", "watch"));
  });

  it("generators: get (no list, no watch) on the namespaced kinds wherever the operator works, and on clustergenerators cluster-wide", () => {
    const GROUP = "generators.external-secrets.io";
    const generatorVerbs = (rules: V1PolicyRule[] | undefined, resource: string) => (rules ?? []).filter((rule) => rule.apiGroups?.includes(GROUP) && rule.resources?.includes(resource)).flatMap((rule) => rule.verbs);
    for (const scope of [[], ["scope.namespaces={team-a}"]]) {
      const objects = helmTemplate("sb-system", scope);
      const namespaced = scope.length === 0 ? clusterRole(objects, "secrets-bridge")?.rules : (byKind(objects, "Role").find((r) => r.metadata?.namespace === "team-a") as V1Role).rules;
      for (const resource of ["passwords", "uuids", "sshkeys", "fakes", "vaultdynamicsecrets", "stssessiontokens", "ecrauthorizationtokens", "webhooks"]) assert.deepEqual(generatorVerbs(namespaced, resource), ["get"], `${resource} ${scope}`);
      assert.deepEqual(generatorVerbs(namespaced, "clustergenerators"), [], "cluster-scoped kinds only in the cluster role");
      assert.deepEqual(generatorVerbs(clusterRole(objects, "secrets-bridge-cluster")?.rules, "clustergenerators"), ["get"]);
      assert.deepEqual(generatorVerbs(clusterRole(objects, "secrets-bridge-cluster")?.rules, "passwords"), [], "namespaced kinds only where the operator works");
      const esVerbs = (namespaced ?? []).filter((rule) => rule.apiGroups?.includes("external-secrets.io") && rule.resources?.includes("externalsecrets")).flatMap((rule) => rule.verbs);
      assert.ok(esVerbs.includes("get"), "a generator sync is confirmed against the live ExternalSecret");
    }
    // The no-token-requests component replaces the whole rule list: it must keep the generator grant.
    const hardened = kustomizeBuild(`${REPO}deploy/overlays/hardened`);
    for (const resource of ["passwords", "uuids", "sshkeys", "fakes", "vaultdynamicsecrets", "stssessiontokens", "ecrauthorizationtokens", "webhooks"]) assert.deepEqual(generatorVerbs(clusterRole(hardened, "secrets-bridge")?.rules, resource), ["get"], `hardened ${resource}`);
    assert.deepEqual(generatorVerbs(clusterRole(kustomizeBuild(), "secrets-bridge-cluster")?.rules, "clustergenerators"), ["get"]);
  });

  it("generatorState: on by default (the grace period, generatorstates verbs wherever the operator works, the key Secret's Role); off drops both and tells the operator", () => {
    const stateVerbs = (rules: V1PolicyRule[] | undefined) => (rules ?? []).filter((rule) => rule.resources?.includes("generatorstates")).flatMap((rule) => rule.verbs);
    const keyRole = (objects: KubernetesObject[]) => byKind(objects, "Role").find((r) => r.metadata?.name === "secrets-bridge-generator-state-key") as V1Role | undefined;
    for (const scope of [[], ["scope.namespaces={team-a}"]]) {
      const objects = helmTemplate("sb-system", scope);
      const namespaced = scope.length === 0 ? clusterRole(objects, "secrets-bridge")?.rules : (byKind(objects, "Role").find((r) => r.metadata?.namespace === "team-a") as V1Role).rules;
      assert.deepEqual(stateVerbs(namespaced), ["list", "watch", "create", "patch", "delete"], `${scope}`);
      assert.ok(argsOf(objects).includes("--generator-gc-grace-period=2m"));
      const key = keyRole(objects);
      assert.equal(key?.metadata?.namespace, "sb-system");
      assert.deepEqual(key?.rules?.map((rule) => [rule.resources, rule.resourceNames, rule.verbs]), [
        [["secrets"], ["secrets-bridge-generator-state-key"], ["get"]],
        [["secrets"], undefined, ["create"]],
      ]);
    }
    const off = helmTemplate("sb-system", ["generatorState.enabled=false"]);
    assert.deepEqual(stateVerbs(clusterRole(off, "secrets-bridge")?.rules), []);
    assert.equal(keyRole(off), undefined);
    assert.ok(argsOf(off).includes("--enable-generator-state=false"));
    assert.ok(!argsOf(off).some((arg) => arg.startsWith("--generator-gc-grace-period")));
    assert.ok(argsOf(helmTemplate("sb-system", ["generatorState.gcGracePeriod=10m"])).includes("--generator-gc-grace-period=10m"));
    // The hardened overlay replaces the whole namespaced rule list: it must keep the grant.
    assert.deepEqual(stateVerbs(clusterRole(kustomizeBuild(`${REPO}deploy/overlays/hardened`), "secrets-bridge")?.rules), ["list", "watch", "create", "patch", "delete"]);
  });

  it("receiver: off by default (no flag, port, Service, Ingress or RBAC); on, the listener with its Service, RBAC in every scope, and an optional /hook/ Ingress", () => {
    const receiverRules = (rules: V1PolicyRule[] | undefined) => (rules ?? []).filter((rule) => rule.apiGroups?.includes("secrets-bridge.io")).map((rule) => [rule.resources, rule.verbs]);
    const webhooksService = (objects: KubernetesObject[]) => byKind(objects, "Service").find((s) => s.metadata?.name === "secrets-bridge-webhooks") as (KubernetesObject & { spec: { ports: Array<{ port: number; targetPort: string }> } }) | undefined;
    const ports = (objects: KubernetesObject[]) => (byKind(objects, "Deployment")[0] as V1Deployment).spec!.template.spec!.containers[0]!.ports?.map((p) => `${p.name}:${p.containerPort}`);
    const off = helmTemplate("sb-system");
    assert.ok(!argsOf(off).some((arg) => arg.startsWith("--receiver")));
    assert.deepEqual(ports(off), ["metrics:8080"]);
    assert.equal(webhooksService(off), undefined);
    assert.equal(byKind(off, "Ingress").length, 0);
    assert.deepEqual(receiverRules(clusterRole(off, "secrets-bridge")?.rules), []);
    const on = helmTemplate("sb-system", ["receiver.enabled=true"]);
    assert.ok(argsOf(on).includes("--receiver-bind-address=:9292"));
    assert.ok(argsOf(on).includes("--receiver-requests-per-second=1") && argsOf(on).includes("--receiver-requests-burst=10"));
    assert.deepEqual(ports(on), ["metrics:8080", "webhooks:9292"]);
    assert.deepEqual(webhooksService(on)?.spec.ports.map((p) => [p.port, p.targetPort]), [[9292, "webhooks"]]);
    assert.equal(byKind(on, "Ingress").length, 0, "the Ingress is a separate choice");
    const wanted = [[["refreshreceivers"], ["list", "watch"]], [["refreshreceivers/status"], ["get", "patch"]]];
    assert.deepEqual(receiverRules(clusterRole(on, "secrets-bridge")?.rules), wanted);
    const scoped = helmTemplate("sb-system", ["receiver.enabled=true", "scope.namespaces={team-a}"]);
    assert.deepEqual(receiverRules((byKind(scoped, "Role").find((r) => r.metadata?.namespace === "team-a") as V1Role).rules), wanted);
    const policed = helmTemplate("sb-system", ["receiver.enabled=true", "networkPolicy.enabled=true"]);
    const policy = byKind(policed, "NetworkPolicy")[0] as V1NetworkPolicy;
    assert.ok(policy.spec?.ingress?.some((rule) => rule.ports?.some((p) => p.port === "webhooks")), "the NetworkPolicy admits the webhook port");
    // Only the leader acts on calls: it labels its own Pod (downward API names it) and the Service selects that label.
    const container = (byKind(on, "Deployment")[0] as V1Deployment).spec!.template.spec!.containers[0]!;
    assert.deepEqual(container.env?.filter((e) => e.name.startsWith("POD_")).map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]), [["POD_NAME", "metadata.name"], ["POD_NAMESPACE", "metadata.namespace"]]);
    const selector = (objects: KubernetesObject[]) => (webhooksService(objects)?.spec as unknown as { selector: Record<string, string> }).selector;
    assert.equal(selector(on)["secrets-bridge.io/webhooks"], "leader");
    const podRole = (objects: KubernetesObject[]) => byKind(objects, "Role").find((r) => r.metadata?.name === "secrets-bridge-webhook-role") as V1Role | undefined;
    assert.deepEqual(podRole(on)?.rules?.map((rule) => [rule.apiGroups, rule.resources, rule.verbs]), [[[""], ["pods"], ["patch"]]]);
    assert.equal(podRole(on)?.metadata?.namespace, "sb-system");
    const single = helmTemplate("sb-system", ["receiver.enabled=true", "leaderElection.enabled=false", "replicaCount=1"]);
    assert.equal(selector(single)["secrets-bridge.io/webhooks"], undefined, "without leader election every pod is the leader");
    assert.equal(podRole(single), undefined);
    const exposed = helmTemplate("sb-system", ["receiver.enabled=true", "receiver.ingress.enabled=true", "receiver.ingress.hosts={hooks.example.com}", "receiver.ingress.className=nginx"]);
    const ingress = byKind(exposed, "Ingress")[0] as KubernetesObject & { spec: { ingressClassName: string; rules: Array<{ host: string; http: { paths: Array<{ path: string; pathType: string; backend: { service: { name: string } } }> } }> } };
    assert.equal(ingress.spec.ingressClassName, "nginx");
    assert.deepEqual(ingress.spec.rules.map((r) => [r.host, r.http.paths.map((p) => [p.path, p.pathType, p.backend.service.name])]), [["hooks.example.com", [["/hook/", "Prefix", "secrets-bridge-webhooks"]]]]);
  });

  it("genericTargets: off by default; on passes the flag and grants exactly the listed kinds, scoped like the rest", () => {
    const grantsConfigMapWrite = (rules: V1PolicyRule[] | undefined) => (rules ?? []).some((rule) => rule.resources?.includes("configmaps") && rule.verbs.includes("create"));
    const off = helmTemplate("sb-system");
    assert.ok(!argsOf(off).includes("--unsafe-allow-generic-targets"));
    assert.ok(!grantsConfigMapWrite(clusterRole(off, "secrets-bridge")?.rules), "no write on ConfigMaps by default");
    const grant = ["genericTargets.enabled=true", "genericTargets.resources[0].apiGroups[0]=", "genericTargets.resources[0].resources={configmaps}", "genericTargets.resources[0].verbs={get,list,watch,create,update,delete}"];
    const on = helmTemplate("sb-system", grant);
    assert.ok(argsOf(on).includes("--unsafe-allow-generic-targets"));
    assert.ok(grantsConfigMapWrite(clusterRole(on, "secrets-bridge")?.rules));
    assert.ok(clusterRole(on, "secrets-bridge")?.rules?.some((rule) => rule.resources?.includes("configmaps") && rule.apiGroups?.length === 1 && rule.apiGroups[0] === ""), "the core group, as listed");
    const scoped = helmTemplate("sb-system", [...grant, "scope.namespaces={team-a}"]);
    assert.ok(grantsConfigMapWrite((byKind(scoped, "Role").find((r) => r.metadata?.namespace === "team-a") as V1Role).rules));
    assert.ok(!grantsConfigMapWrite(clusterRole(scoped, "secrets-bridge-cluster")?.rules), "a scoped installation grants the kinds in its namespaces only");
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
    assert.deepEqual(byKind(objects, "ClusterRole").map((r) => r.metadata?.name).sort(), ["secrets-bridge-cluster", "secrets-bridge-metrics-auth", "secrets-bridge-metrics-reader"]);
    const roles = byKind(objects, "Role").map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`).sort();
    assert.deepEqual(roles, ["sb-system/secrets-bridge-generator-state-key", "team-a/secrets-bridge", "team-b/secrets-bridge"]);
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

  it("shards: off by default (one leader, get/create/update on leases); auto runs every replica on member Leases with list/delete, and serves receivers from every replica", () => {
    const leaseVerbs = (objects: KubernetesObject[]) => (byKind(objects, "Role").find((r) => r.metadata?.name === "secrets-bridge-leader-election") as V1Role | undefined)?.rules?.map((rule) => [rule.resources, rule.verbs]);
    const off = helmTemplate("sb-system");
    assert.ok(!argsOf(off).some((arg) => arg.startsWith("--shards")));
    assert.deepEqual(leaseVerbs(off), [[["leases"], ["get", "create", "update"]]]);
    for (const leaderElection of ["true", "false"]) {
      const auto = helmTemplate("sb-system", ["shards=auto", `leaderElection.enabled=${leaderElection}`, "leaderElection.leaseDuration=4s"]);
      const args = argsOf(auto);
      assert.ok(args.includes("--shards=auto") && args.includes("--leader-elect=false"), `leaderElection.enabled=${leaderElection}`);
      assert.ok(!args.includes("--leader-elect=true"), "the operator refuses --leader-elect=true with --shards auto");
      // The fleet's name and its Lease durations still come from the leader-election flags.
      for (const arg of ["--leader-election-namespace=sb-system", "--leader-election-id=secrets-bridge-leader", "--leader-election-lease-duration=4s", "--leader-election-renew-deadline=10s", "--leader-election-retry-period=2s"]) assert.ok(args.includes(arg), arg);
      assert.deepEqual(leaseVerbs(auto), [[["leases"], ["get", "list", "create", "update", "delete"]]], `leaderElection.enabled=${leaderElection}`);
    }
    assert.equal(leaseVerbs(helmTemplate("sb-system", ["leaderElection.enabled=false"])), undefined, "neither: no Lease Role");
    // Receivers sharded: every member takes calls, so the webhooks Service selects no role and no Pod labels itself.
    const receiving = helmTemplate("sb-system", ["shards=auto", "receiver.enabled=true"]);
    const webhooks = byKind(receiving, "Service").find((s) => s.metadata?.name === "secrets-bridge-webhooks") as V1Service | undefined;
    assert.ok(webhooks, "the webhooks Service");
    assert.equal(webhooks.spec?.selector?.["secrets-bridge.io/webhooks"], undefined);
    assert.ok(!byKind(receiving, "Role").some((r) => r.metadata?.name === "secrets-bridge-webhook-role"), "no Pod-labelling Role");
    assert.ok(argsOf(receiving).includes("--receiver-bind-address=:9292"));
    const led = helmTemplate("sb-system", ["receiver.enabled=true"]);
    assert.equal((byKind(led, "Service").find((s) => s.metadata?.name === "secrets-bridge-webhooks") as V1Service | undefined)?.spec?.selector?.["secrets-bridge.io/webhooks"], "leader");
    assert.throws(() => helmTemplate("sb-system", ["shards=on"]), /shards must be off or auto/);
    // A values file's bare `off` is YAML's false: still off.
    const values = join(mkdtempSync(join(tmpdir(), "sb-values-")), "values.yaml");
    writeFileSync(values, "shards: off\n");
    assert.deepEqual(argsOf(parseManifests(helm(["template", "secrets-bridge", CHART, "--namespace", "sb-system", "--kube-version", KUBE_VERSION, "-f", values]))), argsOf(off));
  });

  it("optionally ships the alert rules and the Grafana dashboard", () => {
    const objects = helmTemplate("sb-system", ["metrics.prometheusRule.enabled=true", "metrics.grafanaDashboard.enabled=true"]);
    const rule = byKind(objects, "PrometheusRule")[0] as KubernetesObject & { spec: { groups: Array<{ rules: unknown[] }> } };
    assert.ok(rule.spec.groups[0]!.rules.length >= 5);
    assert.equal(rule.spec.groups.length, 1, "no shard rules without shards=auto");
    const dashboard = byKind(objects, "ConfigMap")[0] as KubernetesObject & { data: Record<string, string> };
    assert.equal(JSON.parse(dashboard.data["secrets-bridge.json"]!).uid, "secrets-bridge");
    // shards=auto adds its own group; every metric it queries is one the shard metrics register.
    const sharded = byKind(helmTemplate("sb-system", ["metrics.prometheusRule.enabled=true", "shards=auto"]), "PrometheusRule")[0] as KubernetesObject & { spec: { groups: Array<{ name: string; rules: Array<{ alert: string; expr: string }> }> } };
    const shardGroup = sharded.spec.groups.find((group) => group.name === "secrets-bridge-shards");
    assert.deepEqual(shardGroup?.rules.map((r) => r.alert), ["SecretsBridgeShardSlotsUncovered", "SecretsBridgeShardMembersDisagree"]);
    const registered = readFileSync(`${REPO}src/operator/shard-metrics.ts`, "utf8");
    for (const name of new Set(shardGroup!.rules.flatMap((r) => [...r.expr.matchAll(/secretsbridge_shard_[a-z_]+/g)].map((m) => m[0])))) assert.ok(registered.includes(`"${name}"`), `${name} is a shard metric`);
    assert.match(shardGroup!.rules[0]!.expr, new RegExp(`< ${SLOT_COUNT}$`));
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
    const rules = (objects: KubernetesObject[], name: string) => JSON.stringify(clusterRole(objects, name)!.rules);
    for (const name of ["secrets-bridge", "secrets-bridge-cluster", "secrets-bridge-metrics-auth", "secrets-bridge-metrics-reader"]) assert.equal(rules(fromKustomize, name), rules(fromHelm, name));
  });

  it("components/generic-targets passes the flag and grants the example kind, like the chart's genericTargets", () => {
    const overlay = mkdtempSync(join(tmpdir(), "sb-kustomize-"));
    // kustomize takes relative paths only.
    const from = (path: string) => relative(overlay, `${REPO}${path}`);
    writeFileSync(join(overlay, "kustomization.yaml"), `resources: [${from("deploy/kustomize")}]\ncomponents: [${from("deploy/kustomize/components/generic-targets")}]\n`);
    const objects = kustomizeBuild(overlay);
    assert.ok(argsOf(objects).includes("--unsafe-allow-generic-targets"));
    const rules = clusterRole(objects, "secrets-bridge-generic-targets")?.rules ?? [];
    assert.ok(rules.some((rule) => rule.apiGroups?.[0] === "" && rule.resources?.includes("configmaps") && rule.verbs.includes("create")));
    assert.ok(!argsOf(kustomizeBuild()).includes("--unsafe-allow-generic-targets"), "not in the base");
  });

  it("components/refresh-receivers matches the chart's receiver.enabled: flags, port, Service and RBAC", () => {
    const overlay = mkdtempSync(join(tmpdir(), "sb-kustomize-"));
    const from = (path: string) => relative(overlay, `${REPO}${path}`);
    writeFileSync(join(overlay, "kustomization.yaml"), `resources: [${from("deploy/kustomize")}]\ncomponents: [${from("deploy/kustomize/components/refresh-receivers")}]\n`);
    const fromKustomize = kustomizeBuild(overlay);
    const fromHelm = helmTemplate("secrets-bridge", ["receiver.enabled=true"]);
    assert.deepEqual(argsOf(fromKustomize), argsOf(fromHelm));
    const container = (objects: KubernetesObject[]) => (byKind(objects, "Deployment")[0] as V1Deployment).spec!.template.spec!.containers[0]!;
    assert.deepEqual(container(fromKustomize).ports, container(fromHelm).ports);
    const service = (objects: KubernetesObject[]) => byKind(objects, "Service").find((s) => s.metadata?.name === "secrets-bridge-webhooks") as KubernetesObject & { spec: unknown };
    assert.equal(service(fromKustomize).metadata?.namespace, "secrets-bridge");
    assert.deepEqual((service(fromKustomize).spec as { ports: unknown }).ports, (service(fromHelm).spec as { ports: unknown }).ports);
    const granted = (rules: V1PolicyRule[] | undefined) => JSON.stringify((rules ?? []).filter((rule) => rule.apiGroups?.includes("secrets-bridge.io")));
    assert.equal(granted(clusterRole(fromKustomize, "secrets-bridge-refresh-receivers")?.rules), granted(clusterRole(fromHelm, "secrets-bridge")?.rules));
    assert.deepEqual((service(fromKustomize).spec as { selector: unknown }).selector, (service(fromHelm).spec as { selector: unknown }).selector);
    assert.deepEqual(container(fromKustomize).env, container(fromHelm).env);
    const podRole = (objects: KubernetesObject[]) => byKind(objects, "Role").find((r) => r.metadata?.name === "secrets-bridge-webhook-role") as V1Role | undefined;
    assert.equal(podRole(fromKustomize)?.metadata?.namespace, "secrets-bridge");
    assert.deepEqual(podRole(fromKustomize)?.rules, podRole(fromHelm)?.rules);
  });

  it("components/auto-shards matches the chart's shards=auto: flags and the Lease Role's verbs", () => {
    const overlay = mkdtempSync(join(tmpdir(), "sb-kustomize-"));
    const from = (path: string) => relative(overlay, `${REPO}${path}`);
    writeFileSync(join(overlay, "kustomization.yaml"), `resources: [${from("deploy/kustomize")}]\ncomponents: [${from("deploy/kustomize/components/auto-shards")}]\n`);
    const fromKustomize = kustomizeBuild(overlay);
    const fromHelm = helmTemplate("secrets-bridge", ["shards=auto"]);
    assert.deepEqual(argsOf(fromKustomize), argsOf(fromHelm));
    const leaseRole = (objects: KubernetesObject[]) => byKind(objects, "Role").find((r) => r.metadata?.name === "secrets-bridge-leader-election") as V1Role | undefined;
    assert.deepEqual(leaseRole(fromKustomize)?.rules, leaseRole(fromHelm)?.rules);
    assert.deepEqual(leaseRole(kustomizeBuild())?.rules, leaseRole(helmTemplate("secrets-bridge"))?.rules, "the base keeps the leader's verbs");
    // With the receivers component first: the chart's shards=auto + receiver.enabled (a Service selecting every replica).
    writeFileSync(join(overlay, "kustomization.yaml"), `resources: [${from("deploy/kustomize")}]\ncomponents: [${from("deploy/kustomize/components/refresh-receivers")}, ${from("deploy/kustomize/components/auto-shards")}]\n`);
    const both = kustomizeBuild(overlay);
    const bothHelm = helmTemplate("secrets-bridge", ["shards=auto", "receiver.enabled=true"]);
    assert.deepEqual(argsOf(both), argsOf(bothHelm));
    const selector = (objects: KubernetesObject[]) => (byKind(objects, "Service").find((s) => s.metadata?.name === "secrets-bridge-webhooks") as V1Service | undefined)?.spec?.selector;
    assert.ok(selector(both), "the webhooks Service");
    assert.deepEqual(selector(both), selector(bothHelm));
  });

  it("deploy/overlays/hardened (no token create, the egress example) matches the chart with the same values", () => {
    const fromKustomize = kustomizeBuild(`${REPO}deploy/overlays/hardened`);
    const fromHelm = helmTemplate("secrets-bridge", ["rbac.serviceAccountTokenCreate=false", ...EGRESS_EXAMPLE]);
    assert.ok(!grantsTokenCreate(clusterRole(fromKustomize, "secrets-bridge")?.rules));
    assert.equal(JSON.stringify(clusterRole(fromKustomize, "secrets-bridge")?.rules), JSON.stringify(clusterRole(fromHelm, "secrets-bridge")?.rules));
    assert.deepEqual(argsOf(fromKustomize), argsOf(fromHelm));
    assert.ok(argsOf(fromKustomize).includes("--service-account-token-requests=false"));
    const egress = (objects: KubernetesObject[]) => (byKind(objects, "NetworkPolicy") as V1NetworkPolicy[]).map((p) => ({ name: p.metadata?.name, namespace: p.metadata?.namespace, spec: p.spec }));
    assert.deepEqual(egress(fromKustomize), egress(fromHelm));
  });
});

describe("hardening switches", () => {
  it("rbac.serviceAccountTokenCreate=false: no serviceaccounts/token create in the ClusterRole or the per-namespace Roles, and the operator is told", () => {
    for (const scope of [[], ["scope.namespaces={team-a,team-b}"]]) {
      const objects = helmTemplate("sb-system", ["rbac.serviceAccountTokenCreate=false", ...scope]);
      const roles = [...byKind(objects, "ClusterRole"), ...byKind(objects, "Role")] as Array<V1ClusterRole | V1Role>;
      for (const role of roles) assert.ok(!grantsTokenCreate(role.rules), `${role.kind} ${role.metadata?.name} grants token create`);
      assert.ok(argsOf(objects).includes("--service-account-token-requests=false"));
      const on = helmTemplate("sb-system", scope);
      assert.ok([...byKind(on, "ClusterRole"), ...byKind(on, "Role")].some((role) => grantsTokenCreate((role as V1Role).rules)));
    }
  });

  it("networkPolicy.egress: off by default; on, DNS, the apiserver and the listed CIDRs only; the apiserver's addresses are required", () => {
    assert.equal(byKind(helmTemplate("sb-system", ["networkPolicy.enabled=true"]), "NetworkPolicy").length, 1, "only the ingress policy");
    const objects = helmTemplate("sb-system", [...EGRESS_EXAMPLE, "networkPolicy.egress.to[0].except={198.51.100.128/25}"]);
    const policy = byKind(objects, "NetworkPolicy")[0] as V1NetworkPolicy;
    assert.equal(policy.metadata?.name, "secrets-bridge-egress");
    assert.deepEqual(policy.spec?.policyTypes, ["Egress"]);
    const [dns, apiserver, store] = policy.spec!.egress!;
    assert.deepEqual(dns!.ports, [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }]);
    assert.deepEqual(dns!.to?.[0]?.podSelector?.matchLabels, { "k8s-app": "kube-dns" });
    assert.deepEqual(apiserver, { to: [{ ipBlock: { cidr: "192.0.2.10/32" } }], ports: [{ port: 443, protocol: "TCP" }, { port: 6443, protocol: "TCP" }] });
    assert.deepEqual(store, { to: [{ ipBlock: { cidr: "198.51.100.0/24", except: ["198.51.100.128/25"] } }], ports: [{ port: 8200, protocol: "TCP" }] });
    assert.equal(policy.spec!.egress!.length, 3);
    assert.throws(() => helmTemplate("sb-system", ["networkPolicy.egress.enabled=true"]), /networkPolicy\.egress\.apiServer\.cidrs/);
  });

  it("metrics.auth: kubernetes ships review RBAC, the reader role (bound to readerSubjects) and a ServiceMonitor with a bearer token; none ships none of it", () => {
    const on = helmTemplate("sb-system", ["metrics.serviceMonitor.enabled=true", "metrics.readerSubjects[0].kind=ServiceAccount", "metrics.readerSubjects[0].name=prometheus", "metrics.readerSubjects[0].namespace=monitoring"]);
    assert.deepEqual(clusterRole(on, "secrets-bridge-metrics-auth")?.rules, [
      { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
      { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
    ]);
    assert.deepEqual(clusterRole(on, "secrets-bridge-metrics-reader")?.rules, [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
    const reader = on.find((o) => o.kind === "ClusterRoleBinding" && o.metadata?.name === "secrets-bridge-metrics-reader") as KubernetesObject & { subjects: unknown[] };
    assert.deepEqual(reader.subjects, [{ kind: "ServiceAccount", name: "prometheus", namespace: "monitoring" }]);
    const endpoint = (objects: KubernetesObject[]) => (byKind(objects, "ServiceMonitor")[0] as KubernetesObject & { spec: { endpoints: Array<Record<string, unknown>> } }).spec.endpoints[0]!;
    assert.equal(endpoint(on)["bearerTokenFile"], "/var/run/secrets/kubernetes.io/serviceaccount/token");
    const fromSecret = helmTemplate("sb-system", ["metrics.serviceMonitor.enabled=true", "metrics.serviceMonitor.bearerTokenSecret.name=prom-token", "metrics.serviceMonitor.bearerTokenSecret.key=token"]);
    assert.deepEqual(endpoint(fromSecret)["authorization"], { type: "Bearer", credentials: { name: "prom-token", key: "token" } });
    assert.equal(endpoint(fromSecret)["bearerTokenFile"], undefined);

    const off = helmTemplate("sb-system", ["metrics.auth=none", "metrics.serviceMonitor.enabled=true", "metrics.bindAddress=127.0.0.1:8081"]);
    assert.equal(clusterRole(off, "secrets-bridge-metrics-auth"), undefined);
    assert.equal(clusterRole(off, "secrets-bridge-metrics-reader"), undefined);
    assert.equal(endpoint(off)["bearerTokenFile"], undefined);
    assert.ok(argsOf(off).includes("--metrics-auth=none") && argsOf(off).includes("--metrics-bind-address=127.0.0.1:8081"));
    assert.throws(() => helmTemplate("sb-system", ["metrics.auth=basic"]), /metrics\.auth must be kubernetes or none/);
  });
});
