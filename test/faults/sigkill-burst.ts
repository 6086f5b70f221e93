// Fault scenario (issue 23): the operator, a separate process, is SIGKILLed at random points while it works a burst
// of new ExternalSecrets, and started again each time. A kill can land between a Secret's create and the status
// patch that records it, or in the middle of either request: the next process must neither write that Secret again
// (its data-hash already matches) nor leave it behind. Measured from the apiserver's own counters: Secret writes
// beyond one per ExternalSecret (duplicates, goal 0), Secrets missing or wrong at the end (lost, goal 0),
// ExternalSecrets not Ready once a last process has run (not converged, goal 0). Used by the reduced test in
// `npm test` and by `npm run faults` at full size.
import { spawn, type ChildProcess } from "node:child_process";
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { apiserverRequestCount, freshNamespace, loadBench } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, waitFor } from "../helpers/operator.ts";
import { freePort } from "../bench/proc.ts";
import { seededRandom } from "./seeded-random.ts";

export interface KillOptions {
  externalSecrets: number;
  keys: number;
  kills: number;
  /** Each process runs this long (uniformly at random, ms) after it answers /readyz before it is killed. */
  runMs: [number, number];
  seed: number;
}

export interface KillFigures {
  externalSecrets: number;
  kills: number;
  /** Secrets that existed at each kill: where in the burst it landed. */
  secretsAtKills: number[];
  secretWrites: number;
  duplicateSecretWrites: number;
  /** Writes the apiserver refused with 409 (a create that found the Secret made by a killed process): nothing written. */
  refusedWrites: number;
  lostSecrets: number;
  notConverged: number;
  /** From the last start to every ExternalSecret Ready. */
  convergeSeconds: number;
}

const REPO = new URL("../../", import.meta.url).pathname;
// Creates and updates only: the counter is cluster-wide, and the garbage collector deleting an earlier test's Secrets
// (a cascade can take a minute) would count here; a Secret this operator wrongly deleted shows as lost instead.
const WRITES = ["POST", "PUT", "PATCH", "APPLY"];


async function startOperator(ns: string): Promise<{ child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["src/cli.ts", "run", "--kubeconfig", loadBench().kubeconfigPath, "--namespace", ns, "--http-address", `127.0.0.1:${port}`, "--leader-elect=false", "--log-level", "warn"], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout!.on("data", (chunk) => (text += chunk));
  child.stderr!.on("data", (chunk) => (text += chunk));
  await waitFor("the operator's /readyz", async () => ((await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) === 200 ? true : undefined), 60_000);
  return { child, output: () => text };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
  child.kill("SIGKILL");
  await exited;
}

export async function runSigkillBurst(opts: KillOptions, log: (line: string) => void = () => undefined): Promise<KillFigures> {
  const k = kube();
  const ns = await freshNamespace("faults-sigkill");
  const next = seededRandom(opts.seed);
  const names = Array.from({ length: opts.externalSecrets }, (_, i) => `es-${i}`);
  const valueOf = (i: number) => `value-${i % opts.keys}`;
  const secretsNow = async () => (await k.core.listNamespacedSecret({ namespace: ns })).items.filter((s) => s.metadata?.name?.startsWith("es-")).length;
  await k.create("SecretStore", ns, "fake", { provider: { fake: { data: Array.from({ length: opts.keys }, (_, key) => ({ key: `key-${key}`, value: `value-${key}` })) } } });
  // Writes the apiserver carried out (2xx). A create it refused with 409 wrote nothing: a process killed with its
  // create in flight can have it land after the next process listed, which then tries once and finds it (CI saw one).
  const done = { verbs: WRITES, resource: "secrets", code: /^2/ };
  const refused = { verbs: WRITES, resource: "secrets", code: /^409$/ };
  const writesBefore = await apiserverRequestCount(done);
  const refusedBefore = await apiserverRequestCount(refused);
  let running = await startOperator(ns);
  // The burst: every ExternalSecret at once, while the processes come and go.
  const creating = (async () => {
    for (const [i, name] of names.entries()) {
      await k.create("ExternalSecret", ns, name, { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key: `key-${i % opts.keys}` } }] });
    }
  })();
  const secretsAtKills: number[] = [];
  try {
    for (let round = 1; round <= opts.kills; round++) {
      await sleep(opts.runMs[0] + next() * (opts.runMs[1] - opts.runMs[0]));
      await kill(running.child);
      secretsAtKills.push(await secretsNow());
      log(`kill ${round}/${opts.kills}: ${secretsAtKills.at(-1)} of ${opts.externalSecrets} Secrets existed`);
      running = await startOperator(ns);
    }
    await creating;
    const lastStart = Date.now();
    const everyReady = async () => {
      const list = (await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "externalsecrets" })) as { items: ExternalSecret[] };
      return list.items.length === names.length && list.items.every((es) => ready(es)?.status === "True");
    };
    await waitFor("every ExternalSecret Ready after the last start", async () => ((await everyReady()) ? true : undefined), 300_000).catch(() => undefined);
    const convergeSeconds = (Date.now() - lastStart) / 1000;
    // A quiet moment after convergence: a late duplicate would show here.
    await sleep(2000);
    const list = (await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "externalsecrets" })) as { items: ExternalSecret[] };
    const notConverged = names.length - list.items.filter((es) => ready(es)?.status === "True").length;
    let lostSecrets = 0;
    for (const [i, name] of names.entries()) if (decoded(await k.secret(ns, name))["v"] !== valueOf(i)) lostSecrets++;
    const secretWrites = (await apiserverRequestCount(done)) - writesBefore;
    const refusedWrites = (await apiserverRequestCount(refused)) - refusedBefore;
    return { externalSecrets: names.length, kills: opts.kills, secretsAtKills, secretWrites, duplicateSecretWrites: secretWrites - names.length, refusedWrites, lostSecrets, notConverged, convergeSeconds };
  } finally {
    await creating.catch(() => undefined);
    await kill(running.child);
  }
}
