// A small Vault HTTP client on node:http(s): one keep-alive agent per session carrying the store's CA and
// client certificate, Vault's headers, idle and whole-request timeouts, a capped body, and one recorded
// provider call per request. Redirects are never followed and no proxy is taken from the environment (our
// own agents have no proxyEnv). Not node-vault 0.12: its axios instance drops the body cap, redirect and
// proxy options, drops response headers, reads VAULT_TOKEN from the environment and rejects with errors
// carrying the token; the evidence is test/unit/providers/vault/node-vault-gaps.test.ts, summed up in
// README.md ("Transport, and why not node-vault").
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import type { ProviderCallStatus } from "../../src/provider/call-metrics.ts";
import { ByteBudget, declaredLength, readCapped } from "../../src/provider/capped-read.ts";
import { ResponseTooLargeError } from "../../src/provider/errors.ts";
import { Limits } from "../../src/provider/limits.ts";
import { errorTexts, retryAfterMs, vaultError, vaultTransportError } from "./errors.ts";
import type { VaultOperation } from "./errors.ts";

export interface VaultTls {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

export interface VaultHttpOptions {
  server: string;
  tls: VaultTls;
  /** Sent on every request (namespace, custom headers, X-Vault-Inconsistent). */
  headers: Record<string, string>;
  readYourWrites: boolean;
  /** Longest silence on the connection (default 10 s). */
  timeoutMs?: number;
  /** Longest whole request, answer included (default 30 s): a server dripping a byte at a time stays under the idle timeout. */
  deadlineMs?: number;
  /** Largest response body read (default Limits.providerResponseBytes); a larger one fails the request. */
  maxResponseBytes?: number;
}

export interface VaultRequest {
  method: "GET" | "POST" | "LIST" | "DELETE";
  /** Path under /v1/, without a leading slash. */
  path: string;
  op: VaultOperation;
  /** Metric name of the call (Login, ReadSecret, List, RenewSelf ...). */
  call: string;
  token?: string | undefined;
  body?: unknown;
  /** Query parameters; an array repeats the name (VaultDynamicSecret's getParameters). */
  query?: Record<string, string | readonly string[]> | undefined;
  /** Values the body carries (a push's secret values): withheld from Vault's error texts, which a server may echo. */
  withheld?: readonly string[] | undefined;
  /** Overrides X-Vault-Namespace (auth.namespace for logins). */
  namespace?: string | undefined;
}

export interface VaultResponse {
  status: number;
  body: Record<string, unknown>;
  /** Vault's `errors` array on failures. */
  errors: string[];
  retryAfterMs?: number | undefined;
  /**
   * The body was a JSON object, i.e. Vault's own answer (or a 204, which has no body by definition). A proxy or
   * load balancer in front of Vault answers HTML or plain text: such an answer is never "not found" and never data.
   */
  fromVault: boolean;
}

/** The body as a JSON object, or undefined when it is empty, not JSON, or JSON of another type. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const metricStatus = (status: number): ProviderCallStatus =>
  status < 300 ? "success" : status === 404 ? "not_found" : status === 401 || status === 403 ? "denied" : status === 429 ? "throttled" : "error";

/** The JSON answer of one Vault endpoint. `send` never throws for HTTP statuses; `expectOk` does. */
export class VaultHttp {
  readonly #base: URL;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #opts: VaultHttpOptions;
  #index: string | undefined;

  constructor(opts: VaultHttpOptions) {
    this.#opts = opts;
    this.#base = new URL(opts.server.endsWith("/") ? opts.server : `${opts.server}/`);
    this.#agent = this.#base.protocol === "https:" ? new HttpsAgent({ keepAlive: true, ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key }) : new HttpAgent({ keepAlive: true });
  }

  async send(req: VaultRequest): Promise<VaultResponse> {
    const url = new URL(`v1/${req.path.split("/").map(encodeURIComponent).join("/")}`, this.#base);
    // Node's http client accepts arbitrary verbs, but some proxies do not: LIST goes as GET ?list=true.
    const method = req.method === "LIST" ? "GET" : req.method;
    if (req.method === "LIST") url.searchParams.set("list", "true");
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (typeof value === "string") url.searchParams.set(name, value);
      else for (const item of value) url.searchParams.append(name, item);
    }
    const headers: Record<string, string> = { ...this.#opts.headers };
    if (req.namespace !== undefined) headers["X-Vault-Namespace"] = req.namespace;
    if (req.token) headers["X-Vault-Token"] = req.token;
    if (this.#opts.readYourWrites && this.#index) headers["X-Vault-Index"] = this.#index;
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    let raw: { status: number; headers: IncomingHttpHeaders; text: string };
    try {
      raw = await this.#roundTrip(url, method, headers, payload, `vault ${req.op} ${req.path}: the response`);
    } catch (err) {
      recordProviderCall("vault", req.call, "error");
      if (err instanceof ResponseTooLargeError) throw err;
      throw vaultTransportError(req.op, req.path, err);
    }
    recordProviderCall("vault", req.call, metricStatus(raw.status));
    const index = raw.headers["x-vault-index"];
    if (typeof index === "string") this.#index = index;
    const body = jsonObject(raw.text);
    const errors = errorTexts(body, req);
    return { status: raw.status, body: body ?? {}, errors, retryAfterMs: retryAfterMs(raw.headers["retry-after"]), fromVault: body !== undefined || raw.status === 204 };
  }

  /** Sends and throws the mapped typed error for any non-2xx answer, or for a 2xx that is not Vault's JSON. */
  async expectOk(req: VaultRequest): Promise<Record<string, unknown>> {
    const res = await this.send(req);
    if (res.status < 300 && res.fromVault) return res.body;
    throw this.failure(req, res);
  }

  failure(req: Pick<VaultRequest, "op" | "path">, res: VaultResponse): Error {
    return vaultError(req.op, req.path, { status: res.status, errors: res.errors, retryAfterMs: res.retryAfterMs, fromVault: res.fromVault });
  }

  close(): void {
    this.#agent.destroy();
  }

  #roundTrip(url: URL, method: string, headers: Record<string, string>, payload: string | undefined, what: string) {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const budget = new ByteBudget(this.#opts.maxResponseBytes ?? Limits.providerResponseBytes, what);
    const timedOut = () => Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" });
    return new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
      let response: IncomingMessage | undefined;
      const deadline = setTimeout(() => {
        const err = timedOut();
        response?.destroy(err);
        req.destroy(err);
      }, this.#opts.deadlineMs ?? 30_000);
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        clearTimeout(deadline);
        done(value);
      };
      const req = send(url, { method, headers, agent: this.#agent, timeout: this.#opts.timeoutMs ?? 10_000 }, (res) => {
        response = res;
        // Streamed against the budget: past it the response is destroyed (its socket closed, not reused).
        readCapped(res, budget, declaredLength(res.headers["content-length"])).then(
          settle((body: Buffer) => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: body.toString("utf8") })),
          settle(reject),
        );
      });
      req.on("timeout", () => req.destroy(timedOut()));
      req.on("error", settle(reject));
      req.end(payload);
    });
  }
}
