// AWS credentials end to end on the real moto: IRSA-style web identity with a token minted by the bench
// apiserver, chained AssumeRole with externalID and session tags, the default chain with AWS_ENDPOINT_URL from
// the environment (a ClusterSecretStore's; SecretStores may not: tenant-identity-aws); one STS call per session,
// not per reconcile.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { MOTO_REGION, MOTO_TEST_KEYS, awsStoreSpec, moto, secretRefAuth, createCredentialsSecret } from "../helpers/moto.ts";
import { planted } from "../helpers/planted.ts";

const ROLE = "arn:aws:iam::123456789012:role/secrets-reader";
const HOP = "arn:aws:iam::123456789012:role/hop";

describe("aws provider: credentials on moto", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const m = moto();
  const value = planted();

  /** Waits until ExternalSecret `name` has synced `value`, then lets it refresh a few more times. */
  const syncedAndRefreshed = async (name: string) => {
    await waitFor(`secret ${name}`, async () => (decoded(await k.secret(ns, name)).v === value ? true : undefined));
    const before = (await m.requests()).filter((r) => r.op.startsWith("secretsmanager.")).length;
    // Two more reads (values are shared for 5 s, so reads come every ~5 s): the session and its credentials
    // served several reconciles.
    await waitFor(`${name} refreshed`, async () => ((await m.requests()).filter((r) => r.op.startsWith("secretsmanager.")).length >= before + 2 ? true : undefined), 30_000);
  };

  const deleteEs = (name: string) => k.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets", name });

  before(async () => {
    await m.reset();
    await m.sm.send(new CreateSecretCommand({ Name: "auth/value", SecretString: value }));
    ns = await freshNamespace("aws-auth");
    await createCredentialsSecret(ns);
    op = await startTestOperator(ns);
  });
  after(async () => {
    await op?.stop();
    m.close();
  });

  it("web identity: mints the chosen ServiceAccount's token and calls AssumeRoleWithWebIdentity once per session", async () => {
    await k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "app-irsa", annotations: { "eks.amazonaws.com/role-arn": ROLE } } } });
    await m.clearLog();
    await k.create("SecretStore", ns, "irsa", awsStoreSpec(m.endpoint, { auth: { jwt: { serviceAccountRef: { name: "app-irsa", audiences: ["extra-audience"] } } } }));
    for (const name of ["irsa-a", "irsa-b"]) {
      await k.create("ExternalSecret", ns, name, { refreshInterval: "1s", secretStoreRef: { name: "irsa" }, data: [{ secretKey: "v", remoteRef: { key: "auth/value" } }] });
    }
    await syncedAndRefreshed("irsa-a");
    await syncedAndRefreshed("irsa-b");
    const sts = await m.requests("sts.AssumeRoleWithWebIdentity");
    assert.equal(sts.length, 1, "one STS call for the session");
    assert.equal(sts[0]!.roleArn, ROLE);
    assert.equal(sts[0]!.sub, `system:serviceaccount:${ns}:app-irsa`, "the token names the chosen ServiceAccount (minted by the bench apiserver)");
    assert.deepEqual(sts[0]!.aud?.sort(), ["extra-audience", "sts.amazonaws.com"]);
    const signers = new Set((await m.requests()).filter((r) => r.op.startsWith("secretsmanager.")).map((r) => r.accessKeyId));
    assert.equal(signers.size, 1);
    const [signer] = signers;
    assert.match(signer ?? "", /^ASIA/, "Secrets Manager calls are signed with the web identity session's temporary key");
    // Stop their refreshes so the next tests count only their own requests.
    for (const name of ["irsa-a", "irsa-b"]) await deleteEs(name);
  });

  it("a ServiceAccount without the role annotation is a clear configuration error", async () => {
    await k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "no-role" } } });
    await k.create("SecretStore", ns, "no-role", awsStoreSpec(m.endpoint, { auth: { jwt: { serviceAccountRef: { name: "no-role" } } } }));
    await k.create("ExternalSecret", ns, "no-role", { refreshInterval: "1h", secretStoreRef: { name: "no-role" }, data: [{ secretKey: "v", remoteRef: { key: "auth/value" } }] });
    const es = await waitFor("no-role Ready=False", async () => {
      const current = await k.es(ns, "no-role");
      return current.status?.conditions?.find((c) => c.type === "Ready" && c.status === "False") ? current : undefined;
    });
    assert.match(JSON.stringify(es.status), /eks\.amazonaws\.com\/role-arn/);
  });

  it("assume role: chains additionalRoles then role (externalID, session tags) with static keys, once per session", async () => {
    await m.clearLog();
    await k.create(
      "SecretStore",
      ns,
      "assume",
      awsStoreSpec(m.endpoint, {
        auth: secretRefAuth("aws-creds"),
        additionalRoles: [HOP],
        role: ROLE,
        externalID: "ext-123",
        sessionTags: [{ key: "tenant", value: "blue" }],
        transitiveTagKeys: ["tenant"],
      }),
    );
    await k.create("ExternalSecret", ns, "assumed", { refreshInterval: "1s", secretStoreRef: { name: "assume" }, data: [{ secretKey: "v", remoteRef: { key: "auth/value" } }] });
    await syncedAndRefreshed("assumed");
    await deleteEs("assumed");
    const hops = await m.requests("sts.AssumeRole");
    assert.deepEqual(
      hops.map((r) => r.roleArn),
      [HOP, ROLE],
      "one AssumeRole per hop for the whole session",
    );
    assert.equal(hops[0]!.accessKeyId, MOTO_TEST_KEYS.accessKeyId, "the first hop signs with the static keys");
    assert.match(hops[1]!.accessKeyId ?? "", /^ASIA/, "the second hop signs with the first hop's credentials");
    assert.equal(hops[0]!.externalId, undefined);
    assert.equal(hops[1]!.externalId, "ext-123");
    assert.deepEqual(hops[1]!.tagKeys, ["tenant"]);
    const signers = new Set((await m.requests()).filter((r) => r.op.startsWith("secretsmanager.")).map((r) => r.accessKeyId));
    assert.equal(signers.size, 1);
    assert.ok(![...signers].includes(MOTO_TEST_KEYS.accessKeyId) && ![...signers].includes(hops[1]!.accessKeyId), "reads use the final role's credentials");
  });

  it("a ClusterSecretStore with web identity resolves the ServiceAccount in the ExternalSecret's namespace", async () => {
    await k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "tenant-sa", annotations: { "eks.amazonaws.com/role-arn": HOP } } } });
    await m.clearLog();
    const cssName = `aws-referent-${ns}`;
    await k.create("ClusterSecretStore", undefined, cssName, awsStoreSpec(m.endpoint, { auth: { jwt: { serviceAccountRef: { name: "tenant-sa" } } } }));
    await k.create("ExternalSecret", ns, "referent", { refreshInterval: "1h", secretStoreRef: { name: cssName, kind: "ClusterSecretStore" }, data: [{ secretKey: "v", remoteRef: { key: "auth/value" } }] });
    await waitFor("secret referent", async () => (decoded(await k.secret(ns, "referent")).v === value ? true : undefined));
    const sts = await m.requests("sts.AssumeRoleWithWebIdentity");
    assert.deepEqual(sts.map((r) => [r.sub, r.roleArn]), [[`system:serviceaccount:${ns}:tenant-sa`, HOP]]);
    await k.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name: cssName });
  });

  it("default chain and AWS_ENDPOINT_URL from the environment when a ClusterSecretStore sets neither auth nor endpoints", async () => {
    const saved = { ...process.env };
    const cssAmbient = `aws-ambient-${ns}`;
    process.env["AWS_ACCESS_KEY_ID"] = "AKIADEFAULTCHAIN0001";
    process.env["AWS_SECRET_ACCESS_KEY"] = "default-chain-secret";
    process.env["AWS_ENDPOINT_URL"] = m.endpoint;
    try {
      await m.clearLog();
      await k.create("ClusterSecretStore", undefined, cssAmbient, { provider: { aws: { service: "SecretsManager", region: MOTO_REGION } } });
      await k.create("ExternalSecret", ns, "ambient", { refreshInterval: "1h", secretStoreRef: { name: cssAmbient, kind: "ClusterSecretStore" }, data: [{ secretKey: "v", remoteRef: { key: "auth/value" } }] });
      await waitFor("secret ambient", async () => (decoded(await k.secret(ns, "ambient")).v === value ? true : undefined));
      const reads = (await m.requests()).filter((r) => r.op.startsWith("secretsmanager."));
      assert.ok(reads.length >= 1);
      assert.ok(reads.every((r) => r.accessKeyId === "AKIADEFAULTCHAIN0001"), "signed with the environment's keys");
    } finally {
      await k.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name: cssAmbient });
      for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it("never shows a planted value or a token in logs, Events or status", async () => {
    const events = await k.events(ns);
    const list = (await k.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets" })) as { items: unknown[] };
    const statuses = JSON.stringify(list.items.map((item) => (item as { status?: unknown }).status));
    for (const text of [value, MOTO_TEST_KEYS.secretAccessKey, "default-chain-secret"]) {
      assert.ok(!op.logs().includes(text), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(text), "a planted value appeared in Events");
      assert.ok(!statuses.includes(text), "a planted value appeared in an ExternalSecret status");
    }
    assert.ok(!/eyJhbGciOi/.test(op.logs()), "a JWT appeared in the operator's logs");
  });
});
