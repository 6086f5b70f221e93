// ESO's Webhook generator: an HTTP call whose URL, headers and body are Go templates over Secrets the spec names
// (each must carry the label external-secrets.io/type: webhook, as ESO requires), and whose JSON answer becomes the
// keys (answer.ts). A namespaced Webhook is a tenant's: its Secrets and CA come from the ExternalSecret's namespace
// only, and its rendered URL must be https (plain http only to loopback), like every endpoint a tenant names that
// carries credentials; this also keeps it off plain-http metadata services. Nothing here puts a URL, header or
// answer into a message: any of them may hold a secret.
import { MAX_WEBHOOK_HEADERS, WebhookSpec } from "../../api/generators.ts";
import { parseDuration } from "../../api/duration.ts";
import { recordProviderCall } from "../../provider/call-metrics.ts";
import { ResponseTooLargeError } from "../../provider/errors.ts";
import { endpointRefusal } from "../../provider/tenant-policy.ts";
import { queryEscape } from "../../template/builtins.ts";
import { renderBytes, renderString, TemplateError } from "../../template/index.ts";
import { bytesToBin, toBin } from "../../template/gostr.ts";
import { GoMap } from "../../template/values.ts";
import { GeneratorError, onlineGenerate, type GenerateContext, type Generator } from "../types.ts";
import { keysFromAnswer, WebhookAnswerError } from "./answer.ts";
import { callWebhook, WebhookTimeoutError } from "./call.ts";

export const WEBHOOK_SECRET_LABEL = ["external-secrets.io/type", "webhook"] as const;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 30_000;
export const MAX_WEBHOOK_TIMEOUT_MS = 5 * 60_000;
/** The answer becomes a Secret's data, which the apiserver caps at 1 MiB; JSON escaping may add some. */
export const MAX_WEBHOOK_ANSWER_BYTES = 2 * 1024 * 1024;

function timeoutMs(spec: WebhookSpec): number | string {
  if (spec.timeout === undefined) return DEFAULT_WEBHOOK_TIMEOUT_MS;
  let ms: number;
  try {
    ms = parseDuration(spec.timeout);
  } catch {
    return `timeout ${JSON.stringify(spec.timeout)} is not a duration`;
  }
  if (ms <= 0 || ms > MAX_WEBHOOK_TIMEOUT_MS) return `timeout must be more than 0 and at most 5m`;
  return ms;
}

function problem(spec: WebhookSpec): string | undefined {
  if (spec.auth?.ntlm) return "auth.ntlm is not supported by secrets-bridge (send credentials in headers instead)";
  if (Object.keys(spec.headers ?? {}).length > MAX_WEBHOOK_HEADERS) return `at most ${MAX_WEBHOOK_HEADERS} headers`;
  if (spec.method !== undefined && !/^[A-Za-z]{1,16}$/.test(spec.method)) return "method must be an HTTP method such as GET or POST";
  const timeout = timeoutMs(spec);
  if (typeof timeout === "string") return timeout;
  const unnamed = (spec.secrets ?? []).findIndex((secret) => !secret.secretRef.name);
  if (unnamed >= 0) return `secrets[${unnamed}].secretRef.name is required`;
  return undefined;
}

/** A template's failure, named by field; a TemplateError's message never holds a data value (template/engine.ts). */
function render<T>(field: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof TemplateError) throw new GeneratorError(`Webhook ${field}: ${err.message}`);
    throw err;
  }
}

async function caBundle(spec: WebhookSpec, ctx: GenerateContext): Promise<string | undefined> {
  if (spec.caBundle) return Buffer.from(spec.caBundle, "base64").toString("utf8");
  const provider = spec.caProvider;
  if (!provider) return undefined;
  const key = provider.key ?? "ca.crt";
  const { kube } = ctx;
  if (provider.type === "ConfigMap" && !kube.readConfigMap) throw new GeneratorError("Webhook caProvider: ConfigMaps cannot be read here");
  const data = provider.type === "Secret" ? await kube.readSecret(provider.name, provider.namespace) : await kube.readConfigMap!(provider.name, provider.namespace);
  const pem = data[key];
  if (!pem) throw new GeneratorError(`Webhook caProvider: ${provider.type} ${provider.name} has no key ${key}`);
  return Buffer.from(pem).toString("utf8");
}

async function run(spec: WebhookSpec, ctx: GenerateContext): Promise<Record<string, Uint8Array>> {
  // Template data as ESO builds it: {{ .<name>.<key> }} for every key of every named Secret; the URL's copy escaped.
  const raw = new Map<string, Map<string, string>>();
  for (const secret of spec.secrets ?? []) {
    const values = await ctx.kube.readSecret(secret.secretRef.name!, undefined, { requireLabel: WEBHOOK_SECRET_LABEL });
    const into = raw.get(secret.name) ?? new Map<string, string>();
    for (const [key, value] of Object.entries(values)) into.set(toBin(key), bytesToBin(value));
    raw.set(secret.name, into);
  }
  const dataOf = (value: (bin: string) => string) => new GoMap([...raw].map(([name, keys]) => [toBin(name), new GoMap([...keys].map(([key, bin]) => [key, value(bin)]), "string")]));
  const url = render("url", () => renderString("webhook-url", spec.url, dataOf(queryEscape)));
  const plain = dataOf((bin) => bin);
  const body = spec.body ? render("body", () => renderBytes("webhook-body", spec.body!, plain)) : undefined;
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.headers ?? {})) headers[name] = render(`headers.${name}`, () => renderString(`webhook-header-${name}`, template, plain));
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new GeneratorError("Webhook url: the rendered url is not a valid URL");
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") throw new GeneratorError("Webhook url: only http and https URLs are called");
  // The message names the rule only: the rendered URL may hold a templated secret.
  if (ctx.scope === "Namespaced" && endpointRefusal("url", target.href)) {
    throw new GeneratorError("Webhook url: a namespaced Webhook calls https URLs only (plain http only to a loopback address); a ClusterGenerator may call others");
  }
  const ca = await caBundle(spec, ctx);
  let answer;
  try {
    answer = await callWebhook({
      url: target,
      method: (spec.method ?? "GET").toUpperCase(),
      headers,
      body,
      ca,
      deadlineMs: timeoutMs(spec) as number,
      maxResponseBytes: MAX_WEBHOOK_ANSWER_BYTES,
    });
  } catch (err) {
    recordProviderCall("webhook", "generate", "error");
    if (err instanceof ResponseTooLargeError) throw err;
    if (err instanceof WebhookTimeoutError) throw new GeneratorError(`Webhook: ${err.message}`, "GeneratorUnavailable");
    // Only the error's code: Node's messages may quote a header or the address, which templates may have filled.
    const code = (err as { code?: unknown }).code;
    throw new GeneratorError(`Webhook: the call failed (${typeof code === "string" ? code : "network error"})`, "GeneratorUnavailable");
  }
  const ok = answer.status >= 200 && answer.status < 300;
  recordProviderCall("webhook", "generate", ok ? "success" : answer.status === 404 ? "not_found" : answer.status === 429 ? "throttled" : "error");
  if (!ok) throw new GeneratorError(`Webhook: the endpoint answered ${answer.status}`, "GeneratorUnavailable");
  try {
    return keysFromAnswer(answer.body, spec.result.jsonPath || undefined);
  } catch (err) {
    if (err instanceof WebhookAnswerError) throw new GeneratorError(`Webhook: ${err.message}`, "GeneratorUnavailable");
    throw err;
  }
}

export const webhook: Generator<WebhookSpec> = {
  kind: "Webhook",
  specKey: "webhookSpec",
  spec: WebhookSpec,
  problem,
  generate: onlineGenerate("Webhook", "an HTTP endpoint", problem, run),
};
