// HTTP to the kube-apiserver: JSON requests and watch streams over pooled keep-alive connections, with the
// kubeconfig's credentials. One transport per KubeConfig, shared by all its API clients.
//
// Why by hand (issue 22): client-node builds a new TLS agent per request (the operator used to patch that) and
// its module graph costs ~85 MiB RSS; the operator needs only JSON over HTTPS with a bearer token or a client
// certificate. Node's own https.Agent pools the connections.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import type { IncomingMessage, ClientRequest, OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { ApiException, parseBody } from "./api-exception.ts";
import { FallbackAuth, needsFallbackAuth } from "./fallback-auth.ts";
import type { KubeConfig } from "./kube-config.ts";
import { recordKubeRequest, resourceOfPath } from "./request-events.ts";

export type Query = Record<string, string | number | boolean | undefined>;

export interface KubeRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** From the server's root, e.g. /api/v1/namespaces/a/secrets/b (segments already encoded). */
  path: string;
  query?: Query;
  /** Sent as JSON (a string as it is). */
  body?: unknown;
  /** Default application/json; patches name their strategy. */
  contentType?: string;
  headers?: Record<string, string>;
  /** Inactivity limit of the socket; default 5 minutes (undici's, which client-node used). */
  timeoutMs?: number;
}

/** Files (token, certificates) are re-read at most this often, so a rotation is seen within a minute (client-go's period). */
const CREDENTIALS_TTL_MS = 60_000;
/** An agent replaced by new certificates is destroyed only after its last watch has surely ended (watches last 30 s idle, 10 min at most). */
const RETIRED_AGENT_LIFETIME_MS = 11 * 60_000;
const DEFAULT_TIMEOUT_MS = 300_000;

interface Credentials {
  readAt: number;
  /** The current cluster's server, read with the rest (not looked up again per request). */
  server: string;
  identity: string;
  agent: HttpAgent;
  authorization: string | undefined;
}

/** Per-request options of the API clients, e.g. `setHeaderOptions("Content-Type", PatchStrategy.MergePatch)`. */
export interface RequestOptions {
  headers?: Record<string, string>;
}

export function setHeaderOptions(name: string, value: string): RequestOptions {
  return { headers: { [name]: value } };
}

/** The patch content types the apiserver takes (client-node's PatchStrategy values). */
export const PatchStrategy = {
  JsonPatch: "application/json-patch+json",
  MergePatch: "application/merge-patch+json",
  StrategicMergePatch: "application/strategic-merge-patch+json",
  ServerSideApply: "application/apply-patch+yaml",
} as const;
export type PatchStrategy = (typeof PatchStrategy)[keyof typeof PatchStrategy];

/**
 * Contract: `request` resolves with the parsed JSON body of a 2xx answer (undefined when empty) and rejects with an
 * ApiException for any other status, or with the network error. `stream` resolves with the response of a 200 (a
 * watch), else rejects likewise. Credentials are applied per request; a token file or certificate that changed is
 * picked up within CREDENTIALS_TTL_MS (new certificates get a new connection pool).
 */
export class KubeTransport {
  readonly #kc: KubeConfig;
  readonly #fallback: FallbackAuth | undefined;
  #credentials: Credentials | undefined;
  #loading: Promise<Credentials> | undefined;
  #retiring = new Set<HttpAgent>();

  readonly #credentialsTtlMs: number;

  /** `credentialsTtlMs`: how long read credentials are trusted before files are read again (tests shorten it). */
  constructor(kc: KubeConfig, options: { credentialsTtlMs?: number } = {}) {
    this.#kc = kc;
    this.#credentialsTtlMs = options.credentialsTtlMs ?? CREDENTIALS_TTL_MS;
    this.#fallback = needsFallbackAuth(kc) ? new FallbackAuth(kc) : undefined;
  }

  async request<T = any>(req: KubeRequest): Promise<T> {
    const started = performance.now();
    let status = 0;
    try {
      const response = await this.#send(req, true);
      const text = await readText(response);
      status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) throw new ApiException(status, req.method, req.path, parseBody(text), response.headers);
      return parseBody(text) as T;
    } finally {
      recordKubeRequest({ verb: req.method, resource: resourceOfPath(req.path), code: status, seconds: (performance.now() - started) / 1000 });
    }
  }

  async stream(req: KubeRequest): Promise<{ response: IncomingMessage; abort: () => void }> {
    const response = await this.#send(req, false);
    const status = response.statusCode ?? 0;
    if (status !== 200) throw new ApiException(status, req.method, req.path, parseBody(await readText(response)), response.headers);
    return { response, abort: () => response.destroy() };
  }

  close(): void {
    const agent = this.#credentials?.agent;
    this.#credentials = undefined;
    agent?.destroy();
  }

  async #send(req: KubeRequest, retryReused: boolean): Promise<IncomingMessage> {
    const credentials = await this.#current();
    const url = new URL(req.path, credentials.server);
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const payload = req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    const headers: OutgoingHttpHeaders = { accept: "application/json", ...req.headers };
    if (payload !== undefined) {
      headers["content-type"] ??= req.contentType ?? "application/json";
      headers["content-length"] = Buffer.byteLength(payload);
    }
    const authorization = this.#fallback ? await this.#fallback.authorization() : credentials.authorization;
    if (authorization) headers["authorization"] = authorization;
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request: ClientRequest = send(url, { method: req.method, headers, agent: credentials.agent }, resolve);
      request.setTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => request.destroy(new Error(`no answer from the apiserver within ${req.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)));
      request.on("error", (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed while idle fails on first reuse before anything was
        // processed (Node's documented case): send once more on a fresh connection.
        if (retryReused && request.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE")) {
          this.#send(req, false).then(resolve, reject);
          return;
        }
        reject(err);
      });
      request.end(payload);
    });
  }

  async #current(): Promise<Credentials> {
    const current = this.#credentials;
    if (current && performance.now() - current.readAt < this.#credentialsTtlMs) return current;
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #load(): Promise<Credentials> {
    const cluster = this.#kc.getCurrentCluster();
    const user = this.#kc.getCurrentUser();
    if (!cluster?.server) throw new Error("kubeconfig has no current cluster");
    if (cluster.proxyUrl) throw new Error("kubeconfig proxy-url is not supported: reach the apiserver directly");
    const fileOr = async (file: string | undefined, data: string | undefined): Promise<Buffer | undefined> =>
      file ? readFile(file) : data ? Buffer.from(data, "base64") : undefined;
    const [ca, cert, key] = await Promise.all([fileOr(cluster.caFile, cluster.caData), fileOr(user?.certFile, user?.certData), fileOr(user?.keyFile, user?.keyData)]);
    const tokenFile = user?.tokenFile ?? stringField(user?.authProvider?.config?.["tokenFile"]);
    const token = tokenFile ? (await readFile(tokenFile, "utf8")).trim() : user?.token;
    const authorization = token ? `Bearer ${token}` : user?.username ? `Basic ${Buffer.from(`${user.username}:${user.password ?? ""}`).toString("base64")}` : undefined;
    const hash = createHash("sha256");
    for (const part of [cluster.server, String(cluster.skipTLSVerify), cluster.tlsServerName, ca, cert, key]) hash.update(part ?? "-").update("\0");
    const identity = hash.digest("hex");
    const previous = this.#credentials;
    let agent = previous?.identity === identity ? previous.agent : undefined;
    if (!agent) {
      agent = makeAgent(cluster.server.startsWith("https:"), { ca, cert, key, rejectUnauthorized: !cluster.skipTLSVerify, servername: cluster.tlsServerName });
      if (previous) this.#retire(previous.agent);
    }
    this.#credentials = { readAt: performance.now(), server: cluster.server, identity, agent, authorization };
    return this.#credentials;
  }

  #retire(agent: HttpAgent): void {
    if (this.#retiring.has(agent)) return;
    this.#retiring.add(agent);
    setTimeout(() => {
      agent.destroy();
      this.#retiring.delete(agent);
    }, RETIRED_AGENT_LIFETIME_MS).unref();
  }
}

interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  servername?: string;
}

function makeAgent(https: boolean, tls: TlsOptions): HttpAgent {
  // keepAliveMsecs: TCP keep-alive probes on every socket, so a silently dead peer is noticed; idle sockets close
  // after a minute, before any proxy in between drops them.
  const common = { keepAlive: true, keepAliveMsecs: 30_000, timeout: 60_000, scheduling: "lifo" as const };
  if (!https) return new HttpAgent(common);
  return new HttpsAgent({ ...common, ...tls, ...(tls.servername ? {} : { servername: undefined }) });
}

function stringField(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
