// The operator's HTTP endpoints: /healthz (process alive), /readyz (caches synced), /metrics (Prometheus).
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface HttpEndpoints {
  ready: () => boolean;
  registry: Registry;
}

export async function startHttpServer(address: string, endpoints: HttpEndpoints): Promise<Server> {
  const { host, port } = parseAddress(address);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    } else if (path === "/readyz") {
      const ready = endpoints.ready();
      res.writeHead(ready ? 200 : 503, { "content-type": "text/plain" }).end(ready ? "ok" : "not ready");
    } else if (path === "/metrics") {
      endpoints.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": endpoints.registry.contentType }).end(text),
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
