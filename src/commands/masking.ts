// What masked output (render and diff without --show-values) may print about a rendered Secret. In CI the
// manifests come from a pull request whose author writes the templates, so anything a template computed from
// data is withheld: values and their sizes (a template can spell data out in a length), label and annotation
// values, key names a KeysAndValues template produced, and error details that can quote data (Sprig's `fail`).
// Shown: names written in the spec or chosen by the store, action-free label/annotation values (the manifest
// already says them), our own marker labels, and the sizes of values copied from a store unchanged (issue 14).
//
// Why not "mask only templates that reference data": whether a template reaches the data is not decidable from
// its text (`$`, `index`, `template`, KeysAndValues over `.`), while "has no action at all" is.
import type { ExternalSecret } from "../api/external-secret.ts";
import { ANNOTATION_DATA_HASH, LABEL_CREATED_BY, LABEL_MANAGED, createdByValue } from "../api/markers.ts";
import { safeMessage } from "../provider/errors.ts";
import { TemplateExecutionError, templateTarget } from "../template/index.ts";
import { withholdDataDetails } from "../template/error-details.ts";
import { DataDependentError } from "./render-offline.ts";

export type Field = "data" | "labels" | "annotations";

export const MASKED = "<masked>";
const WITHHELD = "(details withheld in masked output: they may quote data; --show-values prints them)";
const FIELD_OF_TARGET = { Data: "data", Labels: "labels", Annotations: "annotations" } as const;
const MARKER_KEYS: Record<Field, ReadonlySet<string>> = {
  data: new Set(),
  labels: new Set([LABEL_MANAGED, LABEL_CREATED_BY]),
  annotations: new Set([ANNOTATION_DATA_HASH]),
};

export interface Masking {
  /** Keys in print order with how each prints: names we may show (sorted), then computed names as "<masked key N>". */
  keys(field: Field, keys: Iterable<string>): Array<{ key: string; shown: string }>;
  /** "<masked, N bytes>" for a value copied from a store, "<masked>" for one a template computed. */
  dataValue(key: string, value: Uint8Array): string;
  /** A label or annotation value: shown when it is a literal of the spec or our marker, else "<masked>". */
  metadataValue(field: "labels" | "annotations", key: string, value: string): string;
}

/**
 * The masking of one ExternalSecret's output. `known` are names that are no secret in any field: the fetched
 * keys (the store's names) and, for diff, the keys of the Secret in the cluster.
 */
export function maskingFor(es: ExternalSecret, known: Iterable<string>): Masking {
  const template = es.spec.target?.template;
  // Names the spec writes down, per field, and whether a KeysAndValues template may compute names there.
  const named: Record<Field, Set<string>> = {
    data: new Set(Object.keys(template?.data ?? {})),
    labels: new Set(Object.keys(template?.metadata?.labels ?? {})),
    annotations: new Set(Object.keys(template?.metadata?.annotations ?? {})),
  };
  const computedNames: Record<Field, boolean> = { data: false, labels: false, annotations: false };
  for (const from of template?.templateFrom ?? []) {
    const field = FIELD_OF_TARGET[templateTarget(from.target) ?? "Data"];
    if (from.literal !== undefined) computedNames[field] = true;
    for (const item of [...(from.configMap?.items ?? []), ...(from.secret?.items ?? [])]) {
      if (item.templateAs === "KeysAndValues") computedNames[field] = true;
      else named[field].add(item.key);
    }
  }
  const knownNames = new Set(known);
  const showable = (field: Field, key: string) => named[field].has(key) || knownNames.has(key) || MARKER_KEYS[field].has(key);
  const marker = (field: Field, key: string, value: string) =>
    field === "labels" && ((key === LABEL_MANAGED && value === "true") || (key === LABEL_CREATED_BY && value === createdByValue(es.metadata.namespace ?? "", es.metadata.name)));

  return {
    keys(field, keys) {
      const all = [...new Set(keys)];
      const shown = all.filter((key) => showable(field, key)).sort();
      // Computed names keep their order of appearance, so their print order says nothing about their text.
      const hidden = all.filter((key) => !showable(field, key));
      return [...shown.map((key) => ({ key, shown: key })), ...hidden.map((key, i) => ({ key, shown: `<masked key ${i + 1}>` }))];
    },
    dataValue(key, value) {
      // template.data keys and Values items are templated; with a KeysAndValues template any key may be.
      return named.data.has(key) || computedNames.data ? MASKED : `<masked, ${value.length} bytes>`;
    },
    metadataValue(field, key, value) {
      if (marker(field, key, value)) return value;
      const text = template?.metadata?.[field]?.[key];
      // template.metadata is applied last, so its literal is the final value of that key.
      return text !== undefined && !text.includes("{{") && text === value ? value : MASKED;
    },
  };
}

const TEMPLATE_HEAD = /^(template "((?:[^"\\]|\\.)*)" line \d+: )([\s\S]*)$/;

/**
 * A failure message for masked output. Errors before templating (stores, fetches, template sources) name keys
 * and stores only and pass unchanged; a DataDependentError keeps the template's name and line, a parse error
 * (about the template's text) and the safe execution tails above, and withholds the rest.
 */
export function maskedFailure(err: unknown): string {
  if (!(err instanceof DataDependentError)) return safeMessage(err);
  const message = safeMessage(err.original);
  const head = TEMPLATE_HEAD.exec(message);
  if (!head) return message.replace(/"(?:[^"\\]|\\.)*"/g, `"${MASKED}"`); // e.g. a rendered key that is not a valid Secret key
  const [, prefix, quotedName, rest] = head as unknown as [string, string, string, string];
  // A template kept in a Secret (templateFrom.secret) is itself secret: its text would show in the message.
  const secretTemplates = new Set((err.es.spec.target?.template?.templateFrom ?? []).flatMap((from) => from.secret?.items.map((item) => item.key) ?? []));
  if (secretTemplates.has(JSON.parse(`"${quotedName}"`) as string)) return prefix + WITHHELD;
  if (!(err.original instanceof TemplateExecutionError)) return message; // a parse error: the template's own text
  return prefix + withholdDataDetails(rest, WITHHELD);
}
