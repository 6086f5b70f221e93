// Starts a real etcd + kube-apiserver pair on 127.0.0.1 (envtest-style, no controller-manager) for
// integration tests and the demo. No test-framework imports: src/ uses this too.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { request as httpGet } from "node:http";
import { request as httpsGet } from "node:https";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { binaryPath } from "./binaries.ts";
import { generatePki, pkiPaths } from "./pki.ts";
import { spawnDetached, stopProcess, waitUntil } from "./proc.ts";

/** A running bench. Plain data (JSON-serialisable) so another process can stop or restart it. */
export type KubeBench = {
  dir: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** Admin kubeconfig (system:masters) with the CA and client cert embedded. */
  kubeconfigPath: string;
  caCertPath: string;
  saKeyPath: string;
  saPubPath: string;
  /** Service-account token issuer (equals `server`). */
  issuer: string;
  etcdPid: number;
  apiserverPid: number;
  /** argv[1..] of each process; also how stop/restart recognise the pids as theirs. */
  apiserverArgs: string[];
  etcdArgs: string[];
};

export type KubeBenchOptions = {
  /** Working directory (created if missing): PKI, etcd data, logs and the kubeconfig go here. */
  dir: string;
  /** Ports default to free ones picked at run time. */
  etcdPort?: number;
  etcdPeerPort?: number;
  apiPort?: number;
  /** Extra kube-apiserver flags appended after the defaults (a later flag wins), e.g. feature gates. */
  extraApiserverArgs?: string[];
  /** Progress messages; silent by default. */
  log?: (msg: string) => void;
  /** How long to wait for etcd health and apiserver /readyz each; default 120 s (a start takes ~3 s on 2 cores). */
  readyTimeoutMs?: number;
};

const DEFAULT_READY_TIMEOUT_MS = 120_000;

/**
 * Starts etcd and kube-apiserver and resolves once /readyz answers 200. Throws
 * BenchBinaryMissingError when a binary is missing, or an error naming the log file when a peer
 * exits or is not ready in time; whatever it started is stopped before it throws.
 */
export async function startKubeBench(opts: KubeBenchOptions): Promise<KubeBench> {
  const log = opts.log ?? ((): void => {});
  const timeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const dir = resolve(opts.dir);
  const etcdBin = binaryPath("etcd");
  const apiserverBin = binaryPath("kube-apiserver");
  await mkdir(dir, { recursive: true });

  log(`generating PKI in ${dir}/pki`);
  const pki = await generatePki(dir);
  const [etcdPort, etcdPeerPort, apiPort] = await freePorts(opts.etcdPort, opts.etcdPeerPort, opts.apiPort);
  const server = `https://127.0.0.1:${apiPort}`;
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;

  const etcdArgs = [
    "--name", "bench", "--data-dir", join(dir, "etcd-data"),
    "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
    "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
    "--initial-cluster", `bench=${peerUrl}`,
    // Test data is disposable; skipping fsync makes every write several times faster.
    "--unsafe-no-fsync", "--logger=zap",
  ];
  // Flags as controller-runtime's envtest passes them, minus what needs other components.
  const apiserverArgs = [
    `--etcd-servers=${etcdUrl}`, "--etcd-prefix=/registry",
    "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", `--secure-port=${apiPort}`,
    `--cert-dir=${pki.dir}`, `--tls-cert-file=${pki.servingCertPath}`,
    `--tls-private-key-file=${pki.servingKeyPath}`, `--client-ca-file=${pki.caCertPath}`,
    `--service-account-issuer=${server}`, `--service-account-key-file=${pki.saPubPath}`,
    `--service-account-signing-key-file=${pki.saKeyPath}`,
    "--service-cluster-ip-range=10.0.0.0/24", "--authorization-mode=RBAC", "--allow-privileged=true",
    // No controller-manager creates default ServiceAccounts, so this plugin would reject every pod.
    "--disable-admission-plugins=ServiceAccount",
    // The default reconciler retries every 10 s to publish 127.0.0.1 as the `kubernetes` Service's
    // endpoint, which is rejected (loopback): it only adds error logs and requests to the counters.
    "--endpoint-reconciler-type=none",
    ...(opts.extraApiserverArgs ?? []),
  ];

  const bench: KubeBench = {
    dir, server, kubeconfigPath: join(dir, "kubeconfig"), caCertPath: pki.caCertPath,
    saKeyPath: pki.saKeyPath, saPubPath: pki.saPubPath, issuer: server,
    etcdPid: 0, apiserverPid: 0, apiserverArgs, etcdArgs,
  };
  try {
    log(`starting etcd on ${etcdUrl} (${etcdBin})`);
    const etcd = start(etcdBin, etcdArgs, join(dir, "etcd.log"));
    bench.etcdPid = etcd.pid;
    await waitUntil({ what: "etcd", probe: () => etcdHealthy(etcdUrl), child: etcd.child,
      logPath: join(dir, "etcd.log"), timeoutMs });

    log(`starting kube-apiserver on ${server} (${apiserverBin})`);
    bench.apiserverPid = await startApiserver(bench, apiserverBin, timeoutMs);
    await writeKubeconfig(bench);
    log(`bench ready: ${server}, kubeconfig ${bench.kubeconfigPath}`);
    return bench;
  } catch (err) {
    await stopKubeBench(bench);
    throw err;
  }
}

/** Stops exactly the recorded pids (apiserver first, then etcd) and waits until both are gone. */
export async function stopKubeBench(b: KubeBench): Promise<void> {
  if (b.apiserverPid) await stopProcess(b.apiserverPid, b.apiserverArgs);
  if (b.etcdPid) await stopProcess(b.etcdPid, b.etcdArgs);
}

/**
 * Stops the apiserver only and starts it again with the same args (same port, same etcd, so the
 * data survives). Resolves with the record carrying the new pid; the caller persists it.
 */
export async function restartApiserver(b: KubeBench, readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<KubeBench> {
  await stopProcess(b.apiserverPid, b.apiserverArgs);
  const next = { ...b, apiserverPid: 0 };
  next.apiserverPid = await startApiserver(next, binaryPath("kube-apiserver"), readyTimeoutMs);
  return next;
}

async function startApiserver(b: KubeBench, bin: string, timeoutMs: number): Promise<number> {
  const logPath = join(b.dir, "apiserver.log");
  const { child, pid } = start(bin, b.apiserverArgs, logPath);
  try {
    await waitUntil({ what: "kube-apiserver", probe: () => readyz(b), child, logPath, timeoutMs });
  } catch (err) {
    await stopProcess(pid, b.apiserverArgs);
    throw err;
  }
  return pid;
}

function start(bin: string, args: string[], logPath: string): { child: ChildProcess; pid: number } {
  const child = spawnDetached(bin, args, logPath);
  if (child.pid === undefined) throw new Error(`could not start ${bin}; see ${logPath}`);
  return { child, pid: child.pid };
}

/** Picks free 127.0.0.1 ports for the unset entries, holding all listeners open so they differ. */
async function freePorts(...wanted: (number | undefined)[]): Promise<number[]> {
  const servers = await Promise.all(wanted.map((w) => w !== undefined ? undefined : new Promise<ReturnType<typeof createServer>>((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => ok(s));
  })));
  const ports = servers.map((s, i) => {
    const addr = s?.address();
    return addr && typeof addr === "object" ? addr.port : (wanted[i] as number);
  });
  await Promise.all(servers.map((s) => s && new Promise((ok) => s.close(ok))));
  return ports;
}

function etcdHealthy(url: string): Promise<boolean> {
  return new Promise((ok) => {
    const req = httpGet(`${url}/health`, { timeout: 2000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => ok(res.statusCode === 200 && body.includes('"true"')));
    });
    req.on("error", () => ok(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

function readyz(b: KubeBench): Promise<boolean> {
  const pki = pkiPaths(b.dir);
  return new Promise((ok) => {
    const req = httpsGet(`${b.server}/readyz`, {
      ca: readFileSync(pki.caCertPath), cert: readFileSync(pki.adminCertPath),
      key: readFileSync(pki.adminKeyPath), timeout: 2000,
    }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode === 200));
    });
    req.on("error", () => ok(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

async function writeKubeconfig(b: KubeBench): Promise<void> {
  const pki = pkiPaths(b.dir);
  const b64 = (path: string): string => readFileSync(path).toString("base64");
  const config = {
    apiVersion: "v1", kind: "Config", "current-context": "bench",
    clusters: [{ name: "bench", cluster: { server: b.server, "certificate-authority-data": b64(pki.caCertPath) } }],
    users: [{ name: "admin", user: {
      "client-certificate-data": b64(pki.adminCertPath), "client-key-data": b64(pki.adminKeyPath),
    } }],
    contexts: [{ name: "bench", context: { cluster: "bench", user: "admin", namespace: "default" } }],
  };
  await writeFile(b.kubeconfigPath, stringify(config), { mode: 0o600 });
}
