// The operator's HTTP endpoints: /healthz (process alive), /readyz (caches synced), /metrics (Prometheus).
// The kubelet probes /healthz and /readyz without credentials, so they stay open; /metrics may sit behind
// metricsAuth (metrics-auth.ts) or on a listener of its own (--metrics-bind-address, e.g. loopback only).
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";
import type { MetricsDecision } from "./metrics-auth.ts";

export interface HttpEndpoints {
  ready: () => boolean;
  registry: Registry;
  /** Decides on the Authorization header whether /metrics is served (200) or refused; absent: served to anyone. */
  metricsAuth?: ((authorization: string | undefined) => Promise<MetricsDecision>) | undefined;
}

/** Which endpoints one listener serves. */
export interface Serves {
  health: boolean;
  metrics: boolean;
}

const REFUSALS: Record<Exclude<MetricsDecision, 200>, { text: string; headers?: Record<string, string> }> = {
  401: { text: "Unauthorized", headers: { "www-authenticate": 'Bearer realm="metrics"' } },
  403: { text: "Forbidden (RBAC: get on the non-resource URL /metrics)" },
  429: { text: "Too Many Requests", headers: { "retry-after": "1" } },
  503: { text: "Service Unavailable (the apiserver could not review the token)" },
};

export async function startHttpServer(address: string, endpoints: HttpEndpoints, serves: Serves = { health: true, metrics: true }): Promise<Server> {
  const { host, port } = parseAddress(address);
  const metrics = async (authorization: string | undefined): Promise<{ status: number; headers: Record<string, string>; body: string }> => {
    const decision = endpoints.metricsAuth ? await endpoints.metricsAuth(authorization) : 200;
    if (decision !== 200) return { status: decision, headers: { "content-type": "text/plain", ...REFUSALS[decision].headers }, body: REFUSALS[decision].text };
    return { status: 200, headers: { "content-type": endpoints.registry.contentType }, body: await endpoints.registry.metrics() };
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (serves.health && path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    } else if (serves.health && path === "/readyz") {
      const ready = endpoints.ready();
      res.writeHead(ready ? 200 : 503, { "content-type": "text/plain" }).end(ready ? "ok" : "not ready");
    } else if (serves.metrics && path === "/metrics") {
      metrics(req.headers.authorization).then(
        ({ status, headers, body }) => res.writeHead(status, headers).end(body),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** ":8080", "127.0.0.1:8080" or "0" (any free port). */
export function parseAddress(address: string): { host: string | undefined; port: number } {
  const index = address.lastIndexOf(":");
  if (index < 0) return { host: undefined, port: Number(address) };
  const host = address.slice(0, index);
  return { host: host === "" ? undefined : host, port: Number(address.slice(index + 1)) };
}
