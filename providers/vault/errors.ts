// The one place where Vault's HTTP answers and transport failures become the provider contract's typed errors.
// Messages carry the operation, the path and Vault's own error text (which names paths and roles, never
// values), truncated; request and response bodies are never included.
import { ConfigError, NoSecretError, PermissionDeniedError, ProviderError, ProviderUnavailableError, WriteConflictError } from "../../src/provider/errors.ts";
import { ValueScrubber } from "../../src/provider/scrub.ts";

/** What the request was for: login failures with 400 mean rejected credentials, not a bad request. */
export type VaultOperation = "login" | "read" | "list" | "token" | "write" | "delete";

/** A Vault response that was not 2xx, or a 2xx that was not Vault's JSON. */
export interface VaultFailure {
  status: number;
  /** Vault's `errors` array, as sent. */
  errors: string[];
  retryAfterMs?: number | undefined;
  /** The body was Vault's JSON (http.ts). When false, something in between (a proxy, a load balancer) answered. */
  fromVault: boolean;
}

const brief = (errors: string[]): string => {
  const text = errors.filter(Boolean).join("; ").replace(/\s+/g, " ").trim();
  return text.length > 160 ? `${text.slice(0, 160)}...` : text;
};

/** The login body fields that carry credentials (role and name are names, kept for diagnosis). */
const CREDENTIAL_FIELDS = ["jwt", "secret_id", "password", "role_id"] as const;
const MAX_ERRORS = 8;
const MAX_ERROR_CHARS = 512;

/**
 * Vault's `errors` array from an answer, bounded, with every credential the request carried withheld. A server
 * is tenant-chosen and may echo the token or the login body back; its text goes into messages and status.
 */
export function errorTexts(body: Record<string, unknown> | undefined, sent: { token?: string | undefined; body?: unknown; withheld?: readonly string[] | undefined }): string[] {
  const raw = body?.["errors"];
  if (!Array.isArray(raw) || raw.length === 0) return [];
  const texts = raw.slice(0, MAX_ERRORS).map((e) => String(e).slice(0, MAX_ERROR_CHARS));
  const fields = sent.body !== null && typeof sent.body === "object" ? (sent.body as Record<string, unknown>) : {};
  const credentials = [sent.token, ...CREDENTIAL_FIELDS.map((f) => fields[f]), ...(sent.withheld ?? [])].filter((v): v is string => typeof v === "string" && v !== "");
  if (credentials.length === 0) return texts;
  const scrubber = new ValueScrubber().addAll(credentials);
  return texts.map((text) => scrubber.scrub(text));
}

export function vaultError(op: VaultOperation, path: string, failure: VaultFailure): ProviderError {
  const detail = brief(failure.errors);
  const message = `vault ${op} ${path}: HTTP ${failure.status}${detail ? ` (${detail})` : ""}`;
  const { status } = failure;
  // Only Vault itself can say a key does not exist: a 404 with its JSON body (as Vault's Go client, which ESO
  // uses, requires too). An HTML or plain-text answer (any status but 401/403) is the path to Vault misbehaving,
  // e.g. a proxy's maintenance page answering 200 or 404: transient, never "not found", never data.
  if (!failure.fromVault && status !== 401 && status !== 403) {
    return new ProviderUnavailableError(`vault ${op} ${path}: HTTP ${status} with an answer that is not Vault's JSON (a proxy or maintenance page?)`);
  }
  if (status === 404 && op === "read") return new NoSecretError(message);
  if (status === 401 || status === 403) return new PermissionDeniedError(message);
  // Vault answers 400 to logins with a wrong role, secret_id, password or JWT.
  if (status === 400 && op === "login") return new PermissionDeniedError(message);
  // KV v2 answers 400 to a write whose options.cas is not the current version: someone wrote in between.
  if (status === 400 && op === "write" && failure.errors.some((e) => /check-and-set parameter did not match/i.test(e))) return new WriteConflictError(message);
  if (status === 429 || status === 412 || status >= 500) {
    return new ProviderUnavailableError(message, failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs });
  }
  return new ConfigError(message);
}

/** A request that got no HTTP answer (refused, reset, TLS failure, timeout). Only the error code is kept. */
export function vaultTransportError(op: VaultOperation, path: string, err: unknown): ProviderError {
  const code = (err as { code?: unknown })?.code;
  const what = typeof code === "string" ? code : err instanceof Error ? err.name : "unknown error";
  // A certificate the client cannot verify will not fix itself with retries, but the server may be
  // mid-rotation; report it clearly and keep retrying with backoff like other transport failures.
  return new ProviderUnavailableError(`vault ${op} ${path}: no answer from the server (${what})`, { cause: err });
}

/** Seconds from a Retry-After header, in milliseconds; undefined when absent or not a number. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
