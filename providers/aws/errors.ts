// The one place AWS SDK errors become the provider contract's typed errors. Messages carry the operation,
// the key and AWS's error code, never a value (AWS error texts name ARNs and actions, not secret data).
import { ConfigError, NoSecretError, PermissionDeniedError, ProviderError, ProviderUnavailableError, WriteConflictError } from "../../src/provider/errors.ts";
import type { ProviderCallStatus } from "../../src/provider/call-metrics.ts";

const NOT_FOUND = new Set(["ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound", "ParameterVersionLabelNotFound"]);
const DENIED = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "ExpiredTokenException",
  "ExpiredToken",
  "InvalidIdentityToken",
  "IDPRejectedClaim",
  "DecryptionFailure",
  "KMSAccessDeniedException",
]);
// TooManyUpdates: SSM refuses concurrent writes to one parameter; a later attempt succeeds.
const THROTTLED = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "ThrottledException", "RequestThrottled", "TooManyUpdates"]);
// A create lost a race (someone created the secret or parameter after we looked): retried from a fresh read.
const CONFLICT = new Set(["ResourceExistsException", "ParameterAlreadyExists"]);
const BAD_CREDENTIALS = new Set(["UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch", "ExpiredTokenException", "ExpiredToken"]);
const refusedCredentials = new WeakSet<ProviderError>();
const BAD_REQUEST = new Set([
  "ValidationException",
  "InvalidParameterException",
  "InvalidParameterValue",
  "InvalidKeyId",
  "ParameterVersionLabelLimitExceeded",
  // Writes (PushSecret): a name, type, tier, policy or size AWS refuses, or a quota a spec change must fix.
  "ParameterPatternMismatchException",
  "UnsupportedParameterType",
  "HierarchyTypeMismatchException",
  "HierarchyLevelLimitExceeded",
  "InvalidPolicyTypeException",
  "InvalidPolicyAttributeException",
  "IncompatiblePolicyException",
  "PoliciesLimitExceededException",
  "ParameterLimitExceeded",
  "ParameterMaxVersionLimitExceeded",
  "TooManyTagsError",
  "LimitExceededException",
  "EncryptionFailure",
]);

/** The shape of an SDK error as far as we read it. */
interface AwsErrorLike {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  code?: string;
  $responseBodyText?: string;
}

/** Error bodies that were not JSON, by raw HTTP response (filled in by calls.ts). */
export const errorBodies = new WeakMap<object, string>();

/**
 * An error body the SDK could not parse (moto, and some proxies, answer JSON-protocol auth failures in XML):
 * read AWS's code and message out of it so the condition says what AWS said.
 */
export function fromUnparsedBody(err: AwsErrorLike): AwsErrorLike {
  const body = err.$responseBodyText ?? (err.$response ? errorBodies.get(err.$response) : undefined);
  if (!body) return err;
  const code = /<Code>([\w.]+)<\/Code>/.exec(body)?.[1] ?? /"__type"\s*:\s*"(?:[^"#]*#)?([\w.]+)"/.exec(body)?.[1];
  if (!code) return err;
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? /"message"\s*:\s*"([^"]*)"/i.exec(body)?.[1] ?? "";
  return { ...err, name: code, message };
}

/** Secrets Manager answers InvalidRequestException for a secret scheduled for deletion: that secret is gone. */
function markedDeleted(err: AwsErrorLike): boolean {
  return err.name === "InvalidRequestException" && /marked (for )?delet/i.test(err.message ?? "");
}

/** Milliseconds from AWS's retry hints (x-amz-retry-after in ms, Retry-After in seconds), if any. */
export function retryAfterMs(headers: Record<string, string | undefined> | undefined): number | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const amz = Number(lower["x-amz-retry-after"]);
  if (Number.isFinite(amz) && amz > 0) return amz;
  const raw = lower["retry-after"];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Maps any error from an AWS call on `what` (e.g. `GetSecretValue /app/db`) to a typed provider error. */
export function mapAwsError(err: unknown, what: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = fromUnparsedBody((err ?? {}) as AwsErrorLike);
  const code = e.name ?? "Error";
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const detail = `${what}: ${code}${status ? ` (HTTP ${status})` : ""}`;
  if (NOT_FOUND.has(code) || markedDeleted(e)) return new NoSecretError(`${what}: not found (${code})`, { cause: err });
  if (DENIED.has(code) || status === 401 || status === 403) {
    const denied = new PermissionDeniedError(`${what}: permission denied (${code}${status ? `, HTTP ${status}` : ""}): ${short(e.message)}`, { cause: err });
    if (BAD_CREDENTIALS.has(code)) refusedCredentials.add(denied);
    return denied;
  }
  if (THROTTLED.has(code) || status === 429) {
    const hint = retryAfterMs(e.$response?.headers);
    return new ProviderUnavailableError(`${detail}: throttled`, hint === undefined ? { cause: err } : { cause: err, retryAfterMs: hint });
  }
  if (CONFLICT.has(code)) return new WriteConflictError(`${detail}: ${short(e.message)}`, { cause: err });
  if (BAD_REQUEST.has(code) || code === "InvalidRequestException") return new ConfigError(`${detail}: ${short(e.message)}`, { cause: err });
  // 5xx, timeouts, connection errors and anything unknown: transient, the last good Secret stays.
  return new ProviderUnavailableError(detail, { cause: err });
}

/** The metrics status of a mapped error. */
export function callStatus(err: ProviderError): ProviderCallStatus {
  if (err instanceof NoSecretError) return "not_found";
  if (err instanceof PermissionDeniedError) return "denied";
  if (err instanceof ProviderUnavailableError && /throttled/.test(err.message)) return "throttled";
  return "error";
}

// AWS messages are single sentences; cap them so a surprising one cannot flood a condition.
const short = (message: string | undefined) => (message ?? "").replace(/\s+/g, " ").trim().slice(0, 300);

/** The credentials themselves were refused (not a policy): worth reloading them before the next attempt. */
export function credentialsRefused(err: ProviderError): boolean {
  return refusedCredentials.has(err);
}
