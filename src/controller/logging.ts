// Logging helpers for the controller machinery: a silent default logger and a safe one-line error description.
import { pino } from "pino";
import type { Logger } from "pino";

/** Default for every `log` option in this folder: tests and library users get no output unless they pass a logger. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/**
 * Describes a caught value for a log line without ever serialising the value itself.
 * Order: `err.safeMessage` (domain errors put a value-free text there), then for client-node's
 * ApiException only `HTTP <code> <reason>` (its `message` embeds the whole response body and
 * headers, which for Secret calls may echo data), then `err.message`. Anything else that was
 * thrown (objects, numbers) is described by its type only, because it may be a payload.
 */
export function errorMessage(err: unknown): string {
  if (typeof err === "string") return err;
  if (typeof err !== "object" || err === null) return `non-Error thrown (${typeof err})`;
  const e = err as { safeMessage?: unknown; message?: unknown; code?: unknown; body?: unknown };
  if (typeof e.safeMessage === "string") return e.safeMessage;
  if (typeof e.code === "number" && "body" in e && "headers" in e) {
    const reason = statusReason(e.body);
    return reason ? `HTTP ${e.code} ${reason}` : `HTTP ${e.code}`;
  }
  if (typeof e.message === "string") return e.message;
  return "non-Error thrown (object)";
}

// A Kubernetes Status body carries a fixed `reason` (NotFound, Conflict, Forbidden...); its free-text
// `message` is left out on purpose: validation failures can quote the offending field.
function statusReason(body: unknown): string | undefined {
  if (typeof body === "object" && body !== null) {
    const reason = (body as { reason?: unknown }).reason;
    if (typeof reason === "string" && /^[A-Za-z]{1,64}$/.test(reason)) return reason;
  }
  if (typeof body === "string") {
    try {
      return statusReason(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
