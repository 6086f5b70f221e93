// The write step of a target.manifest ExternalSecret: read the live object, render onto it (Merge) or afresh,
// and create, replace or leave it; or delete it for deletionPolicy Delete. Mirrors secret-writer.ts's rules:
// an object this ExternalSecret does not manage is never taken over, and nothing is written when nothing changed.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ExternalSecret } from "../../../api/external-secret.ts";
import type { ResolvedTarget } from "../../../api/defaults.ts";
import type { ManifestKind } from "../../../api/manifest-target.ts";
import { LABEL_MANAGED } from "../../../api/markers.ts";
import type { ValueScrubber } from "../../../provider/scrub.ts";
import { renderManifestIsolated, type TemplateSources } from "../../../template/index.ts";
import { controllerOf } from "../desired-secret.ts";
import { secretError, type WriteOutcome } from "../secret-writer.ts";
import { finishManifest, manifestBase, manifestUnchanged } from "./desired.ts";
import type { ManifestWriter } from "./writer.ts";


/** Every string in a rendered object, so an error message can never carry one (see ValueScrubber). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

export interface ManifestSyncInput {
  es: ExternalSecret;
  target: ResolvedTarget;
  kind: ManifestKind;
  data: Record<string, Uint8Array>;
  sources: TemplateSources;
  /** The ExternalSecret's queue key (the isolation pool's suspect lane). */
  key: string;
  values: ValueScrubber;
}

export async function syncManifest(writer: ManifestWriter, input: ManifestSyncInput): Promise<WriteOutcome> {
  const { es, target, kind } = input;
  const namespace = es.metadata.namespace!;
  const existing = target.creationPolicy === "None" ? undefined : await writer.get(kind, namespace, target.name);
  const base = manifestBase(es, kind, target, existing);
  // Rendered even for None and a missing Merge target, so a broken template shows as such.
  const rendered = await renderManifestIsolated(es.spec.target?.template, input.data, input.sources, base, es.metadata, input.key, input.values);
  input.values.addAll(strings(rendered.spec ?? null).concat(strings(rendered.data ?? null)));
  if (target.creationPolicy === "None") return "skipped";
  if (!existing && target.creationPolicy === "Merge") return "missing";
  const merging = target.creationPolicy === "Merge" || target.creationPolicy === "CreateOrMerge";
  if (existing && !merging && controllerOf(existing, es) !== "us" && existing.metadata?.labels?.[LABEL_MANAGED] !== "true") {
    throw secretError("SecretNotOwned", `${kind.kind} ${namespace}/${target.name} exists and is not managed by this ExternalSecret (use creationPolicy Merge to render into it)`);
  }
  const desired = finishManifest(es, target, rendered, existing);
  if (!existing) {
    await writer.create(kind, desired);
    return "created";
  }
  if (manifestUnchanged(existing, desired)) return "unchanged";
  await writer.replace(kind, desired, existing.metadata?.resourceVersion);
  return "updated";
}

/** deletionPolicy Delete and the provider has nothing: delete the object if this ExternalSecret controls it. */
export async function deleteManifest(writer: ManifestWriter, es: ExternalSecret, kind: ManifestKind, name: string): Promise<WriteOutcome> {
  const namespace = es.metadata.namespace!;
  const existing = await writer.get(kind, namespace, name);
  if (!existing) return "unchanged";
  if (controllerOf(existing, es) !== "us") throw secretError("SecretNotOwned", `${kind.kind} ${namespace}/${name} is not owned by this ExternalSecret; not deleting it`);
  await writer.delete(kind, namespace, name, existing.metadata!.uid!);
  return "deleted";
}
