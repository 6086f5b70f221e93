// `render` for PushSecrets: what each would write where, offline: the source Secret(s) from the manifests or
// --secret, the template rendered, the stores named or selected in the manifests, and the entries the controller
// would push (plan.ts), values masked unless --show-values. No provider is contacted (nothing is written or read).
import { PushSecretSpec, type PushSecret } from "../api/push-secret.ts";
import { matchesSelector } from "../kube/label-selector.ts";
import { ConfigError } from "../provider/errors.ts";
import { pushedValue } from "../provider/push-value.ts";
import type { SecretValue } from "../provider/types.ts";
import { planForStore, validateDataToRefs, validateDataToSelectors, type PlanStore } from "../reconcilers/push-secret/plan.ts";
import { loadTemplateSources, renderTemplate } from "../template/index.ts";
import { MASKED } from "./masking.ts";
import { generatorReader, manifest, secretData, templateSources, type OfflineContext } from "./render-offline.ts";
import { generateFromRef } from "../generators/index.ts";
import type { Located } from "./render-manifests.ts";

export interface PlannedPush {
  store: string;
  remoteKey: string;
  property?: string;
  secretKey: string;
  source: string;
  value: string;
}

type Obj = Located["obj"];

async function sources(ps: PushSecret, ctx: OfflineContext, namespace: string): Promise<Array<{ name: string; data: Record<string, SecretValue> }>> {
  const selector = ps.spec.selector;
  if (selector.generatorRef) {
    // Generators that need nothing but their spec run here, as for ExternalSecrets: nothing leaves the process.
    const ref = selector.generatorRef;
    return [{ name: `${ref.kind}/${ref.name}`, data: await generateFromRef(ref, namespace, generatorReader(ctx)) }];
  }
  const name = selector.secret?.name;
  if (name) {
    const data = ctx.secrets.get(name) ?? (manifest(ctx, "Secret", name, namespace) ? secretData(manifest(ctx, "Secret", name, namespace)!) : undefined);
    if (!data) throw new ConfigError(`source secret ${name} is not in the manifests (pass --secret ${name}=KEY=FILE)`);
    return [{ name, data }];
  }
  if (selector.secret?.selector) {
    return ctx.objects
      .filter((m) => m.obj.kind === "Secret" && (m.obj.metadata?.namespace ?? ctx.namespace) === namespace && matchesSelector(selector.secret!.selector!, (m.obj.metadata?.labels as Record<string, string>) ?? {}))
      .map((m) => ({ name: m.obj.metadata!.name!, data: secretData(m.obj) }));
  }
  throw new ConfigError("no secret selector provided");
}

function stores(ps: PushSecret, ctx: OfflineContext, namespace: string): PlanStore[] {
  const out: PlanStore[] = [];
  for (const ref of ps.spec.secretStoreRefs) {
    const kind = ref.kind ?? "SecretStore";
    const inScope = (m: Located) => m.obj.kind === kind && (kind === "ClusterSecretStore" || (m.obj.metadata?.namespace ?? ctx.namespace) === namespace);
    const found = ref.labelSelector
      ? ctx.objects.filter((m) => inScope(m) && matchesSelector(ref.labelSelector!, (m.obj.metadata?.labels as Record<string, string>) ?? {}))
      : ctx.objects.filter((m) => inScope(m) && m.obj.metadata?.name === ref.name);
    if (!ref.labelSelector && found.length === 0) throw new ConfigError(`${kind} ${ref.name} is not in the manifests`);
    for (const m of found) out.push({ kind, name: m.obj.metadata!.name!, labels: (m.obj.metadata?.labels as Record<string, string>) ?? {} });
  }
  return out;
}

export async function renderPushOffline(obj: Obj, ctx: OfflineContext, showValues: boolean): Promise<PlannedPush[]> {
  const ps = { ...obj, spec: PushSecretSpec.parse(obj.spec) } as PushSecret;
  const namespace = obj.metadata?.namespace ?? ctx.namespace;
  validateDataToRefs(ps.spec);
  const targets = stores(ps, ctx, namespace);
  validateDataToSelectors(ps.spec, targets);
  const out: PlannedPush[] = [];
  const loaded = await loadTemplateSources(ps.spec.template, templateSources(ctx, namespace));
  for (const source of await sources(ps, ctx, namespace)) {
    const data = ps.spec.template ? renderTemplate(ps.spec.template, source.data, loaded).data : source.data;
    for (const store of targets) {
      for (const { request } of await planForStore(ps.spec, store, data, `${namespace}/${obj.metadata?.name}`)) {
        const value = showValues ? Buffer.from(pushedValue(request)).toString("utf8") : MASKED;
        const { remoteKey, property } = request.remoteRef;
        out.push({ store: `${store.kind}/${store.name}`, remoteKey, ...(property ? { property } : {}), secretKey: request.secretKey ?? "", source: source.name, value });
      }
    }
  }
  return out;
}
