// target.manifest: which resource an ExternalSecret renders into instead of a Secret, and which kinds it may
// never name. Shared by the reconciler and `validate`.
import type { ExternalSecret } from "./external-secret.ts";
import { GROUP } from "./common.ts";

export interface ManifestKind {
  apiVersion: string;
  /** "" for the core group. */
  group: string;
  kind: string;
}

// apiVersion and kind reach the apiserver's discovery URL (/apis/<apiVersion>): only well-formed names pass, so
// a tenant cannot steer the operator's credentials to another path on the apiserver.
const DNS_LABEL = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
const API_VERSION = new RegExp(`^(?:(${DNS_LABEL}(?:\\.${DNS_LABEL})*)/)?(v[1-9][0-9]{0,3}(?:(?:alpha|beta)[1-9][0-9]{0,3})?)$`);
const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;

/**
 * Kinds an ExternalSecret may not render into, whatever RBAC the operator was given: Secrets go through
 * `target` without `manifest` (where the privileged-Secret rules and value hygiene apply), Events and Leases
 * are the operator's own records, and the external-secrets.io kinds would let one ExternalSecret write others.
 */
function refusal(group: string, kind: string): string | undefined {
  if (group === "" && kind === "Secret") return "render Secrets with spec.target (no manifest)";
  if ((group === "" || group === "events.k8s.io") && kind === "Event") return "Events are the operator's own records";
  if (group === "coordination.k8s.io") return "Leases are the operator's own records";
  if (group === GROUP || group.endsWith(`.${GROUP}`)) return "external-secrets.io kinds cannot be rendered by an ExternalSecret";
  return undefined;
}

/** The manifest kind of an ExternalSecret, or undefined (it writes a Secret). Throws a message for a malformed or refused kind. */
export function manifestKind(es: Pick<ExternalSecret, "spec">): ManifestKind | undefined {
  const manifest = es.spec.target?.manifest;
  if (!manifest) return undefined;
  const m = API_VERSION.exec(manifest.apiVersion);
  if (!m) throw new ManifestKindError(`target.manifest.apiVersion ${JSON.stringify(manifest.apiVersion)} is not a valid API version (group/version or v1)`);
  if (!KIND.test(manifest.kind)) throw new ManifestKindError(`target.manifest.kind ${JSON.stringify(manifest.kind)} is not a valid kind`);
  const group = m[1] ?? "";
  const refused = refusal(group, manifest.kind);
  if (refused) throw new ManifestKindError(`target.manifest ${manifest.apiVersion} ${manifest.kind} is not allowed: ${refused}`);
  return { apiVersion: manifest.apiVersion, group, kind: manifest.kind };
}

export class ManifestKindError extends Error {}

/** The TargetIndex key of what an ExternalSecret writes: "<namespace>/<name>" for a Secret, kind-qualified otherwise. */
export function targetIndexKey(namespace: string, name: string, kind?: Pick<ManifestKind, "group" | "kind">): string {
  return kind ? `${kind.kind}.${kind.group}:${namespace}/${name}` : `${namespace}/${name}`;
}
