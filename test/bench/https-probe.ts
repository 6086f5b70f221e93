// One HTTPS GET as a readiness probe, trusting only the bench CA.
import { readFileSync } from "node:fs";
import { request } from "node:https";

/**
 * True when GET `url` answers 200. `caPath` is the CA to trust; `certPath`/`keyPath` present a
 * client cert. Any error or a 2 s timeout is false: the caller polls.
 */
export function httpsOk(url: string, tls: { caPath: string; certPath?: string; keyPath?: string }): Promise<boolean> {
  return new Promise((ok) => {
    const req = request(url, {
      ca: readFileSync(tls.caPath),
      cert: tls.certPath ? readFileSync(tls.certPath) : undefined,
      key: tls.keyPath ? readFileSync(tls.keyPath) : undefined,
      timeout: 2000,
    }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode === 200));
    });
    req.on("error", () => ok(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}
