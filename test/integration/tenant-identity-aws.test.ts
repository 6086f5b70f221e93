// Issue 14 as a hostile tenant, aws: the operator runs with AWS credentials of its own in its environment (the
// default chain; AWS_ENDPOINT_URL points at the bench's moto). A namespaced SecretStore may not use them, no store
// may send them to an `endpoints` override (a recording server on loopback), plain http goes to loopback only, and
// the web identity token minted for a tenant's ServiceAccount carries sts.amazonaws.com, never the apiserver's
// audience. A second operator runs with --allow-ambient-credentials-for-namespaced-stores for contrast.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { decoded, kube, ready, sleep, waitFor, waitForReady } from "../helpers/operator.ts";
import { MOTO_REGION, createCredentialsSecret, moto, secretRefAuth } from "../helpers/moto.ts";
import { audOf, awsSignatureMarkers, jwtPayloadIn, leaked, startRecordingServer, type RecordingServer } from "../helpers/recording-server.ts";
import { planted } from "../helpers/planted.ts";
import { ambientRefused, apiServerIssuer, deleteClusterStore, setEnv, startTenants, storeReady, type Tenants } from "../helpers/tenants.ts";

const ROLE = "arn:aws:iam::123456789012:role/tenant-reader";

describe("aws: what a namespaced store can make the operator send, and where", () => {
  const k = kube();
  const m = moto();
  const value = planted();
  // The operator's own credentials, as IRSA or an instance profile would provide them.
  const operatorKeys = {
    AWS_ACCESS_KEY_ID: `AKIAOPERATOR${randomBytes(4).toString("hex").toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: planted("operator-secret"),
    AWS_SESSION_TOKEN: planted("operator-session"),
  };
  const operatorMarkers = { keyId: operatorKeys.AWS_ACCESS_KEY_ID, secretKey: operatorKeys.AWS_SECRET_ACCESS_KEY, sessionToken: operatorKeys.AWS_SESSION_TOKEN };
  const suffix = randomBytes(3).toString("hex");
  const clusterStores: string[] = [];
  const servers: RecordingServer[] = [];
  let tenants: Tenants;
  let restoreEnv: () => void;

  const hostile = async () => {
    const server = await startRecordingServer(() => ({ status: 403, body: { __type: "AccessDeniedException", message: "denied" } }));
    servers.push(server);
    return server;
  };
  const everywhere = (url: string) => ({ secretsManager: url, ssm: url, sts: url });
  const awsStore = (provider: Record<string, unknown>) => ({ provider: { aws: { service: "SecretsManager", region: MOTO_REGION, ...provider } } });
  const externalSecret = (ns: string, name: string, store: string, kind = "SecretStore") =>
    k.create("ExternalSecret", ns, name, { refreshInterval: "1h", secretStoreRef: { name: store, kind }, data: [{ secretKey: "v", remoteRef: { key: "tenant/value" } }] });
  const nothingReached = async (server: RecordingServer) => {
    await sleep(500);
    assert.deepEqual(server.requests, [], "the tenant's endpoint was contacted");
    assert.deepEqual(leaked(server.requests, { ...operatorMarkers, ...awsSignatureMarkers }), []);
  };

  before(async () => {
    await m.reset();
    await m.sm.send(new CreateSecretCommand({ Name: "tenant/value", SecretString: value }));
    restoreEnv = setEnv({ ...operatorKeys, AWS_ENDPOINT_URL: m.endpoint });
    tenants = await startTenants("aws-tenant");
    await createCredentialsSecret(tenants.strict.ns);
  });
  after(async () => {
    for (const name of clusterStores) await deleteClusterStore(name);
    await tenants?.stop();
    await Promise.all(servers.map((server) => server.close()));
    restoreEnv?.();
    m.close();
  });

  it("empty auth with endpoints in a SecretStore: refused, Ready=False, and the endpoint receives nothing", async () => {
    const server = await hostile();
    const { ns } = tenants.strict;
    await k.create("SecretStore", ns, "ambient-hostile", awsStore({ endpoints: everywhere(server.url) }));
    await externalSecret(ns, "ambient-hostile", "ambient-hostile");
    const condition = await storeReady("SecretStore", ns, "ambient-hostile", "False", "InvalidProviderConfig");
    assert.match(condition.message ?? "", ambientRefused(/empty auth uses the operator's AWS default credential chain: environment, IRSA \/ Pod Identity, container credentials, instance metadata/));
    assert.match(ready(await waitForReady(k, ns, "ambient-hostile", "False"))?.message ?? "", /may not use the operator's own identity/);
    await nothingReached(server);
  });

  it("with the flag on, empty auth is allowed but never together with endpoints: the endpoint still receives nothing", async () => {
    const server = await hostile();
    const { ns } = tenants.lenient;
    await k.create("SecretStore", ns, "ambient-hostile", awsStore({ endpoints: everywhere(server.url) }));
    const condition = await storeReady("SecretStore", ns, "ambient-hostile", "False", "InvalidProviderConfig");
    assert.equal(
      condition.message,
      "spec.provider.aws.endpoints cannot be used with empty auth (the operator's own AWS credentials would sign requests for that host); name credentials (auth.secretRef or auth.jwt.serviceAccountRef)",
    );
    await nothingReached(server);
  });

  it("with the flag on, a SecretStore with empty auth and no endpoints reads with the operator's credentials (the platform's choice)", async () => {
    const { ns } = tenants.lenient;
    await m.clearLog();
    await k.create("SecretStore", ns, "ambient", awsStore({}));
    await externalSecret(ns, "ambient", "ambient");
    await waitFor("secret ambient", async () => (decoded(await k.secret(ns, "ambient")).v === value ? true : undefined));
    const reads = (await m.requests()).filter((r) => r.op.startsWith("secretsmanager."));
    assert.ok(reads.length > 0 && reads.every((r) => r.accessKeyId === operatorKeys.AWS_ACCESS_KEY_ID), "signed with the operator's key at the operator's endpoint");
  });

  it("a ClusterSecretStore may use the operator's credentials (as ESO), but not with endpoints either", async () => {
    const server = await hostile();
    const { ns } = tenants.strict;
    const [ambient, overridden] = [`aws-ambient-${suffix}`, `aws-ambient-hostile-${suffix}`];
    clusterStores.push(ambient, overridden);
    await k.create("ClusterSecretStore", undefined, ambient, awsStore({}));
    await externalSecret(ns, "cluster-ambient", ambient, "ClusterSecretStore");
    await waitFor("secret cluster-ambient", async () => (decoded(await k.secret(ns, "cluster-ambient")).v === value ? true : undefined));
    await k.create("ClusterSecretStore", undefined, overridden, awsStore({ endpoints: everywhere(server.url) }));
    const condition = await storeReady("ClusterSecretStore", undefined, overridden, "False", "InvalidProviderConfig");
    assert.match(condition.message ?? "", /^spec\.provider\.aws\.endpoints cannot be used with empty auth/);
    await nothingReached(server);
  });

  it("an endpoint override is https only, plain http to loopback addresses only", async () => {
    const { ns } = tenants.strict;
    await k.create("SecretStore", ns, "plain-http", awsStore({ auth: secretRefAuth("aws-creds"), endpoints: { secretsManager: "http://10.255.255.1:4566" } }));
    const condition = await storeReady("SecretStore", ns, "plain-http", "False", "InvalidProviderConfig");
    assert.equal(condition.message, "spec.provider.aws.endpoints.secretsManager http://10.255.255.1:4566 is refused: endpoint overrides must use https (plain http only to a loopback address)");
  });

  it("web identity: the tenant's STS endpoint gets the tenant's token for audience sts.amazonaws.com, and nothing of the operator's", async () => {
    const server = await hostile();
    const { ns } = tenants.strict;
    await k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "tenant-irsa", annotations: { "eks.amazonaws.com/role-arn": ROLE } } } });
    await k.create("SecretStore", ns, "web-identity", awsStore({ auth: { jwt: { serviceAccountRef: { name: "tenant-irsa" } } }, endpoints: everywhere(server.url) }));
    const [request] = await waitFor("AssumeRoleWithWebIdentity at the tenant's STS", async () => {
      const seen = server.requests.filter((req) => req.body.includes("Action=AssumeRoleWithWebIdentity"));
      return seen.length > 0 ? seen : undefined;
    });
    const payload = jwtPayloadIn(decodeURIComponent(request!.body));
    assert.equal(payload?.sub, `system:serviceaccount:${ns}:tenant-irsa`);
    assert.deepEqual(audOf(payload), ["sts.amazonaws.com"]);
    assert.deepEqual(leaked(server.requests, { ...operatorMarkers, ...awsSignatureMarkers }), [], "no signature, key id or session token of the operator");
  });

  it("a ServiceAccount audience annotation naming the kube-apiserver is refused before any TokenRequest", async () => {
    const server = await hostile();
    const { ns } = tenants.strict;
    const issuer = apiServerIssuer();
    await k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "tenant-evil", annotations: { "eks.amazonaws.com/role-arn": ROLE, "eks.amazonaws.com/audience": issuer } } } });
    await k.create("SecretStore", ns, "apiserver-aud", awsStore({ auth: { jwt: { serviceAccountRef: { name: "tenant-evil" } } }, endpoints: everywhere(server.url) }));
    const condition = await storeReady("SecretStore", ns, "apiserver-aud", "False", "InvalidProviderConfig");
    assert.equal(
      condition.message,
      `TokenRequest for service account ${ns}/tenant-evil: audience ${JSON.stringify(issuer)} is refused: the kube-apiserver accepts it, so the token would be valid against the cluster's API; name the provider's audience or leave audiences empty`,
    );
    await nothingReached(server);
  });

  it("never shows the operator's keys or a token in logs, Events or status", async () => {
    for (const { ns, op } of [tenants.strict, tenants.lenient]) {
      const events = await k.events(ns);
      for (const secret of [operatorKeys.AWS_SECRET_ACCESS_KEY, operatorKeys.AWS_SESSION_TOKEN, value]) {
        assert.ok(!op.logs().includes(secret), "a secret appears in the operator's logs");
        assert.ok(!events.includes(secret), "a secret appears in an Event");
      }
      assert.ok(!/eyJhbGciOi/.test(op.logs()), "a JWT appears in the operator's logs");
    }
  });
});
