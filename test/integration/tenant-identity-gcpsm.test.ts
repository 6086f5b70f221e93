// Issue 14 as a hostile tenant, gcpsm: the operator has Google application default credentials of its own
// (GOOGLE_APPLICATION_CREDENTIALS: an external-account file whose token service is a recording stand-in on loopback,
// so the ambient path is observable without leaving the machine). A namespaced SecretStore may not use them; a store's
// `endpoint` override (a recording server) never receives them, flag or not; the token minted for a tenant's
// ServiceAccount carries the identity pool's audience, and an apiserver audience is refused. A second operator runs
// with --allow-ambient-credentials-for-namespaced-stores for contrast.
import { nonLoopbackTraffic } from "../helpers/gcpsm.ts";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kube, ready, sleep, waitFor, waitForReady } from "../helpers/operator.ts";
import { audOf, awsSignatureMarkers, jwtPayloadIn, leaked, startRecordingServer, type RecordedRequest, type RecordingServer } from "../helpers/recording-server.ts";
import { planted } from "../helpers/planted.ts";
import { ambientRefused, apiServerIssuer, deleteClusterStore, setEnv, startTenants, storeReady, type Tenants } from "../helpers/tenants.ts";

/** A token service stand-in (Google STS's /v1/token) answering every exchange with a fresh access token `prefix-...`. */
const tokenService = (prefix: string) =>
  startRecordingServer(() => ({
    status: 200,
    body: { access_token: `${prefix}-${randomBytes(8).toString("hex")}`, issued_token_type: "urn:ietf:params:oauth:token-type:access_token", token_type: "Bearer", expires_in: 3600 },
  }));

const form = (req: RecordedRequest) => Object.fromEntries(new URLSearchParams(req.body));

describe("gcpsm: what a namespaced store can make the operator send, and where", () => {
  const k = kube();
  const project = `tenant-${randomBytes(4).toString("hex")}`;
  const suffix = randomBytes(3).toString("hex");
  // The operator's own identity: the subject token its ADC file names, and what the token service gives for it.
  const operatorSubject = planted("operator-subject");
  const servers: RecordingServer[] = [];
  const clusterStores: string[] = [];
  let adc: RecordingServer;
  let sts: RecordingServer;
  let tenants: Tenants;
  let restoreEnv: () => void;

  const hostile = async () => {
    const server = await startRecordingServer(() => ({ status: 403, body: { error: { code: 403, status: "PERMISSION_DENIED", message: "denied" } } }));
    servers.push(server);
    return server;
  };
  const gcpStore = (provider: Record<string, unknown>) => ({ provider: { gcpsm: { projectID: project, ...provider } } });
  const externalSecret = (ns: string, name: string) =>
    k.create("ExternalSecret", ns, name, { refreshInterval: "1h", secretStoreRef: { name }, data: [{ secretKey: "v", remoteRef: { key: "db-password" } }] });
  const exchangesOf = (server: RecordingServer, subject: string) => server.requests.filter((req) => form(req)["subject_token"]?.includes(subject));

  before(async () => {
    adc = await tokenService("adc");
    sts = await tokenService("sts");
    servers.push(adc, sts);
    const dir = mkdtempSync(join(tmpdir(), "operator-adc-"));
    writeFileSync(join(dir, "subject"), operatorSubject);
    writeFileSync(
      join(dir, "adc.json"),
      JSON.stringify({
        type: "external_account",
        // No project number in the audience, and GOOGLE_CLOUD_PROJECT set: google-auth-library would otherwise look
        // the project up at cloudresourcemanager.googleapis.com when the client is made.
        audience: "//iam.googleapis.com/locations/global/workloadIdentityPools/operator/providers/operator",
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: `${adc.url}/v1/token`,
        credential_source: { file: join(dir, "subject") },
      }),
    );
    restoreEnv = setEnv({ GOOGLE_APPLICATION_CREDENTIALS: join(dir, "adc.json"), GOOGLE_CLOUD_PROJECT: "operator-project", GCP_STS_ENDPOINT: `${sts.url}/v1/token` });
    tenants = await startTenants("gcp-tenant");
    await k.core.createNamespacedServiceAccount({ namespace: tenants.strict.ns, body: { metadata: { name: "tenant-app" } } });
  });
  after(async () => {
    for (const name of clusterStores) await deleteClusterStore(name);
    await tenants?.stop();
    await Promise.all(servers.map((server) => server.close()));
    restoreEnv?.();
  });

  it("empty auth in a SecretStore: refused, Ready=False, and the operator's credentials are never asked for", async () => {
    const { ns } = tenants.strict;
    await k.create("SecretStore", ns, "adc", gcpStore({}));
    await externalSecret(ns, "adc");
    const condition = await storeReady("SecretStore", ns, "adc", "False", "InvalidProviderConfig");
    assert.match(condition.message ?? "", ambientRefused(/empty auth uses the operator's Google application default credentials: GOOGLE_APPLICATION_CREDENTIALS or the metadata server/));
    assert.match(ready(await waitForReady(k, ns, "adc", "False"))?.message ?? "", /may not use the operator's own identity/);
    await sleep(500);
    assert.deepEqual(adc.requests, [], "the operator's token service was asked");
  });

  it("with the flag on (and in a ClusterSecretStore) empty auth uses the operator's credentials", async () => {
    await k.create("SecretStore", tenants.lenient.ns, "adc", gcpStore({}));
    await storeReady("SecretStore", tenants.lenient.ns, "adc", "True", "Valid");
    assert.ok(exchangesOf(adc, operatorSubject).length > 0, "the operator's subject token was exchanged");
    const css = `gcp-adc-${suffix}`;
    clusterStores.push(css);
    const before = adc.requests.length;
    await k.create("ClusterSecretStore", undefined, css, gcpStore({}));
    await storeReady("ClusterSecretStore", undefined, css, "True", "Valid");
    assert.ok(adc.requests.length > before);
  });

  it("an endpoint override never receives the operator's credentials (no Authorization at all), flag or not", async () => {
    for (const { ns } of [tenants.strict, tenants.lenient]) {
      const server = await hostile();
      const exchanges = adc.requests.length;
      await k.create("SecretStore", ns, "override", gcpStore({ endpoint: server.url }));
      await externalSecret(ns, "override");
      await waitForReady(k, ns, "override", "False");
      assert.ok(server.requests.length > 0, "the override received the read");
      assert.deepEqual(server.requests.map((req) => req.headers.authorization ?? "none"), server.requests.map(() => "none"));
      assert.deepEqual(leaked(server.requests, { operatorSubject, adcAccessToken: "adc-", ...awsSignatureMarkers }), []);
      assert.equal(adc.requests.length, exchanges, "the operator's credentials were loaded for an override");
    }
  });

  it("workload identity: the tenant's token carries the identity pool's audience; the endpoint gets only the federated token", async () => {
    const server = await hostile();
    const { ns } = tenants.strict;
    await k.create("SecretStore", ns, "wi", gcpStore({ endpoint: server.url, auth: { workloadIdentity: { serviceAccountRef: { name: "tenant-app" }, clusterLocation: "l", clusterName: "c", clusterProjectID: "cluster-project" } } }));
    await externalSecret(ns, "wi");
    const [exchange] = await waitFor("the tenant's exchange", async () => {
      const seen = sts.requests.filter((req) => jwtPayloadIn(form(req)["subject_token"] ?? "")?.sub === `system:serviceaccount:${ns}:tenant-app`);
      return seen.length > 0 ? seen : undefined;
    });
    assert.deepEqual(audOf(jwtPayloadIn(form(exchange!)["subject_token"]!)), ["cluster-project.svc.id.goog"]);
    await waitFor("a read at the tenant's endpoint", async () => (server.requests.length > 0 ? true : undefined));
    for (const req of server.requests) assert.match(req.headers.authorization ?? "", /^Bearer sts-/, "only the tenant's federated token");
    assert.deepEqual(leaked(server.requests, { operatorSubject, adcAccessToken: "adc-", jwt: "eyJ" }), [], "no ServiceAccount token and nothing of the operator's at the endpoint");
  });

  it("workload identity federation naming the kube-apiserver's audience is refused before any TokenRequest", async () => {
    const { ns } = tenants.strict;
    const issuer = apiServerIssuer();
    await k.create("SecretStore", ns, "apiserver-aud", gcpStore({ auth: { workloadIdentityFederation: { serviceAccountRef: { name: "tenant-app" }, audience: issuer } } }));
    const condition = await storeReady("SecretStore", ns, "apiserver-aud", "False", "InvalidProviderConfig");
    assert.match(condition.message ?? "", new RegExp(`^TokenRequest for service account ${ns}/tenant-app: audience ".+" is refused: the kube-apiserver accepts it`));
    await sleep(500);
    assert.deepEqual(sts.requests.filter((req) => form(req)["audience"] === issuer), [], "an exchange for the apiserver's audience happened");
  });

  it("never shows the operator's credentials in logs or Events, and stays on loopback", async () => {
    for (const { ns, op } of [tenants.strict, tenants.lenient]) {
      const events = await k.events(ns);
      assert.ok(!op.logs().includes(operatorSubject) && !events.includes(operatorSubject));
      assert.ok(!/adc-[0-9a-f]{16}|sts-[0-9a-f]{16}/.test(op.logs()), "an access token appears in the operator's logs");
      assert.ok(!/eyJhbGciOi/.test(op.logs()), "a JWT appears in the operator's logs");
    }
    assert.deepEqual(nonLoopbackTraffic(), []);
  });
});
