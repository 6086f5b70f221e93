// What the demo prints: each ExternalSecret's Ready status and its Secret's keys with values masked.
import type { V1Secret } from "@kubernetes/client-node";
import type { ClusterExternalSecret } from "../api/cluster-external-secret.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import { resolvedTarget } from "../api/defaults.ts";
import { findCondition } from "../reconcilers/external-secret/conditions.ts";

/** "******** (12 bytes)": never the value, only its size. */
export function maskValue(base64: string): string {
  return `******** (${Buffer.from(base64, "base64").length} bytes)`;
}

export function renderDemoView(externalSecrets: ExternalSecret[], secrets: Map<string, V1Secret>, fanOuts: ClusterExternalSecret[] = []): string {
  const lines: string[] = [];
  for (const ces of [...fanOuts].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const ready = ces.status?.conditions?.find((condition) => condition.type === "Ready");
    lines.push(`ClusterExternalSecret ${ces.metadata.name}  Ready=${ready?.status ?? "Unknown"} (${ready?.reason ?? "pending"})  namespaces ${(ces.status?.provisionedNamespaces ?? []).join(", ") || "-"}`);
    if (ready?.status === "False" && ready.message) lines.push(`    ${ready.message}`);
  }
  for (const es of [...externalSecrets].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))) {
    const ready = findCondition(es.status?.conditions, "Ready");
    const target = resolvedTarget(es).name;
    lines.push(`ExternalSecret ${es.metadata.namespace}/${es.metadata.name}  Ready=${ready?.status ?? "Unknown"} (${ready?.reason ?? "pending"})  last sync ${es.status?.refreshTime ?? "-"}`);
    if (ready?.status === "False" && ready.message) lines.push(`    ${ready.message}`);
    const secret = secrets.get(`${es.metadata.namespace}/${target}`);
    if (!secret) {
      lines.push(`    Secret ${target}: not present`);
      continue;
    }
    lines.push(`    Secret ${target} (resourceVersion ${secret.metadata?.resourceVersion}):`);
    for (const key of Object.keys(secret.data ?? {}).sort()) lines.push(`      ${key} = ${maskValue(secret.data![key]!)}`);
  }
  return lines.join("\n");
}
