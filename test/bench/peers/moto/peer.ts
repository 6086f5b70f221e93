// Bench peer: moto's server (Secrets Manager, SSM, STS, IAM) on 127.0.0.1 behind a counting proxy
// (counting-proxy.ts) that logs which operations the operator sends. Stores point at the proxy; test set-up
// talks to moto directly so it never shows in the counts. State: both pids, ports and endpoints.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { SETUP_COMMAND, benchCacheDir } from "../../binaries.ts";
import type { BenchPeer } from "../../peers.ts";
import { spawnDetached, stopProcess, waitUntil } from "../../proc.ts";
import { freePort } from "../../proc.ts";

export const MOTO_VERSION = "5.2.1";
export const MOTO_REGION = "eu-west-1";
/** moto accepts any keys while auth is off; these are what the demo's credentials Secret holds. */
export const MOTO_TEST_KEYS = { accessKeyId: "AKIABENCHTESTKEY0001", secretAccessKey: "bench-test-secret-access-key" } as const;

export interface MotoState {
  moto: { pid: number; args: string[]; port: number; endpoint: string; logPath: string };
  proxy: { pid: number; args: string[]; port: number; endpoint: string; logPath: string };
  /** What stores use: the proxy's URL. */
  endpoint: string;
}

function motoPython(): string {
  const record = join(benchCacheDir(), "bin", `moto-${MOTO_VERSION}.python`);
  const python = existsSync(record) ? readFileSync(record, "utf8").trim() : "";
  if (!python || !existsSync(python)) throw new Error(`moto ${MOTO_VERSION} is not installed (no ${record}): run \`${SETUP_COMMAND}\``);
  return python;
}


const answers = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;

async function seedDemo(endpoint: string): Promise<void> {
  const config = { endpoint, region: MOTO_REGION, credentials: MOTO_TEST_KEYS };
  const sm = new SecretsManagerClient(config);
  const ssm = new SSMClient(config);
  const password = `demo-${randomBytes(6).toString("hex")}`;
  await sm.send(new CreateSecretCommand({ Name: "demo/db", SecretString: JSON.stringify({ username: "demo", password }), Tags: [{ Key: "team", Value: "demo" }] }));
  await sm.send(new CreateSecretCommand({ Name: "demo/api-token", SecretString: `token-${randomBytes(6).toString("hex")}`, Tags: [{ Key: "team", Value: "demo" }] }));
  await ssm.send(new PutParameterCommand({ Name: "/demo/feature-flag", Value: "on", Type: "String" }));
  sm.destroy();
  ssm.destroy();
}

export const peer: BenchPeer<MotoState> = {
  name: "moto",
  async start(ctx) {
    const python = motoPython();
    const [motoPort, proxyPort] = [await freePort(), await freePort()];
    const motoArgs = ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(motoPort)];
    const motoLog = join(ctx.dir, "moto.log");
    const motoEndpoint = `http://127.0.0.1:${motoPort}`;
    const motoChild = spawnDetached(python, motoArgs, motoLog);
    ctx.log(`moto ${MOTO_VERSION} starting on ${motoEndpoint}`);
    try {
      await waitUntil({ what: "moto", probe: answers(`${motoEndpoint}/moto-api/data.json`), child: motoChild, logPath: motoLog, timeoutMs: 60_000 });
    } catch (err) {
      await stopProcess(motoChild.pid!, motoArgs, 5_000);
      throw err;
    }
    const proxyScript = fileURLToPath(new URL("./counting-proxy.ts", import.meta.url));
    const proxyArgs = [proxyScript, String(proxyPort), motoEndpoint];
    const proxyLog = join(ctx.dir, "proxy.log");
    const proxyEndpoint = `http://127.0.0.1:${proxyPort}`;
    const proxyChild = spawnDetached(process.execPath, proxyArgs, proxyLog);
    try {
      await waitUntil({ what: "the moto counting proxy", probe: answers(`${proxyEndpoint}/__bench/requests`), child: proxyChild, logPath: proxyLog, timeoutMs: 30_000 });
      await seedDemo(motoEndpoint);
    } catch (err) {
      await stopProcess(proxyChild.pid!, proxyArgs, 5_000);
      await stopProcess(motoChild.pid!, motoArgs, 5_000);
      throw err;
    }
    ctx.log(`counting proxy on ${proxyEndpoint}`);
    return {
      moto: { pid: motoChild.pid!, args: motoArgs, port: motoPort, endpoint: motoEndpoint, logPath: motoLog },
      proxy: { pid: proxyChild.pid!, args: proxyArgs, port: proxyPort, endpoint: proxyEndpoint, logPath: proxyLog },
      endpoint: proxyEndpoint,
    };
  },
  async stop(state) {
    await stopProcess(state.proxy.pid, state.proxy.args, 5_000);
    await stopProcess(state.moto.pid, state.moto.args, 5_000);
  },
  demoManifests(state): KubernetesObject[] {
    const meta = (name: string) => ({ name, namespace: "demo" });
    const endpoints = { secretsManager: state.endpoint, ssm: state.endpoint, sts: state.endpoint };
    const auth = {
      secretRef: {
        accessKeyIDSecretRef: { name: "aws-credentials", key: "access-key-id" },
        secretAccessKeySecretRef: { name: "aws-credentials", key: "secret-access-key" },
      },
    };
    const store = (name: string, service: string) =>
      ({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: meta(name), spec: { provider: { aws: { service, region: MOTO_REGION, auth, endpoints } } } }) as KubernetesObject;
    const es = (name: string, spec: Record<string, unknown>) =>
      ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: meta(name), spec: { refreshInterval: "15s", ...spec } }) as KubernetesObject;
    return [
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: meta("aws-credentials"),
        stringData: { "access-key-id": MOTO_TEST_KEYS.accessKeyId, "secret-access-key": MOTO_TEST_KEYS.secretAccessKey },
      } as KubernetesObject,
      store("aws-sm", "SecretsManager"),
      store("aws-ps", "ParameterStore"),
      es("aws-db", {
        secretStoreRef: { name: "aws-sm", kind: "SecretStore" },
        data: [
          { secretKey: "username", remoteRef: { key: "demo/db", property: "username" } },
          { secretKey: "password", remoteRef: { key: "demo/db", property: "password" } },
          { secretKey: "api-token", remoteRef: { key: "demo/api-token" } },
        ],
      }),
      es("aws-team", { secretStoreRef: { name: "aws-sm", kind: "SecretStore" }, dataFrom: [{ find: { tags: { team: "demo" } } }] }),
      es("aws-flags", { secretStoreRef: { name: "aws-ps", kind: "SecretStore" }, data: [{ secretKey: "feature-flag", remoteRef: { key: "/demo/feature-flag" } }] }),
    ];
  },
};
