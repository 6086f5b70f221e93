// Who may read /metrics with --metrics-auth=kubernetes: the scraper's bearer token goes through a TokenReview,
// the user it names through a SubjectAccessReview for `get` on the non-resource URL /metrics (as kube-rbac-proxy
// and controller-runtime's WithAuthenticationAndAuthorization do). Outcomes are remembered for a minute per
// token, so a scrape every 30 s costs the apiserver nothing after the first; the memory is bounded and keyed by a
// hash, so it holds no token. Reviews in flight are capped: random tokens sent in a flood cannot turn into an
// unbounded stream of TokenReviews.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { AccessReviewer } from "./kube/access-review.ts";

/** 200 lets the request through; 401 no or unknown token; 403 not allowed; 429 too many reviews at once; 503 the apiserver could not be asked. */
export type MetricsDecision = 200 | 401 | 403 | 429 | 503;

export interface MetricsAuthOptions {
  log: Logger;
  /** How long an outcome (allowed, denied, unknown token) is remembered. */
  ttlMs?: number;
  /** Tokens remembered at most (oldest forgotten first). */
  maxEntries?: number;
  /** TokenReviews/SubjectAccessReviews in flight at most; more distinct tokens at once get 429. */
  maxInFlight?: number;
  now?: () => number;
}

export const METRICS_PATH = "/metrics";
// A ServiceAccount token is about 1 KiB; anything far larger is not one and is not worth a review.
const MAX_TOKEN_LENGTH = 16 * 1024;

/** A function of the request's Authorization header; at most one pair of reviews per token and TTL. */
export function kubernetesMetricsAuth(reviewer: AccessReviewer, opts: MetricsAuthOptions): (authorization: string | undefined) => Promise<MetricsDecision> {
  const ttlMs = opts.ttlMs ?? 60_000;
  const maxEntries = opts.maxEntries ?? 1024;
  const maxInFlight = opts.maxInFlight ?? 8;
  const now = opts.now ?? Date.now;
  const remembered = new Map<string, { decision: 200 | 401 | 403; expiresAt: number }>();
  // One review per token at a time: a burst of scrapes with one token joins the first.
  const inFlight = new Map<string, Promise<MetricsDecision>>();

  const review = async (token: string): Promise<MetricsDecision> => {
    try {
      const user = await reviewer.authenticate(token);
      if (!user) return 401;
      return (await reviewer.authorize(user, METRICS_PATH, "get")) ? 200 : 403;
    } catch (err) {
      opts.log.warn({ err: err instanceof Error ? err.name : "unknown" }, "metrics auth: TokenReview/SubjectAccessReview failed");
      return 503;
    }
  };

  return async (authorization) => {
    const match = /^Bearer +(\S+)$/i.exec(authorization ?? "");
    const token = match?.[1];
    if (!token || token.length > MAX_TOKEN_LENGTH) return 401;
    const key = createHash("sha256").update(token).digest("hex");
    const hit = remembered.get(key);
    if (hit && hit.expiresAt > now()) return hit.decision;
    remembered.delete(key);
    const joined = inFlight.get(key);
    if (joined) return joined;
    if (inFlight.size >= maxInFlight) return 429;
    const flight = review(token).then((decision) => {
      if (decision !== 429 && decision !== 503) {
        if (remembered.size >= maxEntries) remembered.delete(remembered.keys().next().value!);
        remembered.set(key, { decision, expiresAt: now() + ttlMs });
      }
      return decision;
    });
    inFlight.set(key, flight);
    return flight.finally(() => inFlight.delete(key));
  };
}
