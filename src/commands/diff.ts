// `secrets-bridge diff PATH... --kubeconfig F`: renders the ExternalSecrets under the paths and compares each
// with the Secret in the cluster: keys added, removed or changed (masked as masking.ts decides, unless
// --show-values), type, labels and annotations. Exit 0: no difference, 1: differences, 2: errors (as kubectl diff).
// The kubeconfig is read for the Secrets only; stores are opened as render opens them (no live store without
// --allow-live-stores).
import type { V1Secret } from "@kubernetes/client-node";
import { ANNOTATION_DATA_HASH } from "../api/markers.ts";
import type { ExternalSecretSpec } from "../api/external-secret.ts";
import { usesGenerators } from "../reconcilers/external-secret/refresh.ts";
import { isNotFound } from "../kube/errors.ts";
import type { Provider } from "../provider/types.ts";
import { MASKED, maskingFor, type Field } from "./masking.ts";
import { formatFindings, loadManifests, where, type Finding } from "./render-manifests.ts";
import { renderOffline, type OfflineRender } from "./render-offline.ts";
import { failureMessage, offlineContext, selectExternalSecrets, type RenderOptions } from "./render.ts";

/** Human-readable differences between the rendered Secret and the live one (empty when equal); masked unless `reveal`. */
export function secretDiff(r: OfflineRender, live: V1Secret | undefined, reveal: boolean): string[] {
  const desired = r.secret;
  if (!live) return [`+ Secret ${desired.namespace}/${desired.name} does not exist yet (${Object.keys(desired.data).length} keys)`];
  const have: Record<string, Uint8Array> = Object.fromEntries(Object.entries(live.data ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))]));
  const liveMetadata = { labels: live.metadata?.labels ?? {}, annotations: live.metadata?.annotations ?? {} };
  // The cluster's own key names are no secret of the pull request's templates.
  const m = maskingFor(r.es, [...r.fetchedKeys, ...Object.keys(have), ...Object.keys(liveMetadata.labels), ...Object.keys(liveMetadata.annotations)]);
  const keys = (field: Field, names: string[]) => (reveal ? [...new Set(names)].sort().map((key) => ({ key, shown: key })) : m.keys(field, names));
  const value = (key: string, v: Uint8Array) => (reveal ? JSON.stringify(Buffer.from(v).toString("utf8")) : m.dataValue(key, v));
  const metaValue = (field: "labels" | "annotations", key: string, v: string) => {
    if (reveal) return JSON.stringify(v);
    const shown = m.metadataValue(field, key, v);
    return shown === MASKED ? MASKED : JSON.stringify(shown);
  };
  const out: string[] = [];
  for (const { key, shown } of keys("data", [...Object.keys(have), ...Object.keys(desired.data)])) {
    const a = have[key];
    const b = desired.data[key];
    if (a && !b) out.push(`- data.${shown}: ${value(key, a)}`);
    else if (!a && b) out.push(`+ data.${shown}: ${value(key, b)}`);
    else if (a && b && !Buffer.from(a).equals(Buffer.from(b))) out.push(`~ data.${shown}: ${value(key, a)} -> ${value(key, b)}`);
  }
  if (desired.type && (live.type ?? "Opaque") !== desired.type) out.push(`~ type: ${live.type ?? "Opaque"} -> ${desired.type}`);
  for (const field of ["labels", "annotations"] as const) {
    const want = desired[field];
    const got = liveMetadata[field];
    for (const { key, shown } of keys(field, Object.keys(want))) {
      if (key === ANNOTATION_DATA_HASH) continue; // follows from data
      if (got[key] !== want[key]) out.push(`~ metadata.${field}.${shown}: ${got[key] === undefined ? "(unset)" : metaValue(field, key, got[key])} -> ${metaValue(field, key, want[key]!)}`);
    }
  }
  return out;
}

export async function diffCommand(paths: string[], providers: ReadonlyArray<Provider<any>>, opts: RenderOptions, print: (s: string) => void, printErr: (s: string) => void): Promise<number> {
  const { objects, findings } = loadManifests(paths);
  const selected = selectExternalSecrets(objects, opts.name);
  if (selected.length === 0) {
    printErr(`no ExternalSecret under ${paths.join(", ")}`);
    return 2;
  }
  const ctx = offlineContext(objects, providers, opts);
  if (!ctx.clients) {
    printErr("diff needs a cluster: pass --kubeconfig (or set KUBECONFIG)");
    return 2;
  }
  const errors: Finding[] = [...findings];
  let differs = false;
  for (const m of selected) {
    if ((m.obj.spec as { target?: { manifest?: unknown } } | undefined)?.target?.manifest) {
      // Not compared: a live object holds fields others own (status, defaults), which a diff would show as noise.
      errors.push({ file: m.file, line: m.line, severity: "warning", message: `${where(m)}: renders a target.manifest object, not a Secret; diff compares Secrets only (use render to see it)` });
      continue;
    }
    if (usesGenerators(m.obj as { spec: ExternalSecretSpec })) {
      // A render generates fresh values; the cluster's were generated at the last refresh (once, for CreatedOnce).
      // Printed, not counted: the diff itself still runs and decides the exit code.
      printErr(formatFindings([{ file: m.file, line: m.line, severity: "warning", message: `${where(m)}: uses generators: their values are new on every render, so diff shows them as changed (the operator regenerates only when a refresh is due)` }]));
    }
    try {
      const rendered = await renderOffline(m.obj, ctx);
      const desired = rendered.secret;
      let live: V1Secret | undefined;
      try {
        live = await ctx.clients.core.readNamespacedSecret({ name: desired.name, namespace: desired.namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      const lines = secretDiff(rendered, live, opts.showValues ?? false);
      if (lines.length > 0) {
        differs = true;
        print(`${where(m)} -> Secret ${desired.namespace}/${desired.name}\n${lines.map((l) => `  ${l}`).join("\n")}`);
      } else print(`${where(m)} -> Secret ${desired.namespace}/${desired.name}: no changes`);
    } catch (err) {
      errors.push({ file: m.file, line: m.line, severity: "error", message: `${where(m)}: ${failureMessage(err, opts.showValues ?? false)}` });
    }
  }
  if (errors.length > 0) {
    printErr(formatFindings(errors));
    return 2;
  }
  return differs ? 1 : 0;
}
