// Stakater Reloader's workload annotations, for Secrets (issue 19), read as Reloader reads them (its
// common.ShouldReload and handler.getContainerUsingResource), so manifests written for Reloader work without it:
// - `secret.reloader.stakater.com/reload: "a,b"`: restart when one of these Secrets changes. Each entry is a Go
//   regexp anchored at both ends, as in Reloader; compiled with our RE2 port (linear time: the annotation is
//   tenant input). An entry Go rejects is skipped, as Reloader skips it.
// - `reloader.stakater.com/auto` / `secret.reloader.stakater.com/auto` (Go's strconv.ParseBool true): restart
//   when a Secret the pod template uses (env, envFrom, a mounted secret or projected volume, in a container or
//   init container) changes.
// - `reloader.stakater.com/search: "true"` with `reloader.stakater.com/match: "true"` on the Secret: likewise,
//   for the Secrets that opt in.
// - `secrets.exclude.reloader.stakater.com/reload: "a,b"` (exact names) and `reloader.stakater.com/ignore: "true"`
//   on the Secret opt out.
// The annotations are read from the workload's metadata, or, when it has none of them, from its pod template.
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { GoRegexp } from "../../regexp/index.ts";
import type { Workload } from "../../kube/workloads.ts";

export const ReloaderAnnotation = {
  reload: "secret.reloader.stakater.com/reload",
  auto: "reloader.stakater.com/auto",
  secretAuto: "secret.reloader.stakater.com/auto",
  search: "reloader.stakater.com/search",
  match: "reloader.stakater.com/match",
  ignore: "reloader.stakater.com/ignore",
  exclude: "secrets.exclude.reloader.stakater.com/reload",
} as const;

const OPT_IN = [ReloaderAnnotation.reload, ReloaderAnnotation.auto, ReloaderAnnotation.secretAuto, ReloaderAnnotation.search];

/** A Secret as the rule sees it: its name and annotations (never its data). */
export interface SecretInfo {
  name: string;
  annotations: Record<string, string>;
}

export interface ReloaderRule {
  /** Whether a change of `secret` restarts the workload. */
  reloadsOn(secret: SecretInfo): boolean;
}

/** Go's strconv.ParseBool, true side. */
const parseBoolTrue = (value: string | undefined): boolean => value !== undefined && ["1", "t", "T", "TRUE", "true", "True"].includes(value);

const splitList = (value: string | undefined): string[] => (value === undefined || value === "" ? [] : value.split(",").map((entry) => entry.trim()));

/** The workload's Reloader rule for Secrets, or undefined when it carries none of Reloader's opt-in annotations. */
export function reloaderRule(workload: Workload): ReloaderRule | undefined {
  const optedIn = (annotations: Record<string, string>) => OPT_IN.some((key) => key in annotations);
  const annotations = optedIn(workload.annotations) ? workload.annotations : optedIn(workload.templateAnnotations) ? workload.templateAnnotations : undefined;
  if (!annotations) return undefined;
  // As Reloader: the exclusion list is read from the workload's own metadata only.
  const excluded = new Set(splitList(workload.annotations[ReloaderAnnotation.exclude]));
  const named = splitList(annotations[ReloaderAnnotation.reload]).flatMap((entry) => {
    try {
      return [GoRegexp.compile(`^${entry}$`)];
    } catch {
      return [];
    }
  });
  const auto = parseBoolTrue(annotations[ReloaderAnnotation.auto]) || parseBoolTrue(annotations[ReloaderAnnotation.secretAuto]);
  const search = annotations[ReloaderAnnotation.search] === "true";
  let used: Set<string> | undefined;
  const uses = (name: string) => (used ??= secretsUsedBy(workload.podSpec)).has(name);
  return {
    reloadsOn(secret) {
      if (secret.annotations[ReloaderAnnotation.ignore] === "true" || excluded.has(secret.name)) return false;
      if (named.some((pattern) => pattern.test(secret.name))) return true;
      if (search && secret.annotations[ReloaderAnnotation.match] === "true" && uses(secret.name)) return true;
      return auto && uses(secret.name);
    },
  };
}

/** Names of the Secrets a pod spec uses: env and envFrom of every container and init container, and volumes they mount. */
export function secretsUsedBy(spec: V1PodSpec | undefined): Set<string> {
  const used = new Set<string>();
  if (!spec) return used;
  const containers: V1Container[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  for (const container of containers) {
    for (const env of container.env ?? []) if (env.valueFrom?.secretKeyRef?.name) used.add(env.valueFrom.secretKeyRef.name);
    for (const from of container.envFrom ?? []) if (from.secretRef?.name) used.add(from.secretRef.name);
  }
  // A volume counts only when a container mounts it, as in Reloader.
  const mounted = new Set(containers.flatMap((container) => (container.volumeMounts ?? []).map((mount) => mount.name)));
  for (const volume of spec.volumes ?? []) {
    if (!mounted.has(volume.name)) continue;
    if (volume.secret?.secretName) used.add(volume.secret.secretName);
    for (const source of volume.projected?.sources ?? []) if (source.secret?.name) used.add(source.secret.name);
  }
  return used;
}
