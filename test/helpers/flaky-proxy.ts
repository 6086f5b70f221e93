// A loopback HTTP proxy in front of a real peer (OpenBao over TLS), which a test can switch to answering like a
// broken load balancer: an HTML maintenance page with status 200 or 404. Forwarding is byte for byte, so the
// operator talks to the real peer whenever the proxy is healthy.
import { request as httpsRequest } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { startHostileServer } from "./hostile-http.ts";

export type ProxyMode = "forward" | "html-200" | "html-404";

export interface FlakyProxy {
  /** http://127.0.0.1:PORT, to use as the store's server. */
  url: string;
  mode: ProxyMode;
  /** Requests answered with the HTML page so far. */
  htmlAnswers: number;
  close(): Promise<void>;
}

export const MAINTENANCE_PAGE = "<!doctype html><html><body><h1>Down for maintenance</h1></body></html>";

export async function flakyProxy(target: { addr: string; caPem: string }): Promise<FlakyProxy> {
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", target.addr);
    const headers = { ...req.headers, host: url.host };
    const upstream = httpsRequest(url, { method: req.method, headers, ca: target.caPem }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  const proxy: FlakyProxy = {
    url: "",
    mode: "forward",
    htmlAnswers: 0,
    close: async () => undefined,
  };
  const server = await startHostileServer((req, res) => {
    if (proxy.mode === "forward") {
      forward(req, res);
      return undefined;
    }
    proxy.htmlAnswers++;
    req.resume();
    res.writeHead(proxy.mode === "html-200" ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(MAINTENANCE_PAGE);
    return undefined;
  });
  proxy.url = server.url;
  proxy.close = server.close;
  return proxy;
}
