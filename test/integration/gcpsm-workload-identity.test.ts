// Workload identity for gcpsm. Google STS and IAM Credentials cannot be reached here, so a local HTTP endpoint
// stands in for them (GCP_STS_ENDPOINT / GCP_IAMCREDENTIALS_ENDPOINT); it checks each subject token with a real
// TokenReview on the bench apiserver. Secret Manager itself is the emulator, behind a proxy that records the
// bearer tokens the provider sends.
import { nonLoopbackTraffic, emulator, uniqueProject, seedSecret, countingProxy } from "../helpers/gcpsm.ts";
import type { CountingProxy } from "../helpers/gcpsm.ts";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { AuthenticationV1Api } from "@kubernetes/client-node";
import { freshNamespace, kubeConfig } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { providerCallCount } from "../../src/provider/call-metrics.ts";
import { planted } from "../helpers/planted.ts";


interface Exchange {
  params: Record<string, string>;
  /** TokenReview result of the subject token. */
  user?: string | undefined;
  audiences?: string[] | undefined;
}

/** The local stand-in for Google STS (/v1/token) and IAM Credentials (generateAccessToken). */
async function tokenServiceStandIn() {
  const reviews = kubeConfig().makeApiClient(AuthenticationV1Api);
  const exchanges: Exchange[] = [];
  const impersonations: Array<{ email: string; bearer: string }> = [];
  const stsTokens = new Set<string>();
  const saTokens = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const reply = (status: number, doc: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(doc));
      if (req.method === "POST" && req.url === "/v1/token") {
        const params = Object.fromEntries(new URLSearchParams(body));
        // Like Google STS, accept the token only for the audience the exchange names (the pool for GKE).
        const audience = params["audience"] ?? "";
        const expected = audience.startsWith("identitynamespace:") ? audience.split(":")[1]! : audience;
        const review = await reviews.createTokenReview({ body: { spec: { token: params["subject_token"] ?? "", audiences: [expected] } } });
        const user = review.status?.authenticated ? review.status.user?.username : undefined;
        exchanges.push({ params: { ...params, subject_token: "<redacted>" }, user, audiences: review.status?.audiences });
        if (!user || user.endsWith(":denied")) return reply(400, { error: "invalid_grant", error_description: "subject token refused" });
        const token = `sts-${randomBytes(12).toString("hex")}`;
        stsTokens.add(token);
        return reply(200, { access_token: token, issued_token_type: "urn:ietf:params:oauth:token-type:access_token", token_type: "Bearer", expires_in: 3600 });
      }
      const match = /^\/v1\/projects\/-\/serviceAccounts\/([^:]+):generateAccessToken$/.exec(req.url ?? "");
      if (req.method === "POST" && match) {
        const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        impersonations.push({ email: decodeURIComponent(match[1]!), bearer });
        if (!stsTokens.has(bearer)) return reply(401, { error: { code: 401, status: "UNAUTHENTICATED" } });
        const token = `sa-${randomBytes(12).toString("hex")}`;
        saTokens.add(token);
        return reply(200, { accessToken: token, expireTime: new Date(Date.now() + 3600_000).toISOString() });
      }
      reply(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, exchanges, impersonations, stsTokens, saTokens, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("gcpsm workload identity, token exchange against a local HTTP stand-in for Google STS and IAM Credentials", () => {
  let ns: string;
  let op: TestOperator;
  let proxy: CountingProxy;
  let sts: Awaited<ReturnType<typeof tokenServiceStandIn>>;
  const k = kube();
  const project = uniqueProject("wi");
  const value = planted();
  const gsa = "reader@wi-project.iam.gserviceaccount.com";
  const provider = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/bench/providers/kube";

  const esReady = async (name: string, status: "True" | "False") => {
    try {
      return await waitFor(`ExternalSecret ${name} Ready=${status}`, async () => {
        const es = await k.es(ns, name);
        return ready(es)?.status === status ? es : undefined;
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}; last condition: ${JSON.stringify(ready(await k.es(ns, name)))}`);
    }
  };
  const serviceAccount = (name: string, annotations: Record<string, string> = {}) => k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name, annotations } } });
  const store = (name: string, auth: unknown) => k.create("SecretStore", ns, name, { provider: { gcpsm: { projectID: project, endpoint: proxy.endpoint, auth } } });

  before(async () => {
    ns = await freshNamespace("gcpsm-wi");
    await seedSecret(emulator().endpoint, project, "db-password", [value]);
    sts = await tokenServiceStandIn();
    process.env["GCP_STS_ENDPOINT"] = `${sts.base}/v1/token`;
    process.env["GCP_IAMCREDENTIALS_ENDPOINT"] = sts.base;
    proxy = await countingProxy();
    await serviceAccount("app", { "iam.gke.io/gcp-service-account": gsa });
    await serviceAccount("federated");
    await serviceAccount("denied");
    op = await startTestOperator(ns);
  });
  after(async () => {
    await op?.stop();
    await proxy?.close();
    await sts?.close();
  });

  it("GKE workload identity: exchanges the ServiceAccount's token at the STS stand-in, impersonates the annotated Google SA, once per session", async () => {
    const stsBefore = providerCallCount({ provider: "gcpsm", call: "STSExchange" });
    const iamBefore = providerCallCount({ provider: "gcpsm", call: "GenerateAccessToken" });
    await store("wi", { workloadIdentity: { serviceAccountRef: { name: "app" }, clusterLocation: "europe-west1", clusterName: "bench", clusterProjectID: "cluster-project" } });
    for (const name of ["wi-1", "wi-2", "wi-3"]) {
      await k.create("ExternalSecret", ns, name, { secretStoreRef: { name: "wi" }, data: [{ secretKey: "password", remoteRef: { key: "db-password" } }] });
    }
    for (const name of ["wi-1", "wi-2", "wi-3"]) {
      await esReady(name, "True");
      assert.deepEqual(decoded(await k.secret(ns, name)), { password: value });
    }
    const exchange = sts.exchanges.find((e) => e.user === `system:serviceaccount:${ns}:app`);
    assert.ok(exchange, "the STS stand-in saw no token of ServiceAccount app");
    assert.equal(exchange.params["grant_type"], "urn:ietf:params:oauth:grant-type:token-exchange");
    assert.equal(exchange.params["subject_token_type"], "urn:ietf:params:oauth:token-type:jwt");
    assert.equal(exchange.params["audience"], "identitynamespace:cluster-project.svc.id.goog:https://container.googleapis.com/v1/projects/cluster-project/locations/europe-west1/clusters/bench");
    assert.deepEqual(exchange.audiences, ["cluster-project.svc.id.goog"]);
    assert.deepEqual(sts.impersonations.map((i) => i.email), [gsa]);
    // Secret Manager saw only the impersonated service account's token.
    assert.ok(proxy.authorizations().length >= 1);
    for (const header of proxy.authorizations()) assert.ok(sts.saTokens.has(header.replace(/^Bearer /, "")), "Secret Manager got a token that is not the impersonated SA's");
    // One exchange and one impersonation served all three ExternalSecrets (store validation included).
    assert.equal(providerCallCount({ provider: "gcpsm", call: "STSExchange" }) - stsBefore, 1);
    assert.equal(providerCallCount({ provider: "gcpsm", call: "GenerateAccessToken" }) - iamBefore, 1);
  });

  it("workload identity federation: the federated token from the STS stand-in goes to Secret Manager directly", async () => {
    const seen = proxy.authorizations().length;
    await store("wif", { workloadIdentityFederation: { serviceAccountRef: { name: "federated" }, audience: provider } });
    await k.create("ExternalSecret", ns, "wif", { secretStoreRef: { name: "wif" }, data: [{ secretKey: "password", remoteRef: { key: "db-password" } }] });
    await esReady("wif", "True");
    assert.deepEqual(decoded(await k.secret(ns, "wif")), { password: value });
    const exchange = sts.exchanges.find((e) => e.user === `system:serviceaccount:${ns}:federated`);
    assert.equal(exchange?.params["audience"], provider);
    assert.deepEqual(exchange?.audiences, [provider]);
    const sent = proxy.authorizations().slice(seen);
    assert.ok(sent.length >= 1);
    for (const header of sent) assert.ok(sts.stsTokens.has(header.replace(/^Bearer /, "")), "Secret Manager did not get the federated token");
  });

  it("a refused token exchange gives Ready=False with a permission message, and no Secret", async () => {
    await store("refused", { workloadIdentity: { serviceAccountRef: { name: "denied" }, clusterLocation: "europe-west1", clusterName: "bench", clusterProjectID: "cluster-project" } });
    await k.create("ExternalSecret", ns, "refused", { secretStoreRef: { name: "refused" }, data: [{ secretKey: "password", remoteRef: { key: "db-password" } }] });
    const es = await esReady("refused", "False");
    assert.match(ready(es)?.message ?? "", /STSExchange refused: HTTP 400 \(invalid_grant\)/);
    assert.equal(await k.secret(ns, "refused"), undefined);
  });

  it("never shows a planted value or a token in logs, Events or status, and stays on loopback", async () => {
    const events = await k.events(ns);
    const statuses = await Promise.all(["wi-1", "wif", "refused"].map(async (name) => JSON.stringify((await k.es(ns, name)).status)));
    for (const secret of [value, ...sts.stsTokens, ...sts.saTokens]) {
      assert.ok(!op.logs().includes(secret), "a value or token appeared in the operator's logs");
      assert.ok(!events.includes(secret), "a value or token appeared in Events");
      for (const status of statuses) assert.ok(!status.includes(secret));
    }
    assert.deepEqual(nonLoopbackTraffic(), []);
  });
});
