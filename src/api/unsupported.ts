// ExternalSecret fields ESO 2.9 serves that the CRD accepts (so ESO manifests apply) but secrets-bridge does not
// implement yet (issue 15). One list for both sides: `validate` reports each as an error and the reconciler
// refuses the spec with a ConfigError (Ready=False, no retry until the spec changes, the last Secret kept).
import type { ExternalSecretSpec } from "./external-secret.ts";

export interface UnsupportedField {
  /** Path under spec, e.g. ["target", "manifest"]. */
  path: (string | number)[];
  /** What the field does in ESO, for the message. */
  what: string;
}

export function unsupportedFields(spec: ExternalSecretSpec | undefined): UnsupportedField[] {
  const found: UnsupportedField[] = [];
  if (spec?.target?.manifest !== undefined) found.push({ path: ["target", "manifest"], what: "rendering into a resource other than a Secret" });
  return found;
}

/** `spec.target.manifest: rendering into a resource other than a Secret is not supported by secrets-bridge yet` */
export function unsupportedMessage(field: UnsupportedField, prefix = "spec"): string {
  const path = field.path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : `${acc}.${p}`), prefix);
  return `${path}: ${field.what} ${field.what.endsWith("s") ? "are" : "is"} not supported by secrets-bridge yet`;
}
