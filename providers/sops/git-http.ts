// isomorphic-git's HTTP plugin on Node's fetch: a timeout per request, one recorded provider call per request,
// every response read within a byte budget (its own and the whole fetch's), and network failures mapped to
// ProviderUnavailableError (the message names the host, never credentials).
import type { GitHttpRequest, GitHttpResponse, HttpClient } from "isomorphic-git";
import { recordProviderCall, type ProviderCallStatus } from "../../src/provider/call-metrics.ts";
import { ByteBudget, readResponseCapped } from "../../src/provider/capped-read.ts";
import { ProviderUnavailableError } from "../../src/provider/errors.ts";
import { Limits } from "../../src/provider/limits.ts";
import { safeUrl } from "./errors.ts";

const REQUEST_TIMEOUT_MS = 30_000;

function statusOf(code: number): ProviderCallStatus {
  if (code < 400) return "success";
  if (code === 401 || code === 403) return "denied";
  if (code === 404) return "not_found";
  if (code === 429) return "throttled";
  return "error";
}

/** Which smart-HTTP step a URL is, for the call metric (never the URL itself). */
const callName = (url: string) => (url.includes("/info/refs") ? "GitInfoRefs" : url.endsWith("/git-upload-pack") ? "GitUploadPack" : "GitRequest");

async function collect(body: GitHttpRequest["body"]): Promise<Uint8Array | undefined> {
  if (!body) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The plugin for one refresh of a source: `fetchBudget` bounds everything it downloads (give each refresh a new
 * one); each response is also held to Limits.gitResponseBytes. Going past either throws ResponseTooLargeError.
 */
export function gitHttp(fetchBudget: ByteBudget, timeoutMs = REQUEST_TIMEOUT_MS): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const call = callName(req.url);
      const payload = await collect(req.body);
      let res: Response;
      try {
        res = await fetch(req.url, { method: req.method ?? "GET", headers: req.headers ?? {}, body: payload, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        recordProviderCall("sops", call, "error");
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        throw new ProviderUnavailableError(`git server ${safeUrl(req.url)} unreachable (${cause})`);
      }
      let body: Uint8Array;
      try {
        body = await readResponseCapped(res, fetchBudget.part(Limits.gitResponseBytes, `git server ${safeUrl(req.url)}: a response`));
      } catch (err) {
        // ResponseTooLargeError passes through gitError as it is; anything else (timeout, reset) is mapped there.
        recordProviderCall("sops", call, "error");
        throw err;
      }
      recordProviderCall("sops", call, statusOf(res.status));
      return {
        url: res.url || req.url,
        method: req.method,
        statusCode: res.status,
        statusMessage: res.statusText,
        headers: Object.fromEntries(res.headers),
        body: (async function* () {
          yield body;
        })(),
      };
    },
  };
}
