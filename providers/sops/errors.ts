// The SOPS adapter's errors: its own failure kinds (integrity, keys, file format) and the ONE mapping of foreign
// errors (isomorphic-git, fetch, age) to the typed errors. Messages name files, refs and recipients, never values.
import { ConfigError, PermissionDeniedError, ProviderError, ProviderUnavailableError } from "../../src/provider/errors.ts";

/**
 * Failure kinds; each becomes the error's `reason` (logged) and is named in the message (status).
 * All are retried with backoff and keep the last good Secret: a fixed commit or key recovers by itself.
 */
export type SopsFailure =
  | "NotSopsFile"
  | "InvalidSopsFile"
  | "UnsupportedSopsFile"
  | "IntegrityCheckFailed"
  | "NoMatchingIdentity"
  | "NoIdentity";

export class SopsError extends ProviderError {
  constructor(reason: SopsFailure, message: string) {
    super(message, reason);
  }
}

export const sopsError = (reason: SopsFailure, message: string) => new SopsError(reason, message);

export const isSopsFailure = (err: unknown, reason: SopsFailure): boolean => err instanceof SopsError && err.reason === reason;

/** A URL fit for messages: no user info, no query (either may hold a token). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

interface GitLikeError {
  code?: string;
  data?: { statusCode?: number; statusMessage?: string; ref?: string; what?: string };
}

/**
 * Maps anything thrown while talking to the Git server (isomorphic-git, our HTTP plugin) to a typed error.
 * Already-typed errors pass through; the foreign error's own message is never copied (it may quote a response body).
 */
export function gitError(err: unknown, url: string, ref: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const where = `${safeUrl(url)} (${ref})`;
  const code = (err as GitLikeError | null)?.code;
  const data = (err as GitLikeError | null)?.data;
  if (code === "HttpError") {
    const status = data?.statusCode ?? 0;
    if (status === 401 || status === 403) return new PermissionDeniedError(`git server refused the credentials for ${where} (HTTP ${status})`);
    if (status === 404) return new ConfigError(`git repository ${where} not found (HTTP 404)`);
    return new ProviderUnavailableError(`git server ${where} answered HTTP ${status}`);
  }
  if (code === "NotFoundError") return new ConfigError(`git ref ${ref} not found in ${safeUrl(url)}`);
  if (code === "RemoteCapabilityError") return new ConfigError(`git server ${where} does not support shallow fetches`);
  if (code === "UrlParseError" || code === "UnknownTransportError") return new ConfigError(`git URL ${safeUrl(url)} is not usable over HTTP(S)`);
  if (code === "SmartHttpError" || code === "ParseError" || code === "EmptyServerResponseError") {
    return new ProviderUnavailableError(`git server ${where} sent an unexpected response (${code})`);
  }
  const name = err instanceof Error ? err.name : "error";
  return new ProviderUnavailableError(`fetching ${where} failed (${code ?? name})`);
}
