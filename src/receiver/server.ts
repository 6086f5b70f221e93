// The receivers' HTTP listener (--receiver-bind-address), separate from /healthz and /metrics so it can be exposed
// alone (Service, Ingress). Answers reveal nothing to an unverified caller: an unknown path, a wrong method and a
// bad or missing signature all get the same 404 with the same body; only an oversize body (413, decided before
// the path is looked at) and a standby replica (503, every path) differ, and neither depends on what exists.
// A verified caller learns more: 200 for a ping or an event the receiver ignores, 409 for a replayed delivery,
// 429 over the receiver's budget, 400 for a body it cannot read, 202 when refreshes were queued.
// Nothing here logs the token, the body or a header value.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { parseAddress } from "../http-server.ts";
import { BadCallBody, namedKeys } from "./call-body.ts";
import { readBody, TOO_LARGE } from "./read-body.ts";
import type { ReceiverRegistry, ServedReceiver } from "./registry.ts";
import type { ReplayGuard } from "./replay-guard.ts";
import { eventDecision, header, verifyCall } from "./verify.ts";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type CallResult = "accepted" | "not-found" | "too-large" | "unavailable" | "ping" | "ignored" | "replayed" | "rate-limited" | "bad-request";

export interface ReceiverServerDeps {
  registry: ReceiverRegistry;
  replays: ReplayGuard;
  /** Whether this replica takes calls (the leader, or sharded any member, controllers running); otherwise 503 to everything. */
  accepting: () => boolean;
  /**
   * Queues the refreshes a verified call asks for; `keys` narrows them (generic calls naming remote keys). May
   * answer otherwise: sharded, a delivery another replica already received is a replay.
   */
  refresh: (receiver: ServedReceiver, keys: string[] | undefined, body: Uint8Array, event: string | undefined, deliveryId: string | undefined) => Promise<CallResult | undefined>;
  log: Logger;
  /** Observes each call's result (metrics); `receiver` only once the path is known. */
  onResult?: (receiver: ServedReceiver | undefined, result: CallResult) => void;
  maxBodyBytes?: number;
}

const ANSWERS: Record<CallResult, { status: number; body: string; headers?: Record<string, string> }> = {
  accepted: { status: 202, body: '{"status":"accepted"}\n' },
  "not-found": { status: 404, body: '{"status":"not found"}\n' },
  "too-large": { status: 413, body: '{"status":"body too large"}\n', headers: { connection: "close" } },
  unavailable: { status: 503, body: '{"status":"unavailable"}\n', headers: { "retry-after": "2" } },
  ping: { status: 200, body: '{"status":"pong"}\n' },
  ignored: { status: 200, body: '{"status":"ignored event"}\n' },
  replayed: { status: 409, body: '{"status":"delivery already received"}\n' },
  "rate-limited": { status: 429, body: '{"status":"too many requests"}\n', headers: { "retry-after": "1" } },
  "bad-request": { status: 400, body: '{"status":"bad request"}\n' },
};

export async function startReceiverServer(address: string, deps: ReceiverServerDeps): Promise<Server> {
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const answer = (res: ServerResponse, result: CallResult, receiver?: ServedReceiver) => {
    const { status, body, headers } = ANSWERS[result];
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
    deps.onResult?.(receiver, result);
    if (result !== "accepted" && result !== "ping") deps.log.debug({ receiver: receiver?.key, result }, "webhook call refused or ignored");
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method !== "POST") {
      req.resume();
      return answer(res, "not-found");
    }
    const body = await readBody(req, maxBody);
    if (body === TOO_LARGE) return answer(res, "too-large");
    if (!deps.accepting()) return answer(res, "unavailable");
    const receiver = deps.registry.byPath(path);
    if (!receiver) return answer(res, "not-found");
    const verdict = verifyCall(receiver.type, receiver.token, req.headers, body);
    if (!verdict.ok) return answer(res, "not-found", receiver);
    const decision = eventDecision(receiver.type, verdict.event, receiver.events);
    if (decision !== "refresh") return answer(res, decision, receiver);
    const delivery = verdict.deliveryId === undefined ? undefined : `${receiver.key}\u0000${verdict.deliveryId}`;
    if (delivery !== undefined && deps.replays.seen(delivery)) return answer(res, "replayed", receiver);
    let keys: string[] | undefined;
    try {
      keys = receiver.type === "generic" || receiver.type === "generic-hmac" ? namedKeys(body, header(req.headers, "content-type")) : undefined;
    } catch (err) {
      if (err instanceof BadCallBody) return answer(res, "bad-request", receiver);
      throw err;
    }
    // After the replay check (a replay costs no budget) and before remembering the delivery (a call refused for
    // budget may be retried with the same id).
    if (!receiver.budget.tryTake()) return answer(res, "rate-limited", receiver);
    if (delivery !== undefined) deps.replays.remember(delivery);
    answer(res, (await deps.refresh(receiver, keys, body, verdict.event, verdict.deliveryId)) ?? "accepted", receiver);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.log.warn({ error: err instanceof Error ? err.name : "Error" }, "webhook call failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end('{"status":"error"}\n');
    });
  });
  // A sender that trickles its body or headers is cut off instead of holding a socket open.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  const { host, port } = parseAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
