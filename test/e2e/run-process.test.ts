// `secrets-bridge run` as a separate process against the bench: health endpoints, a sync, metrics without
// secret values, and a graceful drain on SIGTERM.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { freshNamespace, loadBench } from "../helpers/bench.ts";
import { decoded, ensureCrds, kube, waitFor } from "../helpers/operator.ts";
import { freePort } from "../bench/proc.ts";
import { planted as plant } from "../helpers/planted.ts";

const REPO = new URL("../../", import.meta.url).pathname;


const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
};

describe("secrets-bridge run (as a process)", () => {
  let child: ChildProcess;
  let output = "";
  let port: number;
  let ns: string;
  const planted = plant();

  before(async () => {
    await ensureCrds();
    ns = await freshNamespace("e2e-run");
    port = await freePort();
    child = spawn(process.execPath, ["src/cli.ts", "run", "--kubeconfig", loadBench().kubeconfigPath, "--namespace", ns, "--http-address", `127.0.0.1:${port}`, "--leader-elect=false", "--log-level", "debug"], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
  });
  after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("answers /healthz and becomes ready", async () => {
    await waitFor("healthz", async () => ((await get(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined));
    await waitFor("readyz", async () => ((await get(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined));
  });

  it("syncs an ExternalSecret", async () => {
    const k = kube();
    // Not ours: the operator must never hold it (checked in the metrics below).
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "unrelated" }, stringData: { x: "y" } } });
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "k", value: planted }] } } });
    await k.create("ExternalSecret", ns, "es", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    const secret = await waitFor("secret", () => k.secret(ns, "es"));
    assert.equal(decoded(secret).k, planted);
  });

  it("exposes ESO's metrics without secret values", async () => {
    const metrics = await waitFor("sync metric", async () => {
      const { text } = await get(`http://127.0.0.1:${port}/metrics`);
      return text.includes(`externalsecret_sync_calls_total{name="es",namespace="${ns}"}`) ? text : undefined;
    });
    assert.match(metrics, /externalsecret_reconcile_duration_bucket\{/);
    assert.match(metrics, /^secretsbridge_cached_objects\{informer="externalSecrets"\} 1$/m);
    assert.match(metrics, /^secretsbridge_cached_objects\{informer="managedSecrets"\} 1$/m, "only the managed Secret is cached, not the unrelated one");
    assert.ok(!metrics.includes(planted));
  });

  it("serves every metric the shipped Grafana dashboard and alert rules use", async () => {
    const { readFileSync } = await import("node:fs");
    const files = `${REPO}deploy/charts/secrets-bridge/files/`;
    const queries = readFileSync(`${files}grafana-dashboard.json`, "utf8") + readFileSync(`${files}prometheus-rules.yaml`, "utf8");
    const used = new Set([...queries.matchAll(/\b((?:externalsecret|secretstore|clustersecretstore|secretsbridge|process)_[a-z_]+)/g)].map((m) => m[1]!));
    assert.ok(used.size >= 10, `expected the dashboard to use many metrics, found ${[...used].join(", ")}`);
    const { text } = await get(`http://127.0.0.1:${port}/metrics`);
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap((m) => (m[2] === "histogram" ? [m[1]!, `${m[1]}_bucket`, `${m[1]}_sum`, `${m[1]}_count`] : [m[1]!])));
    const missing = [...used].filter((name) => !exported.has(name));
    assert.deepEqual(missing, [], `the dashboard or rules use metrics the operator does not export`);
  });

  it("drains and exits 0 on SIGTERM, and never logged the value", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.match(output, /"msg":"draining"/);
    assert.match(output, /"msg":"stopped"/);
    assert.ok(!output.includes(planted), "the operator's output contains a planted value");
  });
});
