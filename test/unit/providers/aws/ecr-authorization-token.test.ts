// ECRAuthorizationToken's pure parts: ESO's keys from an answer, the endpoint order, and the spec checks.
// The run is tested on moto (test/integration/generators-aws.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ECR_SERVICES, ecrEndpoint, ecrScope, ecrTokenKeys } from "../../../../providers/aws/ecr-authorization-token.ts";
import { ecrAuthorizationToken } from "../../../../providers/aws/generator-ecr-authorization-token.ts";
import { ProviderUnavailableError } from "../../../../src/provider/errors.ts";

const text = (out: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Buffer.from(v).toString()]));
const token = (text: string) => Buffer.from(text).toString("base64");

describe("ECRAuthorizationToken", () => {
  it("answers ESO's keys from the one authorization", () => {
    const answer = { authorizationData: [{ authorizationToken: token("AWS:secret-pass"), proxyEndpoint: "https://1.dkr.ecr.eu-west-1.amazonaws.com", expiresAt: 1796385600.25 }] };
    assert.deepEqual(text(ecrTokenKeys(answer)), { username: "AWS", password: "secret-pass", proxy_endpoint: "https://1.dkr.ecr.eu-west-1.amazonaws.com", expires_at: "1796385600" });
  });

  it("an answer of another shape is transient, and never quotes the token", () => {
    const bad = [{}, { authorizationData: [] }, { authorizationData: [{ authorizationToken: token("no-colon-secret"), proxyEndpoint: "x", expiresAt: 1 }] }, { authorizationData: [{ authorizationToken: 7 }] }];
    for (const answer of bad) assert.throws(() => ecrTokenKeys(answer), (err: Error) => err instanceof ProviderUnavailableError && !err.message.includes("no-colon-secret"));
  });

  it("ECR Public (scope public): one authorization object, ESO's three keys (no proxy endpoint); other shapes are transient", () => {
    const answer = { authorizationData: { authorizationToken: token("AWS:public-pass"), expiresAt: 1796385600 } };
    assert.deepEqual(text(ecrTokenKeys(answer, "public")), { username: "AWS", password: "public-pass", expires_at: "1796385600" });
    for (const bad of [{}, { authorizationData: [answer.authorizationData] }, { authorizationData: { authorizationToken: token("no-colon-secret"), expiresAt: 1 } }, { authorizationData: { expiresAt: 1 } }]) {
      assert.throws(() => ecrTokenKeys(bad, "public"), (err: Error) => err instanceof ProviderUnavailableError && /ECR Public/.test(err.message) && !err.message.includes("no-colon-secret"));
    }
  });

  it("the scope picks the service: SigV4 name, JSON 1.1 target, endpoint variable and host", () => {
    assert.equal(ecrScope({ region: "r" }), "private");
    assert.equal(ecrScope({ region: "r", scope: "private" }), "private");
    assert.equal(ecrScope({ region: "r", scope: "public" }), "public");
    assert.deepEqual(ECR_SERVICES.public, { service: "ecr-public", target: "SpencerFrontendService.GetAuthorizationToken", envVar: "AWS_ENDPOINT_URL_ECR_PUBLIC", host: "api.ecr-public" });
    assert.equal(ecrEndpoint({ region: "us-east-1", scope: "public" }, {}), "https://api.ecr-public.us-east-1.amazonaws.com");
    assert.equal(ecrEndpoint({ region: "us-east-1", scope: "public" }, { AWS_ENDPOINT_URL_ECR: "https://private-only", AWS_ENDPOINT_URL_ECR_PUBLIC: "https://env-public" }), "https://env-public");
    assert.equal(ecrEndpoint({ region: "us-east-1", scope: "public", endpoints: { ecr: "https://override" } }, {}), "https://override");
  });

  it("endpoint: the spec's, then the SDK's environment variables, then AWS's", () => {
    assert.equal(ecrEndpoint({ region: "eu-west-1", endpoints: { ecr: "https://ecr.internal" } }, { AWS_ENDPOINT_URL_ECR: "https://env" }), "https://ecr.internal");
    assert.equal(ecrEndpoint({ region: "eu-west-1" }, { AWS_ENDPOINT_URL_ECR: "https://env-ecr", AWS_ENDPOINT_URL: "https://env" }), "https://env-ecr");
    assert.equal(ecrEndpoint({ region: "eu-west-1" }, { AWS_ENDPOINT_URL: "https://env", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }), "https://api.ecr.eu-west-1.amazonaws.com");
  });

  it("scope private or public; operator identity for empty auth; both endpoint overrides for the tenant rules", () => {
    assert.equal(ecrAuthorizationToken.problem({ region: "r", scope: "public" }), undefined);
    assert.match(ecrAuthorizationToken.problem({ region: "r", scope: "galactic" })!, /"private" or "public"/);
    assert.equal(ecrAuthorizationToken.problem({ region: "r", scope: "private" }), undefined);
    assert.match(ecrAuthorizationToken.operatorIdentity!({ region: "r" })!, /default credential chain/);
    assert.deepEqual(ecrAuthorizationToken.endpoints!({ region: "r", endpoints: { ecr: "http://a", sts: "http://b" } }), { "endpoints.ecr": "http://a", "endpoints.sts": "http://b" });
  });
});
