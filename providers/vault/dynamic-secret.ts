// One VaultDynamicSecret run: a session with the spec's auth (as a store's, namespace rules from the generate
// context), one request as ESO's generator sends it, retried on transient failures as retrySettings say, and
// the chosen part of the answer as keys (ESO's esutils.GetByteValue per value).
import { ProviderUnavailableError } from "../../src/provider/errors.ts";
import { goFormatFloatF, goJson, toBytes } from "../../src/provider/json-value.ts";
import { GeneratorError, type GenerateContext } from "../../src/generators/types.ts";
import { tokenSource } from "./auth.ts";
import { sessionHeaders } from "./connect.ts";
import { VaultHttp, type VaultRequest, type VaultResponse } from "./http.ts";
import { VaultSession } from "./session.ts";
import { sessionTls } from "./tls.ts";
import { retryIntervalMs, type VaultDynamicSecretSpec } from "./generator-dynamic-secret.ts";

type Doc = Record<string, unknown>;
const isDoc = (value: unknown): value is Doc => value !== null && typeof value === "object" && !Array.isArray(value);

/** The request ESO's generator sends: "" or GET reads (with getParameters), LIST lists, DELETE deletes, any other method writes. */
export function dynamicRequest(spec: VaultDynamicSecretSpec): Omit<VaultRequest, "token"> {
  const path = spec.path.replace(/^\/+|\/+$/g, "");
  const method = spec.method ?? "";
  if (method === "" || method === "GET") return { method: "GET", path, op: "read", call: "GenerateRead", query: spec.getParameters };
  if (method === "LIST") return { method: "LIST", path, op: "list", call: "GenerateList" };
  if (method === "DELETE") return { method: "DELETE", path, op: "write", call: "GenerateDelete" };
  // A tenant's parameters may carry values of their own (a password to set): kept out of Vault's echoed errors.
  const withheld = stringLeaves(spec.parameters ?? {});
  return { method: "POST", path, op: "write", call: "GenerateWrite", body: spec.parameters ?? {}, withheld };
}

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, out);
  else if (isDoc(value)) for (const item of Object.values(value)) stringLeaves(item, out);
  return out;
}

/** esutils.GetByteValue: strings as they are, numbers as Go prints a float64, objects and arrays as Go's JSON, null as nothing. */
export function valueBytes(value: unknown): Uint8Array {
  if (typeof value === "string") return toBytes(value);
  if (value === null || value === undefined) return new Uint8Array(0);
  if (typeof value === "number") return toBytes(goFormatFloatF(value));
  if (typeof value === "boolean") return toBytes(String(value));
  return toBytes(goJson(value));
}

/** The keys of an answer, by resultType: its data (default), its auth, or the whole answer (Raw). Undefined: no answer. */
export function shapeAnswer(spec: VaultDynamicSecretSpec, body: Doc | undefined): Record<string, Uint8Array> | undefined {
  if (body === undefined) return undefined;
  const part = spec.resultType === "Auth" ? body["auth"] : spec.resultType === "Raw" ? body : body["data"];
  // ESO: a null data or auth section is an answer without keys, not an error.
  if (part === null || part === undefined) return {};
  if (!isDoc(part)) throw new ProviderUnavailableError(`vault ${spec.path}: the answer's ${spec.resultType ?? "Data"} section is not an object`);
  return Object.fromEntries(Object.entries(part).map(([key, value]) => [key, valueBytes(value)]));
}

/**
 * Vault's answer as a document; undefined when Vault has none (ESO's nil secret); "failed" for an error answer.
 * As the vault client ESO uses: a 204 is no answer; a read's, list's or delete's 404 is no answer unless its body
 * carries data or warnings (then it is the answer), whatever errors it lists; a write's 404 is an error.
 */
export function answerOf(req: Pick<VaultRequest, "method">, res: Pick<VaultResponse, "status" | "body" | "fromVault">): Doc | undefined | "failed" {
  if (res.status === 204) return undefined;
  if (res.status === 404 && res.fromVault && req.method !== "POST") {
    const data = res.body["data"];
    const warnings = res.body["warnings"];
    const carries = (isDoc(data) && Object.keys(data).length > 0) || (Array.isArray(warnings) && warnings.length > 0);
    return carries ? res.body : undefined;
  }
  if (res.status < 300 && res.fromVault) return res.body;
  return "failed";
}

async function answer(session: VaultSession, http: VaultHttp, req: Omit<VaultRequest, "token">): Promise<Doc | undefined> {
  const res = await session.request(req);
  const doc = answerOf(req, res);
  if (doc === "failed") throw http.failure(req, res);
  return doc;
}

async function withRetries<T>(spec: VaultDynamicSecretSpec, run: () => Promise<T>): Promise<T> {
  const retries = spec.retrySettings?.maxRetries ?? 0;
  const waitMs = retryIntervalMs(spec) ?? 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof ProviderUnavailableError) || attempt >= retries) throw err;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/**
 * What cleanup revokes once this answer's values are replaced: the lease of a leased secret (database credentials,
 * a PKI certificate with generate_lease) and the accessor of a token the call made (auth/token/create). Neither is
 * a credential: using either needs a token with sys/leases or auth/token rights. Empty: nothing to revoke.
 */
export function stateOf(body: Doc | undefined): Record<string, string> {
  const state: Record<string, string> = {};
  const leaseId = body?.["lease_id"];
  if (typeof leaseId === "string" && leaseId !== "") state["leaseId"] = leaseId;
  const auth = body?.["auth"];
  const accessor = isDoc(auth) ? auth["accessor"] : undefined;
  if (typeof accessor === "string" && accessor !== "") state["accessor"] = accessor;
  return state;
}

export async function generateDynamicSecret(spec: VaultDynamicSecretSpec, ctx: GenerateContext): Promise<Record<string, Uint8Array>> {
  const provider = spec.provider;
  const http = new VaultHttp({ server: provider.server, tls: await sessionTls(provider, ctx.kube), headers: sessionHeaders(provider), readYourWrites: provider.readYourWrites ?? false });
  // A session per run, its token left to expire rather than revoked (session.ts keepTokenOnClose): revoking it
  // would revoke the lease of the secret just generated.
  const session = new VaultSession({ http, source: tokenSource(provider, ctx.kube, http, Date.now), log: ctx.log, keepTokenOnClose: true });
  const req = dynamicRequest(spec);
  try {
    const body = await withRetries(spec, () => answer(session, http, req));
    const state = stateOf(body);
    // Kept before the answer is shaped: a lease made is a lease to revoke, even when its answer is refused below.
    if (Object.keys(state).length > 0) ctx.keepState?.(state);
    const shaped = shapeAnswer(spec, body);
    if (shaped === undefined && !spec.allowEmptyResponse) throw new GeneratorError(`VaultDynamicSecret ${req.method} ${req.path}: empty response from Vault (set allowEmptyResponse when none is expected)`, "GeneratorUnavailable");
    ctx.log.debug({ generator: "VaultDynamicSecret", method: req.method, path: req.path, keys: Object.keys(shaped ?? {}).length }, "vault dynamic secret generated");
    return shaped ?? {};
  } finally {
    await session.close();
  }
}
