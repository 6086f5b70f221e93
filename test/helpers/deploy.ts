// Renders deploy/ with the real helm and kustomize CLIs (cached by the bench set-up) for the deploy tests.
import { execFileSync } from "node:child_process";
import type { KubernetesObject } from "@kubernetes/client-node";
import { cachedTool, KUBE_VERSION } from "../bench/binaries.ts";
import { parseManifests } from "../../src/kube/apply.ts";

export const REPO = new URL("../../", import.meta.url).pathname;
export const CHART = `${REPO}deploy/charts/secrets-bridge`;

export function helm(args: string[]): string {
  return execFileSync(cachedTool("helm"), args, { cwd: REPO, encoding: "utf8", env: { ...process.env, HELM_CACHE_HOME: "/tmp/sb-helm-cache", HELM_CONFIG_HOME: "/tmp/sb-helm-config" } });
}

export function helmTemplate(namespace: string, set: string[] = [], release = "secrets-bridge"): KubernetesObject[] {
  // A `go install`ed helm does not know the Kubernetes version it would talk to: name the bench's.
  return parseManifests(helm(["template", release, CHART, "--namespace", namespace, "--kube-version", KUBE_VERSION, ...set.flatMap((s) => ["--set", s])]));
}

export function kustomizeBuild(dir = `${REPO}deploy/kustomize`): KubernetesObject[] {
  return parseManifests(execFileSync(cachedTool("kustomize"), ["build", dir], { encoding: "utf8" }));
}

export const idOf = (obj: KubernetesObject) => `${obj.kind}/${obj.metadata?.namespace ?? ""}/${obj.metadata?.name}`;
