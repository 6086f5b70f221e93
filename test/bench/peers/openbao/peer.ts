// OpenBao (the Vault API) as a bench peer: a dev server with a TLS listener on 127.0.0.1, a file audit device that
// tests read to count logins, a client CA for cert auth, and auth wired to the bench apiserver.
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { benchCacheDir, SETUP_COMMAND } from "../../binaries.ts";
import type { BenchPeer, PeerContext } from "../../peers.ts";
import { spawnDetached, stopProcess, waitUntil } from "../../proc.ts";
import { baoApi } from "./admin.ts";
import { DEMO_PASSWORD, DEMO_USER, provision } from "./provision.ts";
import { freePort } from "../../proc.ts";

export const OPENBAO_VERSION = process.env["OPENBAO_VERSION"] ?? "2.7.2";

export interface OpenBaoState {
  pid: number;
  args: string[];
  bin: string;
  addr: string;
  port: number;
  dir: string;
  caPemPath: string;
  rootToken: string;
  /** JSON lines, one per request and response (values HMAC'd by OpenBao). */
  auditLogPath: string;
  logPath: string;
  /** A client CA and a certificate it signed (EKU clientAuth), for cert auth. */
  clientCaPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  /** The bench apiserver, for re-provisioning after a restart. */
  kube: { server: string; caCertPath: string; saPubPath: string; issuer: string };
}

export function openBaoBinary(): string {
  const path = join(benchCacheDir(), "bin", `bao-${OPENBAO_VERSION}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`OpenBao ${OPENBAO_VERSION} is missing (${path}): run \`${SETUP_COMMAND}\``);
  }
  return path;
}


/**
 * A server CA and certificate for 127.0.0.1 (kept across restarts, unlike -dev-tls, which makes a new CA
 * at every start and so would break every store's caBundle), and a client CA with a certificate it signed
 * (EKU clientAuth) for cert auth.
 */
function benchPki(dir: string): void {
  if (existsSync(join(dir, "client.pem"))) return;
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-ca.key", "-out", "server-ca.pem", "-subj", "/CN=bench-openbao-ca", "-days", "7");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "server-ca.pem", "-CAkey", "server-ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "7", "-extfile", "server.ext");
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "client-ca.key", "-out", "client-ca.pem", "-subj", "/CN=bench-client-ca", "-days", "7");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=secrets-bridge");
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
  openssl("x509", "-req", "-in", "client.csr", "-CA", "client-ca.pem", "-CAkey", "client-ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "7", "-extfile", "client.ext");
}

/** Launches the dev server described by `state` (fresh or after a stop) and waits until it answers. */
export async function launchOpenBao(state: Omit<OpenBaoState, "pid">): Promise<number> {
  const child = spawnDetached(state.bin, state.args, state.logPath);
  await waitUntil({
    what: `OpenBao on ${state.addr}`,
    child,
    logPath: state.logPath,
    timeoutMs: 30_000,
    probe: async () => {
      if (!existsSync(state.caPemPath)) return false;
      const health = await baoApi({ addr: state.addr, caPem: readFileSync(state.caPemPath, "utf8"), rootToken: state.rootToken }, "GET", "sys/health");
      return health["initialized"] === true && health["sealed"] === false;
    },
  });
  return child.pid!;
}

export const endpointOf = (state: Pick<OpenBaoState, "addr" | "caPemPath" | "rootToken">) => ({ addr: state.addr, caPem: readFileSync(state.caPemPath, "utf8"), rootToken: state.rootToken });

export const peer: BenchPeer<OpenBaoState> = {
  name: "openbao",
  async start(ctx: PeerContext): Promise<OpenBaoState> {
    const bin = openBaoBinary();
    // The TLS listener everyone uses, its cluster port, and dev mode's own plain-HTTP listener (unused).
    const [port, clusterPort, devPort] = [await freePort(), await freePort(), await freePort()];
    const dir = ctx.dir;
    const auditLogPath = join(dir, "audit.log");
    const configPath = join(dir, "bench.hcl");
    benchPki(dir);
    // OpenBao 2.x only accepts audit devices from configuration, not from the API.
    writeFileSync(
      configPath,
      [
        `listener "tcp" {`,
        `  address = "127.0.0.1:${port}"`,
        `  cluster_address = "127.0.0.1:${clusterPort}"`,
        `  tls_cert_file = ${JSON.stringify(join(dir, "server.pem"))}`,
        `  tls_key_file = ${JSON.stringify(join(dir, "server.key"))}`,
        `}`,
        `audit "file" "bench" {`,
        `  options {`,
        `    file_path = ${JSON.stringify(auditLogPath)}`,
        `  }`,
        `}`,
        ``,
      ].join("\n"),
    );
    const rootToken = "root";
    const args = ["server", "-dev", `-dev-root-token-id=${rootToken}`, `-dev-listen-address=127.0.0.1:${devPort}`, "-dev-no-store-token", `-config=${configPath}`];
    const base = {
      args,
      bin,
      addr: `https://127.0.0.1:${port}`,
      port,
      dir,
      caPemPath: join(dir, "server-ca.pem"),
      rootToken,
      auditLogPath,
      logPath: join(dir, "openbao.log"),
      clientCaPath: join(dir, "client-ca.pem"),
      clientCertPath: join(dir, "client.pem"),
      clientKeyPath: join(dir, "client.key"),
      kube: { server: ctx.kube.server, caCertPath: ctx.kube.caCertPath, saPubPath: ctx.kube.saPubPath, issuer: ctx.kube.issuer },
    };
    ctx.log(`starting OpenBao ${OPENBAO_VERSION} on ${base.addr}`);
    const pid = await launchOpenBao(base);
    const state = { ...base, pid };
    try {
      await provision(endpointOf(state), state.kube);
    } catch (err) {
      await stopProcess(pid, args);
      throw err;
    }
    return state;
  },
  async stop(state) {
    await stopProcess(state.pid, state.args);
  },
  demoManifests(state): KubernetesObject[] {
    const caBundle = Buffer.from(readFileSync(state.caPemPath)).toString("base64");
    const ns = "demo";
    return [
      { apiVersion: "v1", kind: "Secret", metadata: { name: "openbao-demo-login", namespace: ns }, stringData: { password: DEMO_PASSWORD } } as KubernetesObject,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "openbao", namespace: ns },
        spec: { provider: { vault: { server: state.addr, path: "secret", version: "v2", caBundle, auth: { userPass: { path: "userpass", username: DEMO_USER, secretRef: { name: "openbao-demo-login", key: "password" } } } } } },
      } as KubernetesObject,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name: "openbao-database", namespace: ns },
        spec: {
          refreshInterval: "1m",
          secretStoreRef: { name: "openbao", kind: "SecretStore" },
          target: { name: "openbao-database" },
          data: [
            { secretKey: "username", remoteRef: { key: "demo/database", property: "username" } },
            { secretKey: "password", remoteRef: { key: "demo/database", property: "password" } },
            { secretKey: "host", remoteRef: { key: "demo/database", property: "config.host" } },
          ],
        },
      } as KubernetesObject,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name: "openbao-api", namespace: ns },
        spec: { refreshInterval: "1m", secretStoreRef: { name: "openbao", kind: "SecretStore" }, target: { name: "openbao-api" }, dataFrom: [{ extract: { key: "demo/api" } }] },
      } as KubernetesObject,
    ];
  },
};
