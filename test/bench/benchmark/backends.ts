// Where the benchmark's 100 remote keys live, how a ClusterSecretStore reaches them, and how provider calls
// are counted: `fake` (the store's own counter, read from the operator's metrics) or `aws` (the real moto
// bench peer, counted at its request-logging proxy: the provider side).
import { SecretsManagerClient, CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { KubeBench } from "../kube-bench.ts";
import { peer as motoPeer, MOTO_REGION, MOTO_TEST_KEYS, type MotoState } from "../peers/moto/peer.ts";
import { inBatches, type ClusterView } from "./cluster.ts";
import { sumSeries } from "./prom.ts";
import type { OperatorProcess } from "./operator-process.ts";
import { mkdirSync, readFileSync } from "node:fs";
import { peer as openbaoPeer, endpointOf, type OpenBaoState } from "../peers/openbao/peer.ts";
import { mountKv, writeKv } from "../peers/openbao/admin.ts";
import { join } from "node:path";

export interface Backend {
  name: string;
  /** spec of the ClusterSecretStore the benchmark's ExternalSecrets use. */
  storeSpec(values: (key: number) => string): Promise<Record<string, unknown>>;
  /** Changes one key's value at the provider; returns true when the store spec must be re-applied instead. */
  rotate(key: number, value: string): Promise<boolean>;
  /** Provider reads so far, counted as close to the provider as the backend allows. */
  providerCalls(operator: OperatorProcess): Promise<number>;
  /** Provider writes so far (PushSecret: creates, updates, tags, deletes), counted like providerCalls. */
  providerWrites(operator: OperatorProcess): Promise<number>;
  /** Whether the count survives an operator restart (counted at the provider) or restarts at zero (its metrics). */
  countsSurviveRestart: boolean;
  stop(): Promise<void>;
}

export function fakeBackend(keys: number): Backend {
  return {
    name: "fake",
    countsSurviveRestart: false,
    async storeSpec(values) {
      return { provider: { fake: { data: Array.from({ length: keys }, (_, i) => ({ key: `key-${i}`, value: values(i) })) } } };
    },
    async rotate() {
      return true;
    },
    async providerCalls(operator) {
      return sumSeries(await operator.metrics(), "externalsecret_provider_api_calls_count", { call: /^(?!PushSecret$|DeleteSecret$)/ });
    },
    async providerWrites(operator) {
      return sumSeries(await operator.metrics(), "externalsecret_provider_api_calls_count", { call: /^(PushSecret|DeleteSecret)$/ });
    },
    async stop() {},
  };
}

export async function awsBackend(keys: number, kube: KubeBench, cluster: ClusterView, dir: string): Promise<Backend> {
  const peerDir = join(dir, "moto");
  mkdirSync(peerDir, { recursive: true });
  const state: MotoState = await motoPeer.start({ dir: peerDir, kube, log: () => {} });
  const sm = new SecretsManagerClient({ endpoint: state.moto.endpoint, region: MOTO_REGION, credentials: MOTO_TEST_KEYS });
  await inBatches(Array.from({ length: keys }, (_, i) => i), 8, (i) => sm.send(new CreateSecretCommand({ Name: `key-${i}`, SecretString: `value-${i}` })));
  const credsNamespace = "bench-aws-credentials";
  await cluster.core.createNamespace({ body: { metadata: { name: credsNamespace } } }).catch(() => undefined);
  await cluster.core
    .createNamespacedSecret({ namespace: credsNamespace, body: { metadata: { name: "aws" }, stringData: { "access-key-id": MOTO_TEST_KEYS.accessKeyId, "secret-access-key": MOTO_TEST_KEYS.secretAccessKey } } })
    .catch(() => undefined);
  const requests = async () => (await (await fetch(`${state.proxy.endpoint}/__bench/requests`)).json()) as Array<{ op: string; ids: string[] }>;
  const WRITE_OPS = /^secretsmanager\.(CreateSecret|PutSecretValue|TagResource|UntagResource|DeleteSecret)$/;
  const reads = async () => (await requests()).filter((r) => r.op.startsWith("secretsmanager.") && !WRITE_OPS.test(r.op)).length;
  const writes = async () => (await requests()).filter((r) => WRITE_OPS.test(r.op)).length;
  return {
    name: "aws (moto)",
    countsSurviveRestart: true,
    async storeSpec() {
      const ref = (key: string) => ({ name: "aws", key, namespace: credsNamespace });
      return {
        provider: {
          aws: {
            service: "SecretsManager",
            region: MOTO_REGION,
            endpoints: { secretsManager: state.endpoint, sts: state.endpoint },
            auth: { secretRef: { accessKeyIDSecretRef: ref("access-key-id"), secretAccessKeySecretRef: ref("secret-access-key") } },
          },
        },
      };
    },
    async rotate(key, value) {
      await sm.send(new PutSecretValueCommand({ SecretId: `key-${key}`, SecretString: value }));
      return false;
    },
    providerCalls: () => reads(),
    providerWrites: () => writes(),
    async stop() {
      sm.destroy();
      await motoPeer.stop(state);
    },
  };
}

/** Vault API on the OpenBao peer: KV v2 reads counted from OpenBao's own audit log (the provider side). */
export async function vaultBackend(keys: number, kube: KubeBench, cluster: ClusterView, dir: string): Promise<Backend> {
  const peerDir = join(dir, "openbao");
  mkdirSync(peerDir, { recursive: true });
  const state: OpenBaoState = await openbaoPeer.start({ dir: peerDir, kube, log: () => {} });
  const bao = endpointOf(state);
  await mountKv(bao, "bench", "2");
  await inBatches(Array.from({ length: keys }, (_, i) => i), 8, (i) => writeKv(bao, "bench", `key-${i}`, { value: `value-${i}` }));
  const credsNamespace = "bench-vault-credentials";
  await cluster.core.createNamespace({ body: { metadata: { name: credsNamespace } } }).catch(() => undefined);
  await cluster.core.createNamespacedSecret({ namespace: credsNamespace, body: { metadata: { name: "vault" }, stringData: { token: state.rootToken } } }).catch(() => undefined);
  const requests = (operation: RegExp, path: RegExp) =>
    readFileSync(state.auditLogPath, "utf8")
      .split("\n")
      .filter((line) => line.includes('"type":"request"') && operation.test(line) && path.test(line)).length;
  // Reads only: the benchmark's own writes (seeding, rotation) are not the operator's calls.
  const reads = () => requests(/"operation":"read"/, /"path":"bench\/data\//);
  // Writes under push/: only PushSecrets write there (the benchmark seeds and rotates key-N).
  const writes = () => requests(/"operation":"(create|update|delete)"/, /"path":"bench\/(data|metadata)\/push-/);
  return {
    name: "vault (OpenBao)",
    countsSurviveRestart: true,
    async storeSpec() {
      return {
        provider: {
          vault: {
            server: state.addr,
            path: "bench",
            version: "v2",
            caBundle: readFileSync(state.caPemPath).toString("base64"),
            auth: { tokenSecretRef: { name: "vault", key: "token", namespace: credsNamespace } },
          },
        },
      };
    },
    async rotate(key, value) {
      await writeKv(bao, "bench", `key-${key}`, { value });
      return false;
    },
    providerCalls: async () => reads(),
    providerWrites: async () => writes(),
    async stop() {
      await openbaoPeer.stop(state);
    },
  };
}
