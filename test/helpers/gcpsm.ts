// Test-side helpers for the gcpsm provider: the emulator peer's state, seeding over its REST API, a counting
// proxy in front of it (overlapping requests, Authorization headers), and a guard that records every
// outgoing connection and DNS lookup of the test process so a test can prove nothing left loopback.
// Import this module first in a gcpsm test file: the guard must be in place before any socket opens.
import dns from "node:dns";
import { createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { peerState } from "./bench.ts";
import { seedSecret } from "../bench/peers/gcpsm-emulator/peer.ts";
import type { GcpsmEmulatorState } from "../bench/peers/gcpsm-emulator/peer.ts";
import { isLoopbackHost } from "../../src/provider/tenant-policy.ts";

// google-auth-library must never probe the metadata server in tests, whatever a store says.
process.env["METADATA_SERVER_DETECTION"] = "none";

const destinations: string[] = [];
const lookups: string[] = [];

type ConnectArgs = Parameters<typeof net.Socket.prototype.connect>;
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const first = args[0] as unknown;
  let target: string;
  if (typeof first === "object" && first !== null) {
    const options = first as { host?: string; port?: number; path?: string };
    target = options.path !== undefined ? `unix:${options.path}` : `${options.host ?? "localhost"}:${options.port}`;
  } else if (typeof first === "string" && Number.isNaN(Number(first))) {
    target = `unix:${first}`;
  } else {
    target = `${typeof args[1] === "string" ? args[1] : "localhost"}:${String(first)}`;
  }
  destinations.push(target);
  return originalConnect.apply(this, args as ConnectArgs);
} as typeof net.Socket.prototype.connect;

const originalLookup = dns.lookup;
(dns as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
  lookups.push(hostname);
  return (originalLookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest);
};
const originalPromiseLookup = dns.promises.lookup;
(dns.promises as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
  lookups.push(hostname);
  return (originalPromiseLookup as (...a: unknown[]) => unknown).call(dns.promises, hostname, ...rest);
};

/** Every connection target and looked-up name of this process that is not loopback (or a unix socket). */
export function nonLoopbackTraffic(): string[] {
  const hostOf = (target: string) => target.slice(0, target.lastIndexOf(":")).replace(/^\[|\]$/g, "");
  const badConnects = destinations.filter((target) => !target.startsWith("unix:") && !isLoopbackHost(hostOf(target)));
  const badLookups = lookups.filter((name) => !isLoopbackHost(name));
  return [...badConnects.map((t) => `connect ${t}`), ...badLookups.map((n) => `lookup ${n}`)];
}

/** How many connections this process opened so far (to show the guard saw traffic at all). */
export function connectionCount(): number {
  return destinations.length;
}

export function emulator(): GcpsmEmulatorState {
  return peerState<GcpsmEmulatorState>("gcpsm-emulator");
}

/** A project id of its own per test file: files share one emulator. */
export function uniqueProject(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export { seedSecret };

async function post(url: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Adds a version (rotation); returns its number. */
export async function addVersion(project: string, id: string, value: string): Promise<number> {
  const out = await post(`${emulator().endpoint}/v1/projects/${project}/secrets/${id}:addVersion`, { payload: { data: Buffer.from(value).toString("base64") } });
  return Number(String(out["name"]).split("/").pop());
}

export async function setVersionState(project: string, id: string, version: number, action: "disable" | "enable" | "destroy"): Promise<void> {
  await post(`${emulator().endpoint}/v1/projects/${project}/secrets/${id}/versions/${version}:${action}`);
}

export async function deleteSecret(project: string, id: string): Promise<void> {
  const response = await fetch(`${emulator().endpoint}/v1/projects/${project}/secrets/${id}`, { method: "DELETE" });
  if (!response.ok) throw new Error(`DELETE secret ${id}: HTTP ${response.status}`);
}

export interface CountingProxy {
  /** `http://127.0.0.1:PORT`, for a store's `endpoint`. */
  endpoint: string;
  /** Most requests in flight at once, as seen by the server side. */
  peak(): number;
  total(): number;
  /** Authorization headers received, in order. */
  authorizations(): string[];
  close(): Promise<void>;
}

/** Fault injection for the proxy: answer instead of the emulator, or rewrite its JSON answer. */
export interface ProxyHooks {
  respond?(method: string, url: string): { status: number; body: unknown } | undefined;
  rewrite?(method: string, url: string, body: Record<string, unknown>): Record<string, unknown> | undefined;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of the emulator that counts requests in flight. Each request is held for
 * `holdMs` before it is forwarded, so requests that the client sends concurrently overlap here for certain.
 */
export async function countingProxy(holdMs = 0, hooks: ProxyHooks = {}): Promise<CountingProxy> {
  const target = new URL(emulator().endpoint);
  let inFlight = 0;
  let peak = 0;
  let total = 0;
  const auth: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    total++;
    peak = Math.max(peak, inFlight);
    if (typeof req.headers.authorization === "string") auth.push(req.headers.authorization);
    const forward = () => {
      const method = req.method ?? "GET";
      const url = req.url ?? "/";
      const answer = hooks.respond?.(method, url);
      if (answer) {
        inFlight--;
        res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
        req.resume();
        return;
      }
      const upstream = httpRequest(
        { host: "127.0.0.1", port: Number(target.port), method, path: url, headers: { ...req.headers, host: target.host } },
        (reply) => {
          if (!hooks.rewrite) {
            res.writeHead(reply.statusCode ?? 502, reply.headers);
            reply.pipe(res);
            reply.on("end", () => inFlight--);
            return;
          }
          const chunks: Buffer[] = [];
          reply.on("data", (chunk: Buffer) => chunks.push(chunk));
          reply.on("end", () => {
            inFlight--;
            let body = Buffer.concat(chunks).toString();
            try {
              const changed = hooks.rewrite!(method, url, JSON.parse(body) as Record<string, unknown>);
              if (changed) body = JSON.stringify(changed);
            } catch {
              // not JSON: pass through unchanged
            }
            res.writeHead(reply.statusCode ?? 502, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
          });
        },
      );
      upstream.on("error", () => {
        inFlight--;
        res.writeHead(502).end();
      });
      req.pipe(upstream);
    };
    if (holdMs > 0) setTimeout(forward, holdMs);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    peak: () => peak,
    total: () => total,
    authorizations: () => [...auth],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
