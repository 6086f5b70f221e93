// Issue 18 stage 2 on the bench's moto: ECRAuthorizationToken (a signed GetAuthorizationToken) and STSSessionToken (STS GetSessionToken) with the aws provider's auth:
// static keys from a Secret, then an assumed role first; ESO's four keys; a new token on every forced sync; the
// tenant rules for a namespaced generator (no operator identity, no plain http to a remote host, no Secret of
// another namespace); no generated secret key or session token in logs, Events or status.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { GENERATOR_GROUP, GENERATOR_VERSION } from "../../src/api/generators.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { MOTO_REGION, MOTO_TEST_KEYS, createCredentialsSecret, moto, secretRefAuth } from "../helpers/moto.ts";
import { assertNoLeaks } from "../helpers/openbao.ts";
import { rememberForSweep } from "../helpers/planted.ts";

const API_VERSION = `${GENERATOR_GROUP}/${GENERATOR_VERSION}`;
const ROLE = "arn:aws:iam::123456789012:role/session-maker";

describe("STSSessionToken and ECRAuthorizationToken generators (moto)", () => {
  let ns: string;
  let other: string;
  let op: TestOperator;
  const k = kube();
  const m = moto();
  const generated: string[] = [];

  const spec = (extra: Record<string, unknown> = {}) => ({ region: MOTO_REGION, auth: secretRefAuth("aws-creds"), endpoints: { sts: m.endpoint }, ...extra });
  const createSts = (name: string, body: unknown) =>
    k.custom.createNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural: "stssessiontokens", body: { apiVersion: API_VERSION, kind: "STSSessionToken", metadata: { name }, spec: body } });
  const fromGenerator = (name: string) => ({ refreshInterval: "1h", dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API_VERSION, kind: "STSSessionToken", name } } }] });
  const data = async (name: string) => {
    const values = decoded(await k.secret(ns, name));
    for (const key of ["secret_access_key", "session_token"]) {
      if (values[key]) {
        rememberForSweep(values[key]);
        generated.push(values[key]);
      }
    }
    return values;
  };
  const failure = async (name: string, message: RegExp) => {
    const cond = await waitFor(`${name} not ready`, async () => {
      const c = (await k.es(ns, name).catch(() => undefined))?.status?.conditions?.find((x) => x.type === "Ready");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message ?? "", message, cond.message);
  };

  before(async () => {
    await m.reset();
    ns = await freshNamespace("gen-aws");
    other = await freshNamespace("gen-aws-other");
    await createCredentialsSecret(ns);
    await createCredentialsSecret(other);
    op = await startTestOperator(ns);
  });
  after(async () => {
    await op?.stop();
    m.close();
  });

  it("static keys: ESO's four keys from one GetSessionToken, with the session duration asked for; another GetSessionToken on a forced sync", async () => {
    await m.clearLog();
    await createSts("session", spec({ requestParameters: { sessionDuration: 1800 } }));
    await k.create("ExternalSecret", ns, "session", fromGenerator("session"));
    await waitForReady(k, ns, "session", "True", "SecretSynced");
    const first = await data("session");
    assert.deepEqual(Object.keys(first).sort(), ["access_key_id", "expiration", "secret_access_key", "session_token"]);
    const expiresIn = Number(first.expiration) - Date.now() / 1000;
    assert.ok(expiresIn > 1700 && expiresIn <= 1800, `expires in ${expiresIn}s`);
    assert.equal((await m.requests("sts.GetSessionToken")).length, 1);
    // moto answers the same example credentials every time: a new GetSessionToken is what shows the regeneration.
    const synced = (await k.es(ns, "session")).status?.syncedResourceVersion;
    await k.patch("ExternalSecret", ns, "session", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
    await waitFor("a second GetSessionToken", async () => ((await m.requests("sts.GetSessionToken")).length === 2 ? true : undefined));
    await waitFor("the sync recorded", async () => ((await k.es(ns, "session")).status?.syncedResourceVersion !== synced ? true : undefined));
    await data("session");
  });

  it("role: AssumeRole first, then GetSessionToken with the assumed credentials", async () => {
    await m.clearLog();
    await createSts("assumed", spec({ role: ROLE }));
    await k.create("ExternalSecret", ns, "assumed", fromGenerator("assumed"));
    await waitForReady(k, ns, "assumed", "True", "SecretSynced");
    await data("assumed");
    const ops = (await m.requests()).map((r) => r.op).filter((op) => op.startsWith("sts."));
    assert.deepEqual(ops, ["sts.AssumeRole", "sts.GetSessionToken"]);
  });

  it("tenant rules: no operator identity, no plain http to a remote host, no Secret of another namespace; jwt refused as in ESO", async () => {
    await createSts("ambient", { region: MOTO_REGION });
    await k.create("ExternalSecret", ns, "ambient", fromGenerator("ambient"));
    await failure("ambient", /namespaced STSSessionToken may not use the operator's own identity/);

    await createSts("plain", spec({ endpoints: { sts: "http://sts.example.test" } }));
    await k.create("ExternalSecret", ns, "plain", fromGenerator("plain"));
    await failure("plain", /endpoints\.sts http:\/\/sts\.example\.test is refused/);

    const foreign = secretRefAuth("aws-creds") as { secretRef: Record<string, Record<string, string>> };
    for (const ref of Object.values(foreign.secretRef)) ref.namespace = other;
    await createSts("foreign", spec({ auth: foreign }));
    await k.create("ExternalSecret", ns, "foreign", fromGenerator("foreign"));
    await failure("foreign", /may only reference objects in its own namespace/);

    await createSts("jwt", spec({ auth: { jwt: { serviceAccountRef: { name: "app" } } } }));
    await k.create("ExternalSecret", ns, "jwt", fromGenerator("jwt"));
    await failure("jwt", /jwt auth cannot be used for STS Session Token generation/);
  });

  it("ECRAuthorizationToken: ESO's keys from one signed GetAuthorizationToken; ECR Public's signed request reaches moto (which has no ECR Public) and fails clearly", async () => {
    await m.clearLog();
    const body = { region: MOTO_REGION, auth: secretRefAuth("aws-creds"), endpoints: { ecr: m.endpoint, sts: m.endpoint } };
    await k.custom.createNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural: "ecrauthorizationtokens", body: { apiVersion: API_VERSION, kind: "ECRAuthorizationToken", metadata: { name: "registry" }, spec: body } });
    await k.create("ExternalSecret", ns, "registry", { refreshInterval: "1h", dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API_VERSION, kind: "ECRAuthorizationToken", name: "registry" } } }] });
    await waitForReady(k, ns, "registry", "True", "SecretSynced");
    const values = decoded(await k.secret(ns, "registry"));
    rememberForSweep(values.password!);
    generated.push(values.password!);
    assert.deepEqual(Object.keys(values).sort(), ["expires_at", "password", "proxy_endpoint", "username"]);
    assert.equal(values.username, "AWS");
    assert.match(values.proxy_endpoint!, /^https:\/\/[0-9]{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com$/);
    assert.match(values.expires_at!, /^[0-9]+$/);
    const calls = (await m.requests()).filter((r) => r.op.endsWith("GetAuthorizationToken"));
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.accessKeyId, MOTO_TEST_KEYS.accessKeyId, "signed with the Secret's keys");

    await k.custom.createNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural: "ecrauthorizationtokens", body: { apiVersion: API_VERSION, kind: "ECRAuthorizationToken", metadata: { name: "public" }, spec: { ...body, scope: "public" } } });
    await k.create("ExternalSecret", ns, "public", { refreshInterval: "1h", dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API_VERSION, kind: "ECRAuthorizationToken", name: "public" } } }] });
    // moto has no ECR Public: the request reaches it signed with the Secret's keys for ECR Public's target, and moto's
    // refusal is a clear Ready=False (the answer's shape is unit-tested: test/unit/providers/aws/ecr-authorization-token.test.ts).
    await failure("public", /ECR Public GetAuthorizationToken|GetAuthorizationToken/);
    const publicCalls = (await m.requests()).filter((r) => r.op === "SpencerFrontendService.GetAuthorizationToken");
    assert.ok(publicCalls.length >= 1, "ECR Public's target was sent");
    assert.equal(publicCalls[0]!.accessKeyId, MOTO_TEST_KEYS.accessKeyId);
    assert.equal(await k.secret(ns, "public"), undefined, "nothing written");
  });

  it("no generated secret key or session token in logs, Events or status", async () => {
    assert.ok(generated.length >= 4);
    await assertNoLeaks(op, ns, generated);
  });
});
