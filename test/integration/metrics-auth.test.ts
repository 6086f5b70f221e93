// /metrics behind real TokenReview and SubjectAccessReview on the bench's apiserver: ServiceAccount tokens with
// and without a binding to the chart's metrics-reader ClusterRole (200 vs 403), no or a forged token (401),
// /healthz and /readyz open to anyone, a scrape every time costing one review per token and minute, and
// --metrics-bind-address's split (health on one listener, metrics on the other).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { CoreV1Api, RbacAuthorizationV1Api, type KubernetesObject, type V1ClusterRole } from "@kubernetes/client-node";
import { Gauge, Registry } from "prom-client";
import { accessReviewer } from "../../src/kube/access-review.ts";
import { makeLogger } from "../../src/log.ts";
import { kubernetesMetricsAuth } from "../../src/metrics-auth.ts";
import { startHttpServer, type HttpEndpoints } from "../../src/http-server.ts";
import { apiserverRequestCount, freshNamespace, kubeConfig, operatorKubeConfig } from "../helpers/bench.ts";
import { helmTemplate } from "../helpers/deploy.ts";
import { waitFor } from "../helpers/operator.ts";

const urlOf = (server: Server, path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
const get = async (server: Server, path: string, token?: string) => {
  const res = await fetch(urlOf(server, path), token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, body: await res.text(), authenticate: res.headers.get("www-authenticate") };
};

describe("/metrics with --metrics-auth=kubernetes on the real apiserver", () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const release = `mauth-${randomBytes(3).toString("hex")}`;
  const servers: Server[] = [];
  let ns: string;
  let reader: string;
  let stranger: string;
  let endpoints: HttpEndpoints;

  before(async () => {
    ns = await freshNamespace("metrics-auth");
    // The chart's own metrics-reader ClusterRole, so the test proves the role the chart ships works.
    const role = helmTemplate(ns, [], release).find((o: KubernetesObject) => o.kind === "ClusterRole" && o.metadata?.name === `${release}-secrets-bridge-metrics-reader`) as V1ClusterRole;
    await rbac.createClusterRole({ body: role });
    const token = async (name: string) => {
      await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name } } });
      return (await core.createNamespacedServiceAccountToken({ name, namespace: ns, body: { spec: { audiences: [], expirationSeconds: 3600 } } })).status!.token!;
    };
    reader = await token("prometheus");
    stranger = await token("stranger");
    await rbac.createClusterRoleBinding({
      body: { metadata: { name: `${release}-reader` }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata!.name! }, subjects: [{ kind: "ServiceAccount", name: "prometheus", namespace: ns }] },
    });
    // RBAC reaches the authorizer's cache a moment later; a 403 then would be remembered for a minute.
    const review = accessReviewer(operatorKubeConfig());
    await waitFor("the binding in effect", async () => ((await review.authorize({ username: `system:serviceaccount:${ns}:prometheus`, groups: ["system:serviceaccounts"] }, "/metrics", "get")) ? true : undefined));
    const registry = new Registry();
    new Gauge({ name: "secretsbridge_test_gauge", help: "test", registers: [registry] }).set(1);
    endpoints = { ready: () => true, registry, metricsAuth: kubernetesMetricsAuth(review, { log: makeLogger({ level: "silent" }) }) };
  });
  after(async () => {
    for (const server of servers) server.close();
    await rbac.deleteClusterRoleBinding({ name: `${release}-reader` }).catch(() => undefined);
    await rbac.deleteClusterRole({ name: `${release}-secrets-bridge-metrics-reader` }).catch(() => undefined);
  });

  it("answers 200 to a bound ServiceAccount, 403 to an unbound one, 401 without or with a forged token", async () => {
    const server = await startHttpServer("127.0.0.1:0", endpoints);
    servers.push(server);
    const ok = await get(server, "/metrics", reader);
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^secretsbridge_test_gauge 1$/m);
    assert.equal((await get(server, "/metrics", stranger)).status, 403);
    const none = await get(server, "/metrics");
    assert.equal(none.status, 401);
    assert.match(none.authenticate ?? "", /^Bearer/);
    assert.equal((await get(server, "/metrics", `${reader.slice(0, -4)}AAAA`)).status, 401);
    assert.doesNotMatch(none.body + ok.body, new RegExp(reader.slice(-20)), "no token echoed");
    for (const path of ["/healthz", "/readyz"]) assert.equal((await get(server, path)).status, 200, path);
  });

  it("asks the apiserver once per token while the outcome is remembered", async () => {
    const server = await startHttpServer("127.0.0.1:0", endpoints);
    servers.push(server);
    const reviews = async () => ({
      tokenReviews: await apiserverRequestCount({ verbs: ["POST"], resource: "tokenreviews" }),
      accessReviews: await apiserverRequestCount({ verbs: ["POST"], resource: "subjectaccessreviews" }),
    });
    // A second token of the same account: a new cache entry.
    const fresh = (await core.createNamespacedServiceAccountToken({ name: "prometheus", namespace: ns, body: { spec: { audiences: [], expirationSeconds: 3600 } } })).status!.token!;
    const before = await reviews();
    for (let i = 0; i < 10; i++) assert.equal((await get(server, "/metrics", fresh)).status, 200);
    assert.deepEqual(await reviews(), { tokenReviews: before.tokenReviews + 1, accessReviews: before.accessReviews + 1 });
    for (let i = 0; i < 10; i++) assert.equal((await get(server, "/metrics", stranger)).status, 403);
    assert.equal((await reviews()).tokenReviews, before.tokenReviews + 1, "the first test's 403 is still remembered");
  });

  it("--metrics-bind-address: health on the main listener only, metrics on its own", async () => {
    const health = await startHttpServer("127.0.0.1:0", endpoints, { health: true, metrics: false });
    const metrics = await startHttpServer("127.0.0.1:0", endpoints, { health: false, metrics: true });
    servers.push(health, metrics);
    assert.equal((await get(health, "/metrics", reader)).status, 404);
    assert.equal((await get(health, "/readyz")).status, 200);
    assert.equal((await get(metrics, "/healthz")).status, 404);
    assert.equal((await get(metrics, "/metrics", reader)).status, 200);
  });
});
