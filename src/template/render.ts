// ESO's engine-v2 template application (externalsecret_controller_template.go): mergePolicy, templateFrom
// (configMap / secret items with templateAs Values | KeysAndValues, literal; target Data | Annotations |
// Labels), then template.data, then templated metadata labels/annotations; no data templates = fetched data.
import YAML from "yaml";
import type { Template } from "../api/external-secret.ts";
import { ConfigError, ProviderError } from "../provider/errors.ts";
import { decodeValue, type Decoding } from "./decoding.ts";
import { renderBytes, stringData, TemplateError } from "./engine.ts";
import { withholdDataDetails } from "./error-details.ts";
import { withKeygenQuota } from "./keygen-quota.ts";
import { checkSecretTemplate } from "./secret-rules.ts";
import type { TemplateSources } from "./sources.ts";

export interface Rendered {
  data: Record<string, Uint8Array>;
  type: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type Target = "Data" | "Annotations" | "Labels";

const TARGETS: Record<string, Target> = { data: "Data", annotations: "Annotations", labels: "Labels" };

/** A templateFrom target as ESO reads it for a Secret: Data, Annotations or Labels in any letter case
 *  (unset is Data); undefined for any other string (a nested path, only meaningful for other kinds). */
export function templateTarget(target: string | undefined): Target | undefined {
  return target === undefined || target === "" ? "Data" : TARGETS[target.toLowerCase()];
}

interface Out {
  data: Record<string, Uint8Array>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A template that failed on the fetched data: retried with backoff, since the data may change. */
export class TemplateExecutionError extends ProviderError {
  constructor(message: string) {
    super(message, "TemplateExecutionFailed");
  }
}

/** A template failure for the condition: template name, line and Go's message, with any data value
 *  scrubbed. A parse error is a ConfigError (fixed only by a spec change); an execution error is retried. */
export function templateConfigError(err: TemplateError, data: Record<string, Uint8Array>): ConfigError | TemplateExecutionError {
  // Go's own "template: NAME:LINE: " prefix repeats what the condition already says.
  let message = err.message.replace(/^template: .*?:\d+: /, "");
  const values = Object.values(data).map((v) => Buffer.from(v).toString("utf8")).filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  for (const v of values) message = message.split(v).join("***");
  // `fail` and functions that parse a value can quote it in ways no scrubber recognises: their details become fixed text.
  if (err.phase === "exec") message = withholdDataDetails(message, "(details withheld: they may quote data)");
  const text = `template ${JSON.stringify(err.templateName)} line ${err.line}: ${message}`;
  return err.phase === "parse" ? new ConfigError(text) : new TemplateExecutionError(text);
}

/** A value that fails its valuesDecodingStrategy depends on the fetched data: retried, as ESO's plain error. */
export function decodedValue(value: Uint8Array, strategy: Decoding, key: string): Uint8Array {
  try {
    return decodeValue(value, strategy, `rendered template value for key ${JSON.stringify(key)}`);
  } catch (err) {
    if (err instanceof ConfigError) throw new TemplateExecutionError(`failed to decode ${err.message}`);
    throw err;
  }
}

function apply(out: Out, target: Target, key: string, value: Uint8Array): void {
  if (target === "Data") out.data[key] = value;
  else if (target === "Labels") out.labels[key] = Buffer.from(value).toString("utf8");
  else out.annotations[key] = Buffer.from(value).toString("utf8");
}

/** Renders each key's template (scope Values). */
function executeValues(templates: Record<string, string>, data: Record<string, Uint8Array>, target: Target, out: Out, decoding?: Decoding): void {
  const dot = stringData(data);
  for (const [key, text] of Object.entries(templates)) apply(out, target, key, decodedValue(renderBytes(key, text, dot), decoding, key));
}

/** Renders the whole template and reads the output as a YAML map of key: value (scope KeysAndValues). */
function executeKeysAndValues(name: string, text: string, data: Record<string, Uint8Array>, target: Target, out: Out, decoding?: Decoding): void {
  const rendered = Buffer.from(renderBytes(name, text, stringData(data))).toString("utf8");
  let parsed: unknown;
  try {
    parsed = YAML.parse(rendered);
  } catch {
    throw new ConfigError(`template ${JSON.stringify(name)}: rendered output is not a YAML map of key: value`);
  }
  if (parsed === null || parsed === undefined) return;
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigError(`template ${JSON.stringify(name)}: rendered output is not a YAML map of key: value`);
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v === "object" && v !== null) throw new ConfigError(`template ${JSON.stringify(name)}: value of ${JSON.stringify(k)} is not a string`);
    apply(out, target, k, decodedValue(new Uint8Array(Buffer.from(String(v ?? ""), "utf8")), decoding, k));
  }
}

/** templateFrom's ConfigMaps and Secrets, read before rendering (I/O stays on the main thread). */
export interface LoadedSources {
  configMaps: Record<string, Record<string, string>>;
  secrets: Record<string, Record<string, Uint8Array>>;
}

/** Reads every ConfigMap and Secret the template's templateFrom names. */
export async function loadTemplateSources(template: Template | undefined, sources: TemplateSources): Promise<LoadedSources> {
  const loaded: LoadedSources = { configMaps: {}, secrets: {} };
  for (const from of template?.templateFrom ?? []) {
    if (from.configMap && !(from.configMap.name in loaded.configMaps)) loaded.configMaps[from.configMap.name] = await sources.configMap(from.configMap.name);
    if (from.secret && !(from.secret.name in loaded.secrets)) loaded.secrets[from.secret.name] = await sources.secret(from.secret.name);
  }
  return loaded;
}

/**
 * Applies the template to the fetched data: pure and synchronous, so it can run in an isolation worker
 * (see render-isolated.ts). Throws ConfigError (spec) or TemplateExecutionError (this data).
 */
export function renderTemplate(template: Template | undefined, data: Record<string, Uint8Array>, loaded: LoadedSources): Rendered {
  // Every template of the render shares one key-generation quota (keygen-quota.ts): they share the worker's time limit.
  return withKeygenQuota(() => renderAll(template, data, loaded));
}

function renderAll(template: Template | undefined, data: Record<string, Uint8Array>, loaded: LoadedSources): Rendered {
  if (!template) return { data, type: undefined, labels: {}, annotations: {} };
  checkSecretTemplate(template);
  const out: Out = { data: {}, labels: {}, annotations: {} };
  if (template.mergePolicy === "Merge") Object.assign(out.data, data);
  try {
    for (const [i, from] of (template.templateFrom ?? []).entries()) {
      // checkSecretTemplate refused any other target.
      const target = templateTarget(from.target)!;
      const decoding = from.valuesDecodingStrategy;
      if (from.configMap) {
        const cm = loaded.configMaps[from.configMap.name]!;
        for (const item of from.configMap.items) {
          if (!(item.key in cm)) throw new ConfigError(`templateFrom[${i}].configMap ${from.configMap.name} has no key ${item.key}`);
          if (item.templateAs === "KeysAndValues") executeKeysAndValues(item.key, cm[item.key]!, data, target, out, decoding);
          else executeValues({ [item.key]: cm[item.key]! }, data, target, out, decoding);
        }
      }
      if (from.secret) {
        const s = loaded.secrets[from.secret.name]!;
        for (const item of from.secret.items) {
          if (!(item.key in s)) throw new ConfigError(`templateFrom[${i}].secret ${from.secret.name} has no key ${item.key}`);
          const text = Buffer.from(s[item.key]!).toString("utf8");
          if (item.templateAs === "KeysAndValues") executeKeysAndValues(item.key, text, data, target, out, decoding);
          else executeValues({ [item.key]: text }, data, target, out, decoding);
        }
      }
      if (from.literal !== undefined) executeKeysAndValues(`templateFrom[${i}].literal`, from.literal, data, target, out, decoding);
    }
    if (template.data) executeValues(template.data, data, "Data", out);
    if (template.metadata?.labels) executeValues(template.metadata.labels, data, "Labels", out);
    if (template.metadata?.annotations) executeValues(template.metadata.annotations, data, "Annotations", out);
  } catch (err) {
    if (err instanceof TemplateError) throw templateConfigError(err, data);
    throw err;
  }
  const templated = Object.keys(template.data ?? {}).length > 0 || (template.templateFrom ?? []).length > 0;
  return { data: templated ? out.data : { ...data, ...out.data }, type: template.type, labels: out.labels, annotations: out.annotations };
}

/** Loads the sources and renders in this thread (the offline CLI; the operator renders in a worker). */
export async function applyTemplate(template: Template | undefined, data: Record<string, Uint8Array>, sources: TemplateSources): Promise<Rendered> {
  return renderTemplate(template, data, await loadTemplateSources(template, sources));
}
