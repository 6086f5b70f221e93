// Rendering into a resource other than a Secret (target.manifest), as ESO 2.9's applyTemplateToManifest does:
// the fetched data (no template) goes to a ConfigMap's data or a custom resource's spec.data; with a template,
// each templateFrom renders to its target (data, spec, annotations, labels, or a nested path such as
// spec.rules[0].from), template.data to the top-level data map. Pure and synchronous: it runs in an isolation
// worker like renderTemplate.
import YAML from "yaml";
import type { Template } from "../api/external-secret.ts";
import { ConfigError } from "../provider/errors.ts";
import type { Decoding } from "./decoding.ts";
import { renderBytes, stringData, TemplateError } from "./engine.ts";
import { decodedValue, templateConfigError, type LoadedSources } from "./render.ts";
import { isMap, parseTargetPath, setAtPath } from "./target-path.ts";
import { withKeygenQuota } from "./keygen-quota.ts";

export type Manifest = Record<string, unknown> & { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } & Record<string, unknown> };

const text = (v: Uint8Array) => Buffer.from(v).toString("utf8");

/** YAML as Go's sigs.k8s.io/yaml reads it (YAML 1.1: yes/on are booleans), bounded alias expansion. */
function parseYaml(source: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: YAML.parse(source, { version: "1.1", maxAliasCount: 100 }) ?? null };
  } catch {
    return { ok: false };
  }
}

/** A top-level field used as a string map (data, spec): created when missing, refused when it is not a map. */
function fieldMap(obj: Manifest, field: string): Record<string, unknown> {
  if (obj[field] === undefined || obj[field] === null) obj[field] = {};
  const map = obj[field];
  if (!isMap(map)) throw new ConfigError(`failed to set ${field} field on object: it is not a map`);
  return map;
}

/** ESO's applyToTarget: one rendered key/value to Annotations, Labels, data, spec (any letter case) or a path. */
function applyValue(obj: Manifest, target: string, key: string, value: Uint8Array): void {
  switch (target.toLowerCase()) {
    case "annotations":
      obj.metadata.annotations = { ...obj.metadata.annotations, [key]: text(value) };
      return;
    case "labels":
      obj.metadata.labels = { ...obj.metadata.labels, [key]: text(value) };
      return;
    case "data":
    case "spec":
      fieldMap(obj, target.toLowerCase())[key] = text(value);
      return;
    default: {
      // A nested path takes the value itself, read as YAML when it parses (ESO's tryParseYAML); the key is not used.
      const parsed = parseYaml(text(value));
      setAtPath(obj, target, parseTargetPath(target), () => (parsed.ok ? parsed.value : text(value)));
    }
  }
}

/** ESO's mapScopeApply: the rendered YAML as a string map (Annotations, Labels, Data) or a structure put at a path. */
function applyDocument(obj: Manifest, target: string, name: string, rendered: string, decoding: Decoding): void {
  const parsed = parseYaml(rendered);
  if (!parsed.ok) throw new ConfigError(`template ${JSON.stringify(name)}: rendered output is not valid YAML`);
  if (["annotations", "labels", "data"].includes(target.toLowerCase())) {
    if (parsed.value === null) return;
    if (!isMap(parsed.value)) throw new ConfigError(`template ${JSON.stringify(name)}: rendered output is not a YAML map of key: value`);
    for (const [k, v] of Object.entries(parsed.value)) {
      if (typeof v === "object" && v !== null) throw new ConfigError(`template ${JSON.stringify(name)}: value of ${JSON.stringify(k)} is not a string`);
      applyValue(obj, target, k, decodedValue(new Uint8Array(Buffer.from(String(v ?? ""), "utf8")), decoding, k));
    }
    return;
  }
  const tokens = parseTargetPath(target);
  // One key ("spec") is replaced whole; a deeper path merges a map into the map already there (shallow), as ESO.
  const single = tokens.length === 1;
  setAtPath(obj, target, tokens, (existing) => (!single && isMap(existing) && isMap(parsed.value) ? { ...existing, ...parsed.value } : parsed.value));
}

/** Renders each key's template (scope Values) into the target. */
function applyValues(obj: Manifest, templates: Record<string, string>, data: Record<string, Uint8Array>, target: string, decoding?: Decoding): void {
  const dot = stringData(data);
  for (const [key, source] of Object.entries(templates)) applyValue(obj, target, key, decodedValue(renderBytes(key, source, dot), decoding, key));
}

function applyKeysAndValues(obj: Manifest, name: string, source: string, data: Record<string, Uint8Array>, target: string, decoding?: Decoding): void {
  applyDocument(obj, target, name, text(renderBytes(name, source, stringData(data))), decoding);
}

/** Without a template: the data as strings, in a ConfigMap's data or any other kind's spec.data (ESO's createSimpleManifest). */
function applyPlainData(obj: Manifest, data: Record<string, Uint8Array>): void {
  const strings = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, text(v)]));
  if (obj.kind === "ConfigMap") obj.data = strings;
  else fieldMap(obj, "spec").data = strings;
}

/**
 * Applies the ExternalSecret's template (or, without one, its data) to `base` (a fresh object, or the live one
 * for Merge/CreateOrMerge) and returns the result. Metadata labels and annotations are copied as written, not
 * templated, as ESO does for manifests. Throws ConfigError (spec) or TemplateExecutionError (this data).
 */
export function renderManifestTemplate(template: Template | undefined, data: Record<string, Uint8Array>, loaded: LoadedSources, base: Manifest, esMetadata: { labels?: Record<string, string>; annotations?: Record<string, string> }): Manifest {
  // One key-generation quota for all of the render's templates, as renderTemplate (keygen-quota.ts).
  return withKeygenQuota(() => renderManifest(template, data, loaded, base, esMetadata));
}

function renderManifest(template: Template | undefined, data: Record<string, Uint8Array>, loaded: LoadedSources, base: Manifest, esMetadata: { labels?: Record<string, string>; annotations?: Record<string, string> }): Manifest {
  const obj = structuredClone(base);
  const labels = template ? template.metadata?.labels : esMetadata.labels;
  const annotations = template ? template.metadata?.annotations : esMetadata.annotations;
  obj.metadata.labels = { ...obj.metadata.labels, ...labels };
  obj.metadata.annotations = { ...obj.metadata.annotations, ...annotations };
  if (!template) {
    applyPlainData(obj, data);
    return obj;
  }
  try {
    for (const [i, from] of (template.templateFrom ?? []).entries()) {
      const target = from.target || "Data";
      const decoding = from.valuesDecodingStrategy;
      if (from.literal !== undefined) applyKeysAndValues(obj, `templateFrom[${i}].literal`, from.literal, data, target, decoding);
      // ConfigMap and Secret items are rendered with their templateAs and the results applied to the target once
      // (ESO renders the results a second time as templates; a value holding "{{" would then run as a template).
      for (const [kind, ref, source] of [
        ["configMap", from.configMap, from.configMap && loaded.configMaps[from.configMap.name]],
        ["secret", from.secret, from.secret && loaded.secrets[from.secret.name]],
      ] as const) {
        if (!ref || !source) continue;
        for (const item of ref.items) {
          if (!(item.key in source)) throw new ConfigError(`templateFrom[${i}].${kind} ${ref.name} has no key ${item.key}`);
          const raw = source[item.key]!;
          const body = typeof raw === "string" ? raw : text(raw);
          if (item.templateAs === "KeysAndValues") applyKeysAndValues(obj, item.key, body, data, target, decoding);
          else applyValues(obj, { [item.key]: body }, data, target, decoding);
        }
      }
    }
    if (template.data) applyValues(obj, template.data, data, "data");
  } catch (err) {
    if (err instanceof TemplateError) throw templateConfigError(err, data);
    throw err;
  }
  return obj;
}
