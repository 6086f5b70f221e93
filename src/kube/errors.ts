// Classifies errors from @kubernetes/client-node without ever printing them whole:
// ApiException.message embeds the response body and headers, which must not reach logs.
import { dropQuotedValues } from "../provider/scrub.ts";

interface ApiExceptionLike {
  code: number;
  body?: unknown;
}

function asApiException(err: unknown): ApiExceptionLike | undefined {
  if (err && typeof err === "object" && typeof (err as { code?: unknown }).code === "number") return err as ApiExceptionLike;
  return undefined;
}

export function statusCode(err: unknown): number | undefined {
  return asApiException(err)?.code;
}

export const isNotFound = (err: unknown): boolean => statusCode(err) === 404;
export const isConflict = (err: unknown): boolean => statusCode(err) === 409;
export const isForbidden = (err: unknown): boolean => statusCode(err) === 403;
export const isInvalid = (err: unknown): boolean => statusCode(err) === 422;

/**
 * "HTTP 409: <Status.message>": the apiserver's own message, with the values its field errors quote withheld
 * (a 422 on a Secret quotes the offending label or annotation value, which may come from secret data).
 */
export function kubeErrorSummary(err: unknown): string {
  const api = asApiException(err);
  if (!api) return err instanceof Error ? `${err.name}: ${err.message}` : "unknown error";
  const message = statusBody(api)?.message;
  return `HTTP ${api.code}${typeof message === "string" ? `: ${dropQuotedValues(message)}` : ""}`;
}

/** The apiserver's Status object in the error's body, parsed when it came as text. */
function statusBody(api: ApiExceptionLike): { message?: unknown; details?: { causes?: Array<{ reason?: unknown }> } } | undefined {
  let body = api.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return body && typeof body === "object" ? (body as ReturnType<typeof statusBody>) : undefined;
}

/**
 * A create refused because the namespace is being deleted (403 with the NamespaceTerminating cause): everything
 * in it goes away with it, so there is nothing to retry or report.
 */
export function isNamespaceTerminating(err: unknown): boolean {
  const api = asApiException(err);
  if (api?.code !== 403) return false;
  return statusBody(api)?.details?.causes?.some((cause) => cause.reason === "NamespaceTerminating") === true;
}
