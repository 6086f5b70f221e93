// AWS failures on the real moto with IAM enforced: wrong keys and a policy without access give Ready=False with
// a permission reason and keep the last good Secret; a denied BatchGetSecretValue falls back to single reads;
// throttling and 5xx (injected at the counting proxy) are retried by the SDK a bounded number of times.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator, waitForReady } from "../helpers/operator.ts";
import { awsStoreSpec, moto, secretRefAuth } from "../helpers/moto.ts";
import { providerCallCount } from "../../src/provider/call-metrics.ts";
import { planted } from "../helpers/planted.ts";


describe("aws provider: denied, wrong and throttled calls on moto", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const m = moto();
  const value = planted();
  const other = planted();
  const throttled = planted();
  const unavailable = planted();
  const wrongSecretKey = planted();
  const keys: Record<string, { id: string; secret: string }> = {};

  const readyEs = (name: string, status: string, reason?: string) => waitForReady(k, ns, name, status, reason);
  const credsSecret = (name: string, id: string, secret: string) =>
    k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData: { "access-key-id": id, "secret-access-key": secret } } });

  before(async () => {
    await m.reset();
    for (const [name, secretString] of [["guarded/db", value], ["guarded/other", other], ["retry/throttled", throttled], ["retry/unavailable", unavailable]] as const) {
      await m.sm.send(new CreateSecretCommand({ Name: name, SecretString: secretString }));
    }
    // reader may read and list but not BatchGetSecretValue; nobody has no policy at all.
    for (const user of ["reader", "nobody"]) {
      await m.iam.send(new CreateUserCommand({ UserName: user }));
      const key = (await m.iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
      keys[user] = { id: key.AccessKeyId!, secret: key.SecretAccessKey! };
    }
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:ListSecrets", "secretsmanager:DescribeSecret"], Resource: "*" }] };
    await m.iam.send(new PutUserPolicyCommand({ UserName: "reader", PolicyName: "read", PolicyDocument: JSON.stringify(policy) }));
    ns = await freshNamespace("aws-fail");
    await credsSecret("reader", keys["reader"]!.id, keys["reader"]!.secret);
    await credsSecret("nobody", keys["nobody"]!.id, keys["nobody"]!.secret);
    await credsSecret("wrong", "AKIAWRONGKEY00000001", wrongSecretKey);
    await m.enforceAuth(true);
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "reader", awsStoreSpec(m.endpoint, { auth: secretRefAuth("reader") }));
    await k.create("SecretStore", ns, "nobody", awsStoreSpec(m.endpoint, { auth: secretRefAuth("nobody") }));
  });
  after(async () => {
    await op?.stop();
    await m.enforceAuth(false);
    m.close();
  });

  it("an IAM user's keys read secrets; a denied BatchGetSecretValue falls back to GetSecretValue", async () => {
    await m.clearLog();
    await k.create("ExternalSecret", ns, "found", { refreshInterval: "1h", secretStoreRef: { name: "reader" }, dataFrom: [{ find: { name: { regexp: "^guarded/" } } }] });
    assert.deepEqual(decoded(await waitFor("secret found", () => k.secret(ns, "found"))), { guarded_db: value, guarded_other: other });
    const batch = await m.requests("secretsmanager.BatchGetSecretValue");
    assert.equal(batch.length, 1, "batching is tried once, then remembered as denied");
    assert.ok((batch[0]!.status ?? 0) >= 400, "the batch was refused");
    assert.equal((await m.requests("secretsmanager.GetSecretValue")).length, 2);
  });

  it("wrong keys: Ready=False with a permission reason, the last good Secret stays", async () => {
    await k.create("ExternalSecret", ns, "guarded", { refreshInterval: "1s", secretStoreRef: { name: "reader" }, data: [{ secretKey: "v", remoteRef: { key: "guarded/db" } }] });
    await waitFor("secret guarded", () => k.secret(ns, "guarded"));
    await readyEs("guarded", "True");
    await k.patch("SecretStore", ns, "reader", { spec: awsStoreSpec(m.endpoint, { auth: secretRefAuth("wrong") }) });
    const es = await readyEs("guarded", "False", "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /permission denied \((UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException)/);
    assert.deepEqual(decoded(await k.secret(ns, "guarded")), { v: value });
    assert.match(await k.events(ns), /UpdateFailed .*permission denied/);
  });

  it("fixing the credentials Secret in place takes effect on the next attempt (refused keys are re-read, no store change)", async () => {
    const readsBefore = (await m.requests("secretsmanager.GetSecretValue")).length;
    await k.core.replaceNamespacedSecret({ name: "wrong", namespace: ns, body: { metadata: { name: "wrong" }, stringData: { "access-key-id": keys["reader"]!.id, "secret-access-key": keys["reader"]!.secret } } });
    // Skip the error backoff: force a sync. Keys cached for their 60 s re-read window would still fail here.
    await k.patch("ExternalSecret", ns, "guarded", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
    await readyEs("guarded", "True", "SecretSynced");
    assert.deepEqual(decoded(await k.secret(ns, "guarded")), { v: value });
    assert.ok((await m.requests("secretsmanager.GetSecretValue")).length > readsBefore);
  });

  it("a user without a policy: AccessDeniedException, reported as permission denied", async () => {
    await k.create("ExternalSecret", ns, "refused", { refreshInterval: "1h", secretStoreRef: { name: "nobody" }, data: [{ secretKey: "v", remoteRef: { key: "guarded/db" } }] });
    const es = await readyEs("refused", "False", "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /permission denied \(AccessDenied/);
    assert.equal(await k.secret(ns, "refused"), undefined);
  });

  it("throttling: the SDK retries within one call (3 attempts at most) and the sync succeeds", async () => {
    await k.create("SecretStore", ns, "reader2", awsStoreSpec(m.endpoint, { auth: secretRefAuth("reader") }));
    await k.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets", name: "guarded" });
    await m.clearLog();
    const throttledBefore = providerCallCount({ provider: "aws", call: "GetSecretValue", status: "throttled" });
    await m.inject([{ op: "secretsmanager.GetSecretValue", id: "retry/throttled", status: 400, code: "ThrottlingException", times: 2, retryAfterSeconds: 0 }]);
    await k.create("ExternalSecret", ns, "throttled", { refreshInterval: "1h", secretStoreRef: { name: "reader2" }, data: [{ secretKey: "v", remoteRef: { key: "retry/throttled" } }] });
    assert.deepEqual(decoded(await waitFor("secret throttled", () => k.secret(ns, "throttled"))), { v: throttled });
    const attempts = (await m.requests("secretsmanager.GetSecretValue")).filter((r) => r.ids.includes("retry/throttled"));
    assert.deepEqual(attempts.map((r) => r.fault ?? "ok"), ["ThrottlingException", "ThrottlingException", "ok"]);
    assert.equal(providerCallCount({ provider: "aws", call: "GetSecretValue", status: "throttled" }) - throttledBefore, 2, "every attempt is counted in the calls metric");
  });

  it("5xx beyond the SDK's retries: Ready=False, then recovery; attempts stay bounded", async () => {
    await m.clearLog();
        await m.inject([{ op: "secretsmanager.GetSecretValue", id: "retry/unavailable", status: 503, code: "ServiceUnavailable", times: 6 }]);
    await k.create("ExternalSecret", ns, "unavailable", { refreshInterval: "1h", secretStoreRef: { name: "reader2" }, data: [{ secretKey: "v", remoteRef: { key: "retry/unavailable" } }] });
    await readyEs("unavailable", "False", "SecretSyncedError");
    assert.deepEqual(decoded(await waitFor("secret unavailable", () => k.secret(ns, "unavailable"), 60_000)), { v: unavailable });
    const attempts = (await m.requests("secretsmanager.GetSecretValue")).filter((r) => r.ids.includes("retry/unavailable"));
    // Two reconciles of three SDK attempts each failed, the third reconcile's first attempt succeeded.
    assert.deepEqual(attempts.map((r) => r.fault ?? "ok"), [...Array(6).fill("ServiceUnavailable"), "ok"]);
  });

  it("never shows a planted value or key in logs, Events or status", async () => {
    const events = await k.events(ns);
    const list = (await k.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets" })) as { items: unknown[] };
    const statuses = JSON.stringify(list.items.map((item) => (item as { status?: unknown }).status));
    for (const text of [value, other, throttled, unavailable, wrongSecretKey, keys["reader"]!.secret, keys["nobody"]!.secret]) {
      assert.ok(!op.logs().includes(text), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(text), "a planted value appeared in Events");
      assert.ok(!statuses.includes(text), "a planted value appeared in an ExternalSecret status");
    }
  });
});
