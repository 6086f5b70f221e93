// `secrets-bridge diff PATH... --kubeconfig F`: renders the ExternalSecrets under the paths and compares each
// with the Secret in the cluster: keys added, removed or changed (values masked: sizes only, unless
// --show-values), type, labels and annotations. Exit 0: no difference, 1: differences, 2: errors (as kubectl diff).
import type { V1Secret } from "@kubernetes/client-node";
import { ANNOTATION_DATA_HASH } from "../api/markers.ts";
import { isNotFound } from "../kube/errors.ts";
import { safeMessage } from "../provider/errors.ts";
import type { Provider } from "../provider/types.ts";
import type { DesiredSecret } from "../reconcilers/external-secret/desired-secret.ts";
import { formatFindings, loadManifests, where, type Finding } from "./render-manifests.ts";
import { renderOffline } from "./render-offline.ts";
import { masked, offlineContext, selectExternalSecrets, type RenderOptions } from "./render.ts";

const show = (v: Uint8Array, reveal: boolean) => (reveal ? JSON.stringify(Buffer.from(v).toString("utf8")) : masked(v));

/** Human-readable differences between the rendered Secret and the live one (empty when equal). */
export function secretDiff(desired: DesiredSecret, live: V1Secret | undefined, reveal: boolean): string[] {
  if (!live) return [`+ Secret ${desired.namespace}/${desired.name} does not exist yet (${Object.keys(desired.data).length} keys)`];
  const out: string[] = [];
  const have: Record<string, Uint8Array> = Object.fromEntries(Object.entries(live.data ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))]));
  for (const key of [...new Set([...Object.keys(have), ...Object.keys(desired.data)])].sort()) {
    const a = have[key];
    const b = desired.data[key];
    if (a && !b) out.push(`- data.${key}: ${show(a, reveal)}`);
    else if (!a && b) out.push(`+ data.${key}: ${show(b, reveal)}`);
    else if (a && b && !Buffer.from(a).equals(Buffer.from(b))) out.push(`~ data.${key}: ${show(a, reveal)} -> ${show(b, reveal)}`);
  }
  if (desired.type && (live.type ?? "Opaque") !== desired.type) out.push(`~ type: ${live.type ?? "Opaque"} -> ${desired.type}`);
  for (const [field, want, got] of [["labels", desired.labels, live.metadata?.labels ?? {}], ["annotations", desired.annotations, live.metadata?.annotations ?? {}]] as const) {
    for (const [k, v] of Object.entries(want)) {
      if (k === ANNOTATION_DATA_HASH) continue; // follows from data
      if (got[k] !== v) out.push(`~ metadata.${field}.${k}: ${got[k] === undefined ? "(unset)" : JSON.stringify(got[k])} -> ${JSON.stringify(v)}`);
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
    try {
      const desired = await renderOffline(m.obj, ctx);
      let live: V1Secret | undefined;
      try {
        live = await ctx.clients.core.readNamespacedSecret({ name: desired.name, namespace: desired.namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      const lines = secretDiff(desired, live, opts.showValues ?? false);
      if (lines.length > 0) {
        differs = true;
        print(`${where(m)} -> Secret ${desired.namespace}/${desired.name}\n${lines.map((l) => `  ${l}`).join("\n")}`);
      } else print(`${where(m)} -> Secret ${desired.namespace}/${desired.name}: no changes`);
    } catch (err) {
      errors.push({ file: m.file, line: m.line, severity: "error", message: `${where(m)}: ${safeMessage(err)}` });
    }
  }
  if (errors.length > 0) {
    printErr(formatFindings(errors));
    return 2;
  }
  return differs ? 1 : 0;
}
