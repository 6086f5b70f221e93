// One Vault token per store session: obtained once, shared by every request, renewed past two thirds of its
// lease (by a timer, so renewal does not depend on when refreshes happen to run, and checked again before
// each request), replaced by a new login when it expires or Vault stops accepting it, and revoked on close.
import type { Logger } from "pino";
import { PermissionDeniedError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import type { TokenSource } from "./auth.ts";
import type { VaultHttp, VaultRequest, VaultResponse } from "./http.ts";
import { afterRenewal, tokenAction } from "./token.ts";
import type { HeldToken } from "./token.ts";

/** Authenticated requests for one store session. Throws the typed errors of errors.ts. */
export class VaultSession {
  readonly #http: VaultHttp;
  readonly #source: TokenSource;
  readonly #log: Logger;
  readonly #now: () => number;
  #held: HeldToken | undefined;
  #pending: Promise<HeldToken> | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #keepTokenOnClose: boolean;

  /**
   * `keepTokenOnClose`: close() leaves a login's token to expire with its lease instead of revoking it. For the
   * VaultDynamicSecret generator: Vault revokes a token's child leases with the token, and the dynamic secret it
   * just handed out (database credentials ...) is such a lease.
   */
  constructor(opts: { http: VaultHttp; source: TokenSource; log: Logger; now?: () => number; keepTokenOnClose?: boolean }) {
    this.#keepTokenOnClose = opts.keepTokenOnClose ?? false;
    this.#http = opts.http;
    this.#source = opts.source;
    this.#log = opts.log;
    this.#now = opts.now ?? Date.now;
  }

  /** The current token, logging in or renewing first when its lease says so; concurrent callers share one login. */
  async token(): Promise<HeldToken> {
    const action = tokenAction(this.#held, this.#now());
    if (action === "use") return this.#held!;
    this.#pending ??= (action === "renew" ? this.#renew(this.#held!) : this.#login()).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /**
   * Sends `req` with the session's token. A 403 is ambiguous (expired or revoked token, or a policy that
   * denies the path): ask Vault about the token itself, and only when it is no longer valid log in again
   * (re-reading the credentials) and retry once. A real policy denial costs no login.
   */
  async request(req: Omit<VaultRequest, "token">): Promise<VaultResponse> {
    const held = await this.token();
    const res = await this.#http.send({ ...req, token: held.token });
    if (res.status !== 403) return res;
    const probe = await this.#http.send({ method: "GET", path: "auth/token/lookup-self", op: "token", call: "LookupSelf", token: held.token });
    if (probe.status < 300) return res;
    this.#log.debug({ auth: this.#source.label }, "vault token no longer valid; logging in again");
    if (this.#held === held) this.#held = undefined;
    const fresh = await this.token();
    return this.#http.send({ ...req, token: fresh.token });
  }

  /** Like request, but any non-2xx answer, or a 2xx that is not Vault's JSON, throws its typed error. */
  async expectOk(req: Omit<VaultRequest, "token">): Promise<Record<string, unknown>> {
    const res = await this.request(req);
    if (res.status < 300 && res.fromVault) return res.body;
    throw this.#http.failure(req, res);
  }

  /** Checks the credentials: a login (or, for a static token, a lookup of it). */
  async validate(): Promise<void> {
    const held = await this.token();
    if (held.owned) return;
    const probe = await this.#http.send({ method: "GET", path: "auth/token/lookup-self", op: "token", call: "LookupSelf", token: held.token });
    if (probe.status === 403) {
      this.#held = undefined;
      throw new PermissionDeniedError("vault rejects the token from auth.tokenSecretRef");
    }
    if (probe.status >= 300) throw this.#http.failure({ op: "token", path: "auth/token/lookup-self" }, probe);
  }

  /** Revokes a token we logged in for (never a user's static token) and closes the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#renewTimer);
    const held = this.#held ?? (await this.#pending?.catch(() => undefined));
    this.#held = undefined;
    if (held?.owned && !this.#keepTokenOnClose) {
      try {
        await this.#http.send({ method: "POST", path: "auth/token/revoke-self", op: "token", call: "RevokeSelf", token: held.token });
        this.#log.debug({ auth: this.#source.label }, "vault token revoked");
      } catch {
        this.#log.debug({ auth: this.#source.label }, "vault token revocation failed; it expires with its lease");
      }
    }
    this.#http.close();
  }

  async #login(): Promise<HeldToken> {
    const held = await this.#source.obtain();
    this.#log.debug({ auth: this.#source.label, ttlSeconds: held.ttlMs / 1000 }, held.owned ? "vault login" : "vault token read");
    if (this.#closed) {
      // Closed while logging in: do not leak the new token's lease.
      if (held.owned) await this.#http.send({ method: "POST", path: "auth/token/revoke-self", op: "token", call: "RevokeSelf", token: held.token }).catch(() => undefined);
      throw new ProviderUnavailableError("vault session closed while logging in");
    }
    this.#held = held;
    this.#scheduleRenewal(held);
    return held;
  }

  /**
   * Renews at two thirds of the lease even when no request comes by then. Only renewable tokens: once
   * renewals are capped (or for a non-renewable token) the timer stops, so an idle store's token lapses at
   * its max TTL and the next request logs in. The timer never keeps the process alive.
   */
  #scheduleRenewal(held: HeldToken): void {
    clearTimeout(this.#renewTimer);
    if (this.#closed || !held.owned || !held.renewable || held.ttlMs <= 0) return;
    const due = held.since + (held.ttlMs * 2) / 3 - this.#now();
    this.#renewTimer = setTimeout(() => {
      if (this.#held === held) this.token().catch(() => undefined);
      // A small margin past the two-thirds mark so token() sees the renewal as due; never as far as the expiry.
    }, Math.max(0, due) + Math.min(50, held.ttlMs / 12));
    this.#renewTimer.unref();
  }

  async #renew(held: HeldToken): Promise<HeldToken> {
    const sent = this.#now();
    try {
      const res = await this.#http.send({ method: "POST", path: "auth/token/renew-self", op: "token", call: "RenewSelf", token: held.token, body: {} });
      const auth = res.body["auth"] as { lease_duration?: unknown; renewable?: unknown } | undefined;
      if (res.status < 300 && auth) {
        this.#held = afterRenewal(held, Number(auth.lease_duration ?? 0), auth.renewable === true, sent);
        this.#scheduleRenewal(this.#held);
        this.#log.debug({ auth: this.#source.label, ttlSeconds: this.#held.ttlMs / 1000 }, "vault token renewed");
        return this.#held;
      }
    } catch {
      // Unreachable server: a login below will report it properly.
    }
    return this.#login();
  }
}
