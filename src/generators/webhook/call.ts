// One HTTP call of a Webhook generator: a tenant names the URL, so the call is bounded every way a peer could hurt
// us: a deadline for the whole exchange (not per socket read: a server trickling bytes cannot hold a reconcile),
// the answer read against a byte budget and abandoned past it, and no redirect followed (a 3xx is an answer, not a
// new destination: following it would take the call past the scheme and host checks made on the URL).
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { ByteBudget, declaredLength, readCapped } from "../../provider/capped-read.ts";

export interface WebhookRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  /** PEM CA bundle the server's certificate must chain to (https only); default: the system's roots. */
  ca: string | undefined;
  deadlineMs: number;
  maxResponseBytes: number;
}

export interface WebhookAnswer {
  status: number;
  body: Buffer;
}

export class WebhookTimeoutError extends Error {}

export function callWebhook(req: WebhookRequest): Promise<WebhookAnswer> {
  const send = req.url.protocol === "https:" ? httpsRequest : httpRequest;
  const budget = new ByteBudget(req.maxResponseBytes, "the webhook's answer");
  return new Promise<WebhookAnswer>((resolve, reject) => {
    let response: IncomingMessage | undefined;
    let outgoing: ClientRequest | undefined;
    const deadline = setTimeout(() => {
      const err = new WebhookTimeoutError(`no complete answer within ${req.deadlineMs} ms`);
      response?.destroy(err);
      outgoing?.destroy(err);
    }, req.deadlineMs);
    const settle =
      <T>(done: (value: T) => void) =>
      (value: T) => {
        clearTimeout(deadline);
        done(value);
      };
    try {
      // No agent: one connection per call, closed after it (a generator runs at refresh intervals, not in bursts).
      outgoing = send(req.url, { method: req.method, headers: req.headers, agent: false, ...(req.ca ? { ca: req.ca } : {}) }, (res) => {
        response = res;
        readCapped(res, budget, declaredLength(res.headers["content-length"])).then(
          settle((body: Buffer) => resolve({ status: res.statusCode ?? 0, body })),
          settle(reject),
        );
      });
    } catch (err) {
      // A header a template filled with a line break (ERR_INVALID_CHAR), a bad CA: refused before any byte is sent.
      settle(reject)(err);
      return;
    }
    outgoing.on("error", settle(reject));
    outgoing.end(req.body);
  });
}
