// The git-server peer for the SOPS provider: `git http-backend` behind server.ts on 127.0.0.1 (basic and bearer
// auth), a repos directory tests create repositories in, and a demo repository with a SOPS file for `npm run demo`.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubernetesObject } from "@kubernetes/client-node";
import { SETUP_COMMAND } from "../../binaries.ts";
import type { BenchPeer } from "../../peers.ts";
import { spawnDetached, stopProcess, waitUntil } from "../../proc.ts";
import { ageKeygen, BenchRepo, sopsBinary, sopsEncrypt } from "./tools.ts";
import { freePort } from "../../proc.ts";

export interface GitServerState {
  pid: number;
  args: string[];
  port: number;
  /** Base URL; a repository `x` is `${url}/x.git`. */
  url: string;
  /** Where bare repositories live; tests create theirs here (see test/helpers/sops.ts). */
  reposDir: string;
  username: string;
  password: string;
  token: string;
  logPath: string;
  /** The throwaway age key the demo repository is encrypted to. */
  demoKey: { identity: string; recipient: string; file: string };
}


function requireTool(tool: string, args: string[]): void {
  try {
    execFileSync(tool, args, { stdio: "ignore" });
  } catch {
    throw new Error(`${tool} is missing: run \`${SETUP_COMMAND}\``);
  }
}

const DEMO_FILE = `# the demo's database credentials
database:
    host: db.demo.svc
    username: demo
    password: demo-${"s3cret"}
api_token: demo-token
`;

export const peer: BenchPeer<GitServerState> = {
  name: "git-server",
  async start(ctx) {
    sopsBinary();
    requireTool("age-keygen", ["--version"]);
    requireTool("git", ["--version"]);
    const reposDir = join(ctx.dir, "repos");
    mkdirSync(reposDir, { recursive: true });
    const port = await freePort();
    const credentials = { username: "bench", password: randomBytes(12).toString("hex"), token: randomBytes(16).toString("hex") };
    const configPath = join(ctx.dir, "server.json");
    writeFileSync(configPath, JSON.stringify({ port, reposDir, ...credentials }), { mode: 0o600 });
    const logPath = join(ctx.dir, "git-server.log");
    const args = [fileURLToPath(new URL("./server.ts", import.meta.url)), configPath];
    const child = spawnDetached(process.execPath, args, logPath);
    const url = `http://127.0.0.1:${port}`;
    await waitUntil({ what: `git server on ${url}`, child, logPath, timeoutMs: 15_000, probe: async () => (await fetch(`${url}/_health`)).ok });

    const demoKey = ageKeygen();
    const demo = new BenchRepo(reposDir, "demo");
    demo.commit({ "apps/demo.enc.yaml": sopsEncrypt(DEMO_FILE, { format: "yaml", recipients: [demoKey.recipient] }) }, "demo secrets");
    demo.dispose();
    ctx.log(`git http-backend on ${url} (repos in ${reposDir})`);
    return { pid: child.pid!, args, port, url, reposDir, ...credentials, logPath, demoKey };
  },
  async stop(state) {
    await stopProcess(state.pid, state.args, 5_000);
  },
  demoManifests(state): KubernetesObject[] {
    const ns = "demo";
    const secret = (name: string, stringData: Record<string, string>) => ({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace: ns }, stringData });
    const objects: Array<KubernetesObject & Record<string, unknown>> = [
      secret("sops-age", { "demo.agekey": state.demoKey.file }),
      secret("sops-git-auth", { username: state.username, password: state.password }),
      {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "sops-git", namespace: ns },
        spec: {
          refreshInterval: "15s",
          provider: {
            sops: {
              source: { git: { url: `${state.url}/demo.git`, ref: { branch: "main" }, path: "apps", auth: { secretRef: { name: "sops-git-auth" } } } },
              decryption: { ageKeySecretRef: { name: "sops-age" } },
            },
          },
        },
      },
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name: "sops-demo", namespace: ns },
        spec: {
          refreshInterval: "15s",
          secretStoreRef: { name: "sops-git", kind: "SecretStore" },
          data: [
            { secretKey: "password", remoteRef: { key: "demo.enc.yaml", property: "database.password" } },
            { secretKey: "api-token", remoteRef: { key: "demo.enc.yaml", property: "api_token" } },
          ],
          dataFrom: [{ extract: { key: "demo.enc.yaml", property: "database" } }],
        },
      },
    ];
    return objects;
  },
};
