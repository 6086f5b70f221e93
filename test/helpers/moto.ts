// Test-side access to the moto bench peer: SDK clients that talk to moto directly (set-up never shows in the
// counts), the counting proxy's request log and fault injection, resets, IAM auth enforcement, and store specs
// that point the operator at the proxy.
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { IAMClient } from "@aws-sdk/client-iam";
import { peerState } from "./bench.ts";
import type { MotoState } from "../bench/peers/moto/peer.ts";
import { MOTO_REGION, MOTO_TEST_KEYS } from "../bench/peers/moto/peer.ts";
import type { Fault, ProxiedRequest } from "../bench/peers/moto/counting-proxy.ts";

export type { Fault, ProxiedRequest };
export { MOTO_REGION, MOTO_TEST_KEYS };

export interface Moto {
  state: MotoState;
  /** The proxy URL stores use. */
  endpoint: string;
  sm: SecretsManagerClient;
  ssm: SSMClient;
  iam: IAMClient;
  /** Wipes moto's data, turns IAM enforcement off and clears the proxy's log and faults. */
  reset(): Promise<void>;
  /** Requests the operator sent since the last reset/clearLog, optionally of one operation. */
  requests(op?: string): Promise<ProxiedRequest[]>;
  clearLog(): Promise<void>;
  /** Makes the next calls of an operation fail at the proxy (see Fault). */
  inject(faults: Fault[]): Promise<void>;
  /** moto enforces IAM (signatures and policies) from now on, or stops doing so. */
  enforceAuth(on: boolean): Promise<void>;
  close(): void;
}

async function post(url: string, body = ""): Promise<void> {
  const res = await fetch(url, { method: "POST", body });
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status}`);
}

export function moto(credentials: { accessKeyId: string; secretAccessKey: string } = MOTO_TEST_KEYS): Moto {
  const state = peerState<MotoState>("moto");
  const direct = { endpoint: state.moto.endpoint, region: MOTO_REGION, credentials };
  const sm = new SecretsManagerClient(direct);
  const ssm = new SSMClient(direct);
  const iam = new IAMClient({ ...direct, region: "us-east-1" });
  const proxy = state.proxy.endpoint;
  return {
    state,
    endpoint: state.endpoint,
    sm,
    ssm,
    iam,
    async reset() {
      await post(`${state.moto.endpoint}/moto-api/reset-auth`, "inf");
      await post(`${state.moto.endpoint}/moto-api/reset`);
      await post(`${proxy}/__bench/reset`);
    },
    async requests(op) {
      const res = await fetch(`${proxy}/__bench/requests`);
      const all = (await res.json()) as ProxiedRequest[];
      return op === undefined ? all : all.filter((r) => r.op === op);
    },
    clearLog: () => post(`${proxy}/__bench/reset`),
    inject: (faults) => post(`${proxy}/__bench/faults`, JSON.stringify(faults)),
    enforceAuth: (on) => post(`${state.moto.endpoint}/moto-api/reset-auth`, on ? "0" : "inf"),
    close() {
      sm.destroy();
      ssm.destroy();
      iam.destroy();
    },
  };
}

/** spec.provider for a store on the bench's moto (through the counting proxy). */
export function awsStoreSpec(endpoint: string, provider: Record<string, unknown>): { provider: { aws: Record<string, unknown> } } {
  return {
    provider: {
      aws: { service: "SecretsManager", region: MOTO_REGION, endpoints: { secretsManager: endpoint, ssm: endpoint, sts: endpoint }, ...provider },
    },
  };
}

/** auth.secretRef pointing at keys `access-key-id` / `secret-access-key` of Secret `name`. */
export function secretRefAuth(name: string): Record<string, unknown> {
  return {
    secretRef: {
      accessKeyIDSecretRef: { name, key: "access-key-id" },
      secretAccessKeySecretRef: { name, key: "secret-access-key" },
    },
  };
}

/** Ops of the counted requests, e.g. { "secretsmanager.GetSecretValue": 3 }. */
export function opCounts(requests: ProxiedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) out[r.op] = (out[r.op] ?? 0) + 1;
  return out;
}

/** How many secret ids were read (GetSecretValue counts 1, BatchGetSecretValue its ids). */
export function idsRead(requests: ProxiedRequest[]): number {
  return requests.filter((r) => r.op === "secretsmanager.GetSecretValue" || r.op === "secretsmanager.BatchGetSecretValue").reduce((n, r) => n + r.ids.length, 0);
}

/** The Secret `secretRefAuth(name)` points at, holding moto's test keys, in `namespace`. */
export async function createCredentialsSecret(namespace: string, name = "aws-creds"): Promise<void> {
  const { CoreV1Api } = await import("@kubernetes/client-node");
  const { kubeConfig } = await import("./bench.ts");
  await kubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: { "access-key-id": MOTO_TEST_KEYS.accessKeyId, "secret-access-key": MOTO_TEST_KEYS.secretAccessKey } } });
}
