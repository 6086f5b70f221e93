// The one place where Secret Manager (gRPC or REST) errors become our typed errors. Server messages are not
// passed through (only a few fixed words picked out of them), so no remote text reaches status or logs.
import { ConfigError, NoSecretError, PermissionDeniedError, ProviderError, ProviderUnavailableError, ResponseTooLargeError, WriteConflictError } from "../../src/provider/errors.ts";
import type { ProviderCallStatus } from "../../src/provider/call-metrics.ts";

/** gRPC status codes (google.rpc.Code); the REST transport maps HTTP statuses onto the same codes. */
export const Code = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function codeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** grpc-js's own message (not the server's) when an answer passes grpc.max_receive_message_length (api.ts). */
const TOO_LARGE = /Received message larger than max \(\d+ vs\.? (\d+)\)/;

/** The metric status for a finished call. */
export function callStatus(err: unknown): ProviderCallStatus {
  if (err === undefined) return "success";
  const code = codeOf(err);
  if (code === Code.NOT_FOUND) return "not_found";
  if (code === Code.PERMISSION_DENIED || code === Code.UNAUTHENTICATED) return "denied";
  if (code === Code.RESOURCE_EXHAUSTED) return TOO_LARGE.test(serverText(err)) ? "error" : "throttled";
  return "error";
}

function serverText(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : "";
}

/**
 * Maps an error from `call` on `what` (e.g. "secret db version 2") to a typed error. Already typed errors pass
 * through. Never includes the server's message, only a permission name or a version state picked out of it.
 */
export function mapGcpError(err: unknown, call: string, what: string): Error {
  if (err instanceof ProviderError) return err;
  const code = codeOf(err);
  const cause = { cause: err };
  switch (code) {
    case Code.NOT_FOUND:
      return new NoSecretError(`${what} not found`, cause);
    case Code.FAILED_PRECONDITION: {
      const state = /\b(DISABLED|DESTROYED)\b/.exec(serverText(err))?.[1];
      return new ProviderError(`${what} is ${state ?? "not enabled (disabled or destroyed)"}`, "SecretVersionNotEnabled", cause);
    }
    case Code.PERMISSION_DENIED:
    case Code.UNAUTHENTICATED: {
      const permission = /Permission '([a-zA-Z.]+)' denied/.exec(serverText(err))?.[1];
      const detail = code === Code.UNAUTHENTICATED ? "credentials rejected" : `permission denied${permission ? ` (${permission})` : ""}`;
      return new PermissionDeniedError(`${call} on ${what}: ${detail}`, cause);
    }
    case Code.INVALID_ARGUMENT:
    case Code.OUT_OF_RANGE:
    case Code.UNIMPLEMENTED:
      return new ConfigError(`${call} on ${what}: the request was rejected as invalid (gRPC code ${code})`, cause);
    case Code.RESOURCE_EXHAUSTED: {
      const tooLarge = TOO_LARGE.exec(serverText(err));
      if (tooLarge) return new ResponseTooLargeError(`${call} on ${what}: the response`, Number(tooLarge[1]));
      return new ProviderUnavailableError(`${call} on ${what}: quota exhausted, backing off`, cause);
    }
    case undefined: {
      const name = err instanceof Error ? err.name : "error";
      return new ProviderUnavailableError(`${call} on ${what}: ${name} before a response (network or auth transport)`, cause);
    }
    default:
      return new ProviderUnavailableError(`${call} on ${what}: Secret Manager unavailable (gRPC code ${code})`, cause);
  }
}

/**
 * mapGcpError for PushSecret's write calls, where a few codes mean "the secret changed since we read it": a create
 * that finds it already there, an etag that no longer matches (FAILED_PRECONDITION or ABORTED), a secret deleted
 * in between (NOT_FOUND; except DeleteSecret, where the caller treats it as already gone). All become
 * WriteConflictError: retried with backoff from a fresh read, never "not found" for deletionPolicy.
 */
export function mapGcpWriteError(err: unknown, call: string, what: string): Error {
  if (err instanceof ProviderError) return err;
  const code = codeOf(err);
  const conflict = (detail: string) => new WriteConflictError(`${call} on ${what}: ${detail}; retrying from a fresh read`, { cause: err });
  if (code === Code.ALREADY_EXISTS) return conflict("created by someone else meanwhile");
  if (code === Code.FAILED_PRECONDITION || code === Code.ABORTED) return conflict("changed meanwhile (etag mismatch or concurrent change)");
  if (code === Code.NOT_FOUND && call !== "DeleteSecret") return conflict("deleted meanwhile");
  return mapGcpError(err, call, what);
}
