// Test-side access to the bench's OpenBao: root API calls, store specs pointing at it, login counts from
// its audit log, ServiceAccounts allowed to log in, a restart, and the leak check every vault test runs.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { peerStatePath, peerState, kubeConfig } from "./bench.ts";
import { stopProcess } from "../bench/proc.ts";
import { baoApi } from "../bench/peers/openbao/admin.ts";
import type { BaoEndpoint } from "../bench/peers/openbao/admin.ts";
import { endpointOf, launchOpenBao } from "../bench/peers/openbao/peer.ts";
import type { OpenBaoState } from "../bench/peers/openbao/peer.ts";
import { provision } from "../bench/peers/openbao/provision.ts";
import { existsSync } from "node:fs";
import type { TestOperator } from "./operator.ts";
import { kube } from "./operator.ts";

export { baoApi, enableAuth, mountKv, writeKv, writePolicy } from "../bench/peers/openbao/admin.ts";
export { configureJwtAuth, configureKubernetesAuth } from "../bench/peers/openbao/provision.ts";

export const openbaoState = (): OpenBaoState => peerState<OpenBaoState>("openbao");
export const bao = (): BaoEndpoint => endpointOf(openbaoState());

/** A unique name for a mount or role of one test file. */
export const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex")}`;

/** The connection half of a vault store spec (server + the dev-TLS CA). */
export function vaultServer(): { server: string; caBundle: string } {
  const state = openbaoState();
  return { server: state.addr, caBundle: readFileSync(state.caPemPath).toString("base64") };
}

/** One request entry of OpenBao's file audit device (strings in auth and data are HMAC'd, paths are not). */
export interface AuditRequest {
  type?: string;
  auth?: { display_name?: string; metadata?: Record<string, string> };
  request?: { path?: string; operation?: string };
}

/** Requests OpenBao's audit device recorded, optionally only those whose path (and entry) match. */
export function auditRequests(match: (path: string, entry: AuditRequest) => boolean = () => true): number {
  const text = readFileSync(openbaoState().auditLogPath, "utf8");
  let count = 0;
  for (const line of text.split("\n")) {
    if (!line) continue;
    const entry = JSON.parse(line) as AuditRequest;
    if (entry.type === "request" && match(entry.request?.path ?? "", entry)) count++;
  }
  return count;
}

/** Logins OpenBao saw on the auth mount `mountPath` (e.g. "approle-1a2b3c"); userpass logins end in /<user>. */
export const loginCount = (mountPath: string) => auditRequests((path) => path === `auth/${mountPath}/login` || path.startsWith(`auth/${mountPath}/login/`));

/** Token operations (renew-self, revoke-self, lookup-self) OpenBao saw, optionally only with tokens of one AppRole role. */
export const tokenOps = (op: "renew-self" | "revoke-self" | "lookup-self", approleRole?: string) =>
  auditRequests((path, entry) => path === `auth/token/${op}` && (approleRole === undefined || entry.auth?.metadata?.["role_name"] === approleRole));

/** A ServiceAccount that may log in with Kubernetes auth: OpenBao reviews its token with the token itself. */
export async function reviewableServiceAccount(namespace: string, name: string): Promise<void> {
  const { core } = kube();
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const rbac = kubeConfig().makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: `${namespace}-${name}-auth-delegator` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
  });
}

/**
 * Stops OpenBao and starts it again on the same port. Dev mode keeps everything in memory, so the
 * server comes back empty: the peer's provisioning runs again and the caller re-seeds its own data.
 * Every token issued before is gone, as after a real restore-from-nothing.
 */
export async function stopOpenBao(): Promise<void> {
  const state = openbaoState();
  await stopProcess(state.pid, state.args);
}

export async function startOpenBaoAgain(): Promise<void> {
  const state = openbaoState();
  const pid = await launchOpenBao(state);
  const next = { ...state, pid };
  for (const runner of [process.ppid, process.pid]) {
    const path = peerStatePath(runner, "openbao");
    if (existsSync(path)) writeFileSync(path, `${JSON.stringify(next, null, 2)}\n`);
  }
  await provision(endpointOf(next), next.kube);
}

/** Asserts that no planted value shows up in the operator's logs, the namespace's Events or any ExternalSecret status. */
export async function assertNoLeaks(op: TestOperator, namespace: string, values: string[]): Promise<void> {
  const k = kube();
  const list = (await k.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace, plural: "externalsecrets" })) as {
    items: Array<{ status?: unknown }>;
  };
  const statuses = JSON.stringify(list.items.map((item) => item.status ?? {}));
  const events = await k.events(namespace);
  const logs = op.logs();
  assert.ok(logs.length > 0, "the operator logged nothing: the leak check would prove nothing");
  for (const value of values) {
    assert.ok(!logs.includes(value), `a planted value appears in the operator's logs`);
    assert.ok(!events.includes(value), `a planted value appears in an Event`);
    assert.ok(!statuses.includes(value), `a planted value appears in an ExternalSecret status`);
  }
}
