// STSSessionToken's pure parts: ESO's keys from an STS answer, the store spec its credentials come from, and
// the spec checks the tenant rules read. The run itself is tested on moto (test/integration/generators-aws.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { credentialSpec, sessionTokenKeys } from "../../../../providers/aws/sts-session-token.ts";
import { stsSessionToken, type STSSessionTokenSpec } from "../../../../providers/aws/generator-sts-session-token.ts";
import { awsProvider } from "../../../../providers/aws/index.ts";
import { GeneratorError } from "../../../../src/generators/types.ts";
import { ProviderUnavailableError } from "../../../../src/provider/errors.ts";

const keys = { secretRef: { accessKeyIDSecretRef: { name: "c", key: "id" }, secretAccessKeySecretRef: { name: "c", key: "secret" } } };
const text = (out: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Buffer.from(v).toString()]));

describe("STSSessionToken", () => {
  it("answers ESO's four keys, the expiry in Unix seconds; an incomplete answer is transient", () => {
    const out = sessionTokenKeys({ AccessKeyId: "ASIA1", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date("2026-12-04T12:00:00.900Z") });
    assert.deepEqual(text(out), { access_key_id: "ASIA1", expiration: "1796385600", secret_access_key: "s", session_token: "t" });
    assert.throws(() => sessionTokenKeys({ AccessKeyId: "ASIA1", SecretAccessKey: "s" }), ProviderUnavailableError);
    assert.throws(() => sessionTokenKeys(undefined), ProviderUnavailableError);
  });

  it("its credentials are a store's with the same region, role, auth and STS endpoint", () => {
    const spec: STSSessionTokenSpec = { region: "eu-west-1", role: "arn:aws:iam::1:role/r", auth: keys, endpoints: { sts: "https://sts.internal" } };
    assert.deepEqual(credentialSpec(spec), { service: "SecretsManager", region: "eu-west-1", role: "arn:aws:iam::1:role/r", auth: keys, endpoints: { sts: "https://sts.internal" } });
  });

  it("refuses jwt auth (ESO), names the operator's identity for empty auth and the endpoint for the tenant rules", async () => {
    assert.match(stsSessionToken.problem({ region: "r", auth: { jwt: { serviceAccountRef: { name: "a" } } } })!, /jwt auth cannot be used/);
    assert.equal(stsSessionToken.problem({ region: "r", auth: keys }), undefined);
    assert.match(stsSessionToken.operatorIdentity!({ region: "r" })!, /default credential chain/);
    assert.equal(stsSessionToken.operatorIdentity!({ region: "r", auth: keys }), undefined);
    assert.deepEqual(stsSessionToken.endpoints!({ region: "r", endpoints: { sts: "http://x" } }), { "endpoints.sts": "http://x" });
    assert.deepEqual(stsSessionToken.endpoints!({ region: "r" }), {});
    await assert.rejects(stsSessionToken.generate({ region: "r", auth: keys }), (err: Error) => err instanceof GeneratorError && /not generated offline/.test(err.message));
    assert.equal(stsSessionToken.spec.safeParse({ region: "r", requestParameters: { sessionDuration: 60 } }).success, false, "AWS's bounds");
    assert.equal(stsSessionToken.spec.safeParse({}).success, false, "region is required");
  });

  it("comes with the aws provider (with ECRAuthorizationToken)", () => {
    assert.deepEqual(awsProvider.generators.map((generator) => generator.kind), ["STSSessionToken", "ECRAuthorizationToken"]);
  });
});
