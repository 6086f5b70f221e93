// A loopback HTTP proxy in front of a real peer (issue 23), which a test switches between forwarding byte for byte
// and failing like real infrastructure fails: added latency, status bursts (503, 429, with a Retry-After), connection
// resets, a black hole (the connection is accepted and never answered), slow bodies, or a load balancer's HTML page.
// The operator talks to the peer only through it; every request is counted, by outcome, so a test can tell how
// hard the operator hit a failing peer and how hard it came back. Plain HTTP on the operator's side; the upstream
// may be http or https (OpenBao's bench CA).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { startHostileServer } from "../helpers/hostile-http.ts";

export type Fault =
  | { kind: "none" }
  | { kind: "latency"; ms: number }
  | { kind: "status"; code: number; retryAfterSeconds?: number }
  | { kind: "reset" }
  | { kind: "blackhole" }
  | { kind: "slow-body"; bytesPerSecond: number }
  | { kind: "html"; code: 200 | 404 | 502 };

export const MAINTENANCE_PAGE = "<!doctype html><html><body><h1>Down for maintenance</h1></body></html>";

export interface FaultProxy {
  /** http://127.0.0.1:PORT: give it to the store instead of the peer's address. */
  url: string;
  /** What the proxy does to the next requests; switch at any time. */
  fault: Fault;
  /** Requests seen, by what happened to them (forwarded, or the fault's kind). */
  counts: Record<string, number>;
  /** Requests seen in total. */
  total(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { addr: string; caPem?: string }): Promise<FaultProxy> {
  const held = new Set<ServerResponse>();
  const forward = (req: IncomingMessage, res: ServerResponse, throttle?: number) => {
    const url = new URL(req.url ?? "/", target.addr);
    const headers = { ...req.headers, host: url.host };
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const upstream = send(url, { method: req.method, headers, ...(target.caPem ? { ca: target.caPem } : {}) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (throttle === undefined) return void answer.pipe(res);
      // Slow body: the peer's bytes, dripped at `throttle` bytes a second.
      answer.on("data", (chunk: Buffer) => {
        answer.pause();
        const wait = Math.ceil((chunk.length / throttle) * 1000);
        setTimeout(() => {
          if (!res.destroyed) res.write(chunk);
          answer.resume();
        }, wait);
      });
      answer.on("end", () => setTimeout(() => res.end(), 0));
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  const proxy: FaultProxy = {
    url: "",
    fault: { kind: "none" },
    counts: {},
    total: () => Object.values(proxy.counts).reduce((sum, n) => sum + n, 0),
    close: async () => undefined,
  };
  const server = await startHostileServer((req, res) => {
    const fault = proxy.fault;
    const outcome = fault.kind === "none" || fault.kind === "latency" || fault.kind === "slow-body" ? "forwarded" : fault.kind;
    proxy.counts[outcome] = (proxy.counts[outcome] ?? 0) + 1;
    switch (fault.kind) {
      case "none":
        forward(req, res);
        break;
      case "latency":
        setTimeout(() => forward(req, res), fault.ms);
        break;
      case "slow-body":
        forward(req, res, fault.bytesPerSecond);
        break;
      case "status":
        req.resume();
        res.writeHead(fault.code, { "content-type": "application/json", ...(fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {}) });
        res.end(JSON.stringify({ message: `injected ${fault.code}` }));
        break;
      case "reset":
        req.socket.resetAndDestroy();
        break;
      case "blackhole":
        // Accepted, read, never answered: only the client's own timeout ends it (or close()).
        req.resume();
        held.add(res);
        res.on("close", () => held.delete(res));
        break;
      case "html":
        req.resume();
        res.writeHead(fault.code, { "content-type": "text/html; charset=utf-8" });
        res.end(MAINTENANCE_PAGE);
        break;
    }
    return undefined;
  });
  proxy.url = server.url;
  proxy.close = async () => {
    for (const res of held) res.destroy();
    await server.close();
  };
  return proxy;
}
