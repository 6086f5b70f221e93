// Typed provider errors with a fixed meaning for the reconciler. Messages name keys and stores, never values.
import { formatBytes } from "./limits.ts";

/** Base of every error a provider adapter throws on purpose. `reason` becomes the condition reason. */
export class ProviderError extends Error {
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.reason = reason;
  }
}

/**
 * The provider confirmed the whole key (or the requested version) does not exist: the only error on which the
 * reconciler applies deletionPolicy. Never for a missing property, an empty listing or an unparsable answer.
 */
export class NoSecretError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "SecretNotFound", options);
  }
}

/**
 * The key exists but the `property` asked for is not in it (renamed or removed at the provider). ESO reports
 * "key X does not exist in secret Y" as a plain error: Ready=False, retried with backoff, the Secret kept,
 * deletionPolicy untouched (a rename must never delete a Secret).
 */
export class PropertyNotFoundError extends ProviderError {
  constructor(property: string, keyLabel: string) {
    super(`property ${JSON.stringify(property)} does not exist in ${keyLabel}`, "PropertyNotFound");
  }
}

/** The store or the request is invalid: reported as Ready=False and not retried until something changes. */
export class ConfigError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "InvalidProviderConfig", options);
  }
}

/** The provider refused our credentials (401/403): Ready=False with a permission reason, retried with backoff. */
export class PermissionDeniedError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "PermissionDenied", options);
  }
}

/** Timeouts, throttling, 5xx: transient; retried with backoff, and the last good Secret stays. */
export class ProviderUnavailableError extends ProviderError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, "ProviderUnavailable", options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/**
 * A peer's answer (or a file) grew past its limit in limits.ts. Not "not found" (deletionPolicy must not act) and
 * not a config error (the peer may be fixed): Ready=False with this reason, retried with backoff, last good Secret kept.
 */
export class ResponseTooLargeError extends ProviderError {
  constructor(what: string, limit: number, unit: "bytes" | "objects" = "bytes") {
    super(`${what}: larger than the ${unit === "bytes" ? formatBytes(limit) : `${limit} ${unit}`} limit`, "ResponseTooLarge");
  }
}

/**
 * A push would overwrite (or a delete remove) a remote secret that lacks our ownership mark (ESO's
 * `managed-by: external-secrets`): nothing is written; Ready=False naming the remote key, retried with backoff
 * (someone may mark it, or remove it).
 */
export class NotOwnedError extends ProviderError {
  constructor(what: string) {
    super(`${what} exists and is not managed by external-secrets; refusing to overwrite it`, "NotOwned");
  }
}

/** A write lost a check-and-set (someone else wrote in between): retried with backoff from a fresh read. */
export class WriteConflictError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "Conflict", options);
  }
}

/** A message that is safe to log or put in status: our own errors' messages, or only the class of a foreign error. */
export function safeMessage(err: unknown): string {
  if (err instanceof ProviderError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return "unknown error";
}
