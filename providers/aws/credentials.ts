// Credentials for one store session: a base identity (static keys from a Secret, web identity through a chosen
// ServiceAccount, or the default chain) optionally followed by chained AssumeRole, cached and refreshed before
// expiry so a session pays one STS call per credential lifetime, not one per reconcile.
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { ConfigError, ProviderError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import type { ConnectContext } from "../../src/provider/types.ts";
import { SingleFlight } from "../../src/provider/single-flight.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { authMethod } from "./auth-method.ts";

export { authMethod };
import { webIdentityCredentials } from "./auth-web-identity.ts";
import { assumeRoleChain } from "./auth-assume-role.ts";

/** Structurally the SDK's AwsCredentialIdentity. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  expiration?: Date | undefined;
}

/** Static keys are re-read from their Secret this often, so a rotated credentials Secret takes effect. */
export const STATIC_REREAD_MS = 60_000;
/** Expiring credentials are refreshed this long before they expire (capped at a quarter of their lifetime). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** When credentials loaded at `loadedAtMs` should be replaced. Pure, for tests. */
export function refreshAtMs(loadedAtMs: number, expirationMs: number | undefined, staticTtlMs: number): number {
  if (expirationMs === undefined) return loadedAtMs + staticTtlMs;
  const lifetime = Math.max(0, expirationMs - loadedAtMs);
  return expirationMs - Math.min(REFRESH_MARGIN_MS, lifetime / 4);
}

/**
 * Caches what `load` returns until refreshAtMs; concurrent callers share one load. A failed load is not
 * cached. Contract: `get` throws whatever `load` throws (typed provider errors).
 */
export class CachedCredentials {
  readonly #load: () => Promise<Credentials>;
  readonly #now: () => number;
  readonly #staticTtlMs: number;
  readonly #flight = new SingleFlight<Credentials>();
  #current: { creds: Credentials; refreshAt: number } | undefined;

  constructor(load: () => Promise<Credentials>, opts: { now?: () => number; staticTtlMs?: number } = {}) {
    this.#load = load;
    this.#now = opts.now ?? Date.now;
    this.#staticTtlMs = opts.staticTtlMs ?? STATIC_REREAD_MS;
  }

  get = async (): Promise<Credentials> => {
    const current = this.#current;
    if (current && this.#now() < current.refreshAt) return current.creds;
    return this.#flight.do("load", async () => {
      const loadedAt = this.#now();
      const creds = await this.#load();
      this.#current = { creds, refreshAt: refreshAtMs(loadedAt, creds.expiration?.getTime(), this.#staticTtlMs) };
      return creds;
    });
  };

  /** Forget the cached value (e.g. after the provider refused it). */
  invalidate(): void {
    this.#current = undefined;
  }
}

async function staticCredentials(ctx: ConnectContext<AwsProviderSpec>): Promise<Credentials> {
  const ref = ctx.spec.auth?.secretRef;
  if (!ref?.accessKeyIDSecretRef || !ref.secretAccessKeySecretRef) {
    throw new ConfigError("aws auth.secretRef needs accessKeyIDSecretRef and secretAccessKeySecretRef");
  }
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8").trim();
  const [accessKeyId, secretAccessKey, sessionToken] = await Promise.all([
    ctx.kube.readSecretKey(ref.accessKeyIDSecretRef),
    ctx.kube.readSecretKey(ref.secretAccessKeySecretRef),
    ref.sessionTokenSecretRef ? ctx.kube.readSecretKey(ref.sessionTokenSecretRef) : undefined,
  ]);
  return { accessKeyId: text(accessKeyId), secretAccessKey: text(secretAccessKey), sessionToken: sessionToken ? text(sessionToken) : undefined };
}

/** Which base identity a spec uses; pure, for tests and the README. */
/**
 * What the SDK clients get. The SDK memoizes credentials without an `expiration` forever and others until five
 * minutes before it, which would bypass our cache (static keys re-read, invalidate after a refusal): so we
 * report an expiration at most a minute ahead, the SDK asks us before every request, and our cache decides.
 */
export function forSdk(get: () => Promise<Credentials>, now: () => number = Date.now): () => Promise<Credentials> {
  return async () => {
    const creds = await get();
    const soon = now() + 60_000;
    return { ...creds, expiration: new Date(Math.min(creds.expiration?.getTime() ?? soon, soon)) };
  };
}

/** A session's credentials: `get` is the SDK credential provider; `invalidate` drops every cached layer. */
export interface SessionCredentials {
  get: () => Promise<Credentials>;
  invalidate(): void;
}

/** The session's credential provider (pass `get` to every SDK client). */
export function sessionCredentials(ctx: ConnectContext<AwsProviderSpec>, stsEndpoint: string | undefined): SessionCredentials {
  const method = authMethod(ctx.spec);
  let base: CachedCredentials;
  if (method === "secretRef") base = new CachedCredentials(() => staticCredentials(ctx));
  else if (method === "jwt") base = new CachedCredentials(() => webIdentityCredentials(ctx, stsEndpoint));
  else {
    const chain = fromNodeProviderChain({ clientConfig: { region: ctx.spec.region } });
    base = new CachedCredentials(async () => chain());
  }
  const roles = [...(ctx.spec.additionalRoles ?? []), ...(ctx.spec.role ? [ctx.spec.role] : [])];
  if (roles.length === 0) return { get: forSdk(base.get), invalidate: () => base.invalidate() };
  const assumed = new CachedCredentials(async () => assumeRoleChain(ctx, roles, await base.get(), stsEndpoint));
  return {
    get: forSdk(assumed.get),
    invalidate: () => {
      base.invalidate();
      assumed.invalidate();
    },
  };
}

/** Store validation for both services: the credentials load (for a role or web identity, one STS call). */
export async function validateCredentials(credentials: SessionCredentials): Promise<void> {
  await credentials.get().catch((err: unknown) => {
    throw err instanceof ProviderError ? err : new ProviderUnavailableError("loading AWS credentials failed");
  });
}
