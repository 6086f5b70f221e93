// mapAwsError: every AWS error code family lands on the right typed error; retry hints are read; no value leaks.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { callStatus, credentialsRefused, errorBodies, fromUnparsedBody, mapAwsError, retryAfterMs } from "../../../../providers/aws/errors.ts";
import { ConfigError, NoSecretError, PermissionDeniedError, ProviderUnavailableError, WriteConflictError } from "../../../../src/provider/errors.ts";

const awsError = (name: string, message = "", status?: number, headers?: Record<string, string>) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $response: { statusCode: status, headers: headers ?? {} } });

describe("mapAwsError", () => {
  const table = [
    { name: "ResourceNotFoundException is not found", given: awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400), want: NoSecretError, status: "not_found" },
    { name: "a secret marked for deletion is not found", given: awsError("InvalidRequestException", "You tried to perform the operation on a secret that's currently marked deleted.", 400), want: NoSecretError, status: "not_found" },
    { name: "ParameterNotFound is not found", given: awsError("ParameterNotFound", "", 400), want: NoSecretError, status: "not_found" },
    { name: "ParameterVersionNotFound is not found", given: awsError("ParameterVersionNotFound", "", 400), want: NoSecretError, status: "not_found" },
    { name: "AccessDeniedException is denied", given: awsError("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized", 400), want: PermissionDeniedError, status: "denied" },
    { name: "UnrecognizedClientException is denied", given: awsError("UnrecognizedClientException", "The security token included in the request is invalid.", 400), want: PermissionDeniedError, status: "denied" },
    { name: "any 403 is denied", given: awsError("SomethingElse", "", 403), want: PermissionDeniedError, status: "denied" },
    { name: "KMS decryption failure is denied", given: awsError("DecryptionFailure", "", 400), want: PermissionDeniedError, status: "denied" },
    { name: "ThrottlingException is transient and throttled", given: awsError("ThrottlingException", "Rate exceeded", 400), want: ProviderUnavailableError, status: "throttled" },
    { name: "429 is throttled", given: awsError("Whatever", "", 429), want: ProviderUnavailableError, status: "throttled" },
    { name: "5xx is transient", given: awsError("InternalServiceError", "", 500), want: ProviderUnavailableError, status: "error" },
    { name: "a connection error is transient", given: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), want: ProviderUnavailableError, status: "error" },
    { name: "ValidationException is a config error", given: awsError("ValidationException", "1 validation error", 400), want: ConfigError, status: "error" },
    { name: "a create that lost a race is a write conflict", given: awsError("ResourceExistsException", "exists", 400), want: WriteConflictError, status: "error" },
    { name: "a parameter created meanwhile is a write conflict", given: awsError("ParameterAlreadyExists", "exists", 400), want: WriteConflictError, status: "error" },
    { name: "SSM TooManyUpdates is throttled", given: awsError("TooManyUpdates", "", 400), want: ProviderUnavailableError, status: "throttled" },
    { name: "a refused parameter name is a config error", given: awsError("ParameterPatternMismatchException", "", 400), want: ConfigError, status: "error" },
    { name: "another InvalidRequestException is a config error", given: awsError("InvalidRequestException", "You can't do that", 400), want: ConfigError, status: "error" },
  ];
  for (const { name, given, want, status } of table) {
    it(name, () => {
      const mapped = mapAwsError(given, "GetSecretValue app/db");
      assert.ok(mapped instanceof want, `${mapped.name}: ${mapped.message}`);
      assert.match(mapped.message, /^GetSecretValue app\/db/);
      assert.equal(callStatus(mapped), status);
    });
  }
  it("keeps an already typed error", () => {
    const typed = new NoSecretError("x");
    assert.equal(mapAwsError(typed, "y"), typed);
  });
  it("reads the throttling hint into retryAfterMs", () => {
    const mapped = mapAwsError(awsError("ThrottlingException", "", 400, { "Retry-After": "3" }), "GetSecretValue a");
    assert.equal((mapped as ProviderUnavailableError).retryAfterMs, 3000);
  });
  it("reads an XML error body the SDK could not parse (moto's auth errors)", () => {
    const response = { statusCode: 403, headers: {} };
    errorBodies.set(response, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>User x is not authorized</Message></Error></ErrorResponse>");
    const mapped = mapAwsError(Object.assign(new SyntaxError("Unexpected token '<'"), { $response: response, $metadata: { httpStatusCode: 403 } }), "GetSecretValue a");
    assert.ok(mapped instanceof PermissionDeniedError);
    assert.match(mapped.message, /permission denied \(AccessDenied, HTTP 403\): User x is not authorized/);
    assert.doesNotMatch(mapped.message, /Unexpected token/);
  });
  it("credentialsRefused tells bad keys from a policy refusal", () => {
    assert.equal(credentialsRefused(mapAwsError(awsError("UnrecognizedClientException", "", 400), "a")), true);
    assert.equal(credentialsRefused(mapAwsError(awsError("ExpiredTokenException", "", 400), "a")), true);
    assert.equal(credentialsRefused(mapAwsError(awsError("AccessDeniedException", "", 400), "a")), false);
    assert.equal(credentialsRefused(mapAwsError(awsError("ThrottlingException", "", 400), "a")), false);
  });
});

describe("retryAfterMs", () => {
  const table = [
    { name: "no headers", given: undefined, want: undefined },
    { name: "seconds", given: { "retry-after": "2" }, want: 2000 },
    { name: "x-amz-retry-after in ms wins", given: { "x-amz-retry-after": "150", "retry-after": "2" }, want: 150 },
    { name: "garbage", given: { "retry-after": "soon" }, want: undefined },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(retryAfterMs(given), want));
});

describe("fromUnparsedBody", () => {
  const table = [
    { name: "XML code and message", given: "<Error><Code>InvalidClientTokenId</Code><Message>bad</Message></Error>", want: { name: "InvalidClientTokenId", message: "bad" } },
    { name: "JSON __type with namespace", given: '{"__type":"com.amazon#ThrottlingException","message":"slow down"}', want: { name: "ThrottlingException", message: "slow down" } },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const out = fromUnparsedBody({ name: "SyntaxError", $responseBodyText: given });
      assert.deepEqual({ name: out.name, message: out.message }, want);
    });
  }
  it("leaves an error without a body alone", () => assert.equal(fromUnparsedBody({ name: "X" }).name, "X"));
});
