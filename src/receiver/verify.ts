// Verifies one webhook call for a receiver type (pure: headers, raw body, token in; a verdict out). What each type
// expects, as GitHub, GitLab and Flux's Receiver define it:
//   github        X-Hub-Signature-256: sha256=<hex HMAC-SHA256(token, raw body)>; X-GitHub-Event; X-GitHub-Delivery
//   gitlab        X-Gitlab-Token: <token>; X-Gitlab-Event; X-Gitlab-Event-UUID
//   generic       Authorization: Bearer <token>; optional X-Delivery-Id (or Idempotency-Key)
//   generic-hmac  X-Signature: sha256=<hex HMAC-SHA256(token, raw body)> (or sha512=); optional X-Delivery-Id
// Every comparison is constant-time (constant-time.ts). A refusal carries no reason the caller could see: the
// server answers every refusal the same way; `why` is for metrics only.
import { createHmac } from "node:crypto";
import type { ReceiverType } from "../api/refresh-receiver.ts";
import { equalSecret } from "./constant-time.ts";

export type Headers = Record<string, string | string[] | undefined>;

export type Verdict =
  | { ok: false; why: "missing-signature" | "bad-signature" }
  | { ok: true; event?: string | undefined; deliveryId?: string | undefined };

/** A header's single value (Node lower-cases names; a repeated header is refused by taking none). */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value : undefined;
}

const HMAC_ALGORITHMS = new Set(["sha256", "sha512"]);

/** `<algorithm>=<hex>` checked against the HMAC of the body; only the algorithms above (no sha1). */
function hmacMatches(signature: string | undefined, token: Uint8Array, body: Uint8Array, only?: string): boolean {
  const at = signature?.indexOf("=") ?? -1;
  const algorithm = at > 0 ? signature!.slice(0, at).toLowerCase() : "sha256";
  const usable = HMAC_ALGORITHMS.has(algorithm) && (only === undefined || algorithm === only);
  const expected = createHmac(usable ? algorithm : "sha256", token).update(body).digest("hex");
  // Compared even when the algorithm is refused, so a refused algorithm costs the same time as a wrong signature.
  const same = equalSecret(at > 0 ? signature!.slice(at + 1).toLowerCase() : undefined, expected);
  return usable && same;
}

function bearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/i.exec(authorization ?? "");
  return match?.[1]?.trim();
}

export function verifyCall(type: ReceiverType, token: Uint8Array, headers: Headers, body: Uint8Array): Verdict {
  switch (type) {
    case "github": {
      const signature = header(headers, "x-hub-signature-256");
      if (signature === undefined) return { ok: false, why: "missing-signature" };
      if (!hmacMatches(signature, token, body, "sha256")) return { ok: false, why: "bad-signature" };
      return { ok: true, event: header(headers, "x-github-event"), deliveryId: header(headers, "x-github-delivery") };
    }
    case "gitlab": {
      const given = header(headers, "x-gitlab-token");
      if (given === undefined) return { ok: false, why: "missing-signature" };
      if (!equalSecret(given, token)) return { ok: false, why: "bad-signature" };
      return { ok: true, event: header(headers, "x-gitlab-event"), deliveryId: header(headers, "x-gitlab-event-uuid") };
    }
    case "generic": {
      const given = bearer(header(headers, "authorization"));
      if (given === undefined) return { ok: false, why: "missing-signature" };
      if (!equalSecret(given, token)) return { ok: false, why: "bad-signature" };
      return { ok: true, deliveryId: genericDeliveryId(headers) };
    }
    case "generic-hmac": {
      const signature = header(headers, "x-signature");
      if (signature === undefined) return { ok: false, why: "missing-signature" };
      if (!hmacMatches(signature, token, body)) return { ok: false, why: "bad-signature" };
      return { ok: true, deliveryId: genericDeliveryId(headers) };
    }
  }
}

const genericDeliveryId = (headers: Headers) => header(headers, "x-delivery-id") ?? header(headers, "idempotency-key");

/**
 * Whether a verified github/gitlab event should refresh: GitHub's ping never does (it is answered), other events
 * when `events` is empty or names them (case-insensitive: GitLab sends "Push Hook", people write "push hook").
 */
export function eventDecision(type: ReceiverType, event: string | undefined, events: readonly string[] | undefined): "refresh" | "ping" | "ignored" {
  if (type === "github" && event === "ping") return "ping";
  if ((type !== "github" && type !== "gitlab") || !events || events.length === 0) return "refresh";
  const wanted = event?.toLowerCase();
  return events.some((name) => name.toLowerCase() === wanted) ? "refresh" : "ignored";
}
