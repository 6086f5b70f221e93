// `npm run faults`: issue 23's scenarios at full size on the local bench (started and stopped here, as the test
// runner's global setup does), printed as a table and written as JSON. The reduced set runs in `npm test`
// (test/integration/faults-*.test.ts). Options: --externals 1000 --keys 100 --interval 10 --outage 120, --kills 20,
// --etcd-down 30, --partition 300, --jump 60, --soak-minutes 30, --fuzz-runs 300 --fuzz-seed N (also the kills'
// and the soak's seed), --skip outage,peers,restart,etcd,partition,clock,sigkill,fuzz,soak.
import { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { globalSetup, globalTeardown } from "../integration/global-setup.ts";
import { runProviderOutage } from "./provider-outage.ts";
import { runObjectFuzz } from "./object-fuzz.ts";
import { runApiserverRestart } from "./apiserver-restart.ts";
import { runSigkillBurst } from "./sigkill-burst.ts";
import { runApiserverPartition } from "./apiserver-partition.ts";
import { runClockJumps } from "./clock-jumps.ts";
import { runSoak } from "./soak.ts";
import { runPeerOutage, type Peer } from "./peer-outages.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const program = new Command("faults")
  .option("--externals <n>", "ExternalSecrets under the outage", "1000")
  .option("--keys <n>", "distinct remote keys they read", "100")
  .option("--interval <seconds>", "their refreshInterval (compressed bench time)", "10")
  .option("--outage <seconds>", "how long the provider answers 503", "120")
  .option("--fuzz-runs <n>", "objects the fuzzer applies (ExternalSecrets, SecretStores, PushSecrets, ClusterExternalSecrets, generators)", "300")
  .option("--fuzz-seed <n>", "the fuzzer's seed (a failure is reproduced with the same seed)", String(Date.now() % 1_000_000))
  .option("--kills <n>", "SIGKILLs of the operator process during one burst of --externals new ExternalSecrets", "20")
  .option("--etcd-down <seconds>", "how long etcd stays down in the etcd restart", "30")
  .option("--partition <seconds>", "how long the operator is cut off from the apiserver", "300")
  .option("--jump <minutes>", "how far the operators' clocks jump (forward, then back twice as far)", "60")
  .option("--soak-minutes <n>", "how long the soak churns (bench time)", "30")
  .option("--skip <list>", "scenarios to skip: outage, peers (OpenBao, GCP, git outages), restart, etcd, partition, clock, sigkill, fuzz, soak", "")
  .option("--out <file>", "JSON results", join(REPO, ".bench/faults.json"));
program.parse();
const opts = program.opts<{ soakMinutes: string; jump: string; etcdDown: string; partition: string; kills: string; externals: string; keys: string; interval: string; outage: string; fuzzRuns: string; fuzzSeed: string; skip: string; out: string }>();
const skip = new Set(opts.skip.split(",").filter(Boolean));
const log = (line: string) => process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

await globalSetup();
try {
  const results: Record<string, unknown> = { date: new Date().toISOString() };
  if (!skip.has("outage")) results.providerOutage = await outageScenario();
  if (!skip.has("peers")) results.peerOutages = await peersScenario();
  if (!skip.has("restart")) results.apiserverRestart = await restartScenario();
  if (!skip.has("etcd")) results.etcdRestart = await etcdScenario();
  if (!skip.has("partition")) results.apiserverPartition = await partitionScenario();
  if (!skip.has("clock")) results.clockJumps = await clockScenario();
  if (!skip.has("sigkill")) results.sigkillBurst = await sigkillScenario();
  if (!skip.has("fuzz")) results.objectFuzz = await fuzzScenario();
  if (!skip.has("soak")) results.soak = await soakScenario();
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await globalTeardown();
}

function printRows(title: string, rows: Array<[string, string, string]>): void {
  const width = Math.max(...rows.map(([what]) => what.length));
  process.stdout.write(`\n${title}\n`);
  for (const [what, got, goal] of rows) process.stdout.write(`  ${what.padEnd(width)}  ${got.padEnd(24)}  goal ${goal}\n`);
}

async function outageScenario() {
  const outage = await runProviderOutage(
    {
      externalSecrets: Number(opts.externals),
      keys: Number(opts.keys),
      intervalSeconds: Number(opts.interval),
      outageSeconds: Number(opts.outage),
      storeRequestsPerSecond: 20,
      storeRequestsBurst: 40,
    },
    log,
  );
  const rows: Array<[string, string, string]> = [
    ["Secrets deleted during the outage", String(outage.secretsLost), "0"],
    ["Secrets blanked or changed", String(outage.secretsChanged), "0"],
    ["ExternalSecrets reporting it (Ready=False)", `${outage.reportedNotReady} of ${outage.externalSecrets}`, "all that refreshed"],
    ["HTTP requests to the failing provider", `${outage.requestsDuringOutage} in ${outage.outageSeconds}s`, `<= ${outage.budgetBound} (store budget)`],
    ["recovery after its return", `${outage.recoverySeconds.toFixed(1)}s`, `< ${opts.interval}s (one interval)`],
    ["provider reads until recovered", `${outage.readsDuringRecovery} for ${outage.keys} keys`, "about one per key"],
  ];
  printRows(`provider outage: ${outage.externalSecrets} ExternalSecrets, ${outage.keys} keys, interval ${opts.interval}s, ${outage.outageSeconds}s of 503`, rows);
  return outage;
}

async function peersScenario() {
  const runs: Array<[Peer, "503" | "blackhole"]> = [["openbao", "503"], ["openbao", "blackhole"], ["gcp", "503"], ["git", "503"]];
  const results = [];
  for (const [peer, fault] of runs) {
    const r = await runPeerOutage({ peer, fault, externalSecrets: Number(opts.externals), keys: Number(opts.keys), intervalSeconds: Number(opts.interval), outageSeconds: Number(opts.outage) }, log);
    printRows(`${peer} outage: ${r.outageSeconds}s of ${fault} under ${r.externalSecrets} ExternalSecrets on ${r.keys} keys, interval ${opts.interval}s`, [
      ["Secrets deleted / changed", `${r.secretsLost} / ${r.secretsChanged}`, "0 / 0"],
      ["ExternalSecrets reporting it", `${r.reportedNotReady} of ${r.externalSecrets}`, "those that refreshed"],
      ["requests to the failing peer", String(r.requestsDuringOutage), "bounded (budget, backoff)"],
      ["recovery after its return", `${r.recoverySeconds.toFixed(1)}s`, `< ${opts.interval}s (one interval)`],
    ]);
    results.push(r);
  }
  return results;
}

async function restartScenario() {
  const restart = await runApiserverRestart({ externalSecrets: Number(opts.externals), keys: Number(opts.keys), quietSeconds: 15 }, log);
  const lists = Object.entries(restart.listsAfterRestart).map(([resource, n]) => `${resource} ${n}`).join(", ");
  printRows(`apiserver restart: ${restart.externalSecrets} ExternalSecrets current`, [
    ["relists per informer (the operator's log)", Object.entries(restart.relistsByInformer).map(([informer, n]) => `${informer} ${n}`).join(", "), "1 each (2 if a watch fails again while it settles)"],
    ["LISTs after the restart (all clients, 503s included)", lists, "a few, no storm"],
    ["writes while nothing changed (15 s)", String(restart.writesWhileNothingChanged), "0"],
    ["missed updates (rotation right after)", String(restart.missedUpdates), "0"],
    ["rotation everywhere after", `${restart.rotationSeconds.toFixed(1)}s`, "-"],
  ]);
  return restart;
}

async function etcdScenario() {
  const restart = await runApiserverRestart({ peer: "etcd", etcdDownSeconds: Number(opts.etcdDown), externalSecrets: Number(opts.externals), keys: Number(opts.keys), quietSeconds: 15 }, log);
  printRows(`etcd restart: down ${opts.etcdDown}s under ${restart.externalSecrets} current ExternalSecrets (the apiserver stays up)`, [
    ["relists per informer (the operator's log)", Object.entries(restart.relistsByInformer).map(([informer, n]) => `${informer} ${n}`).join(", ") || "none", "at most 1 each"],
    ["LISTs after the restart (all clients)", Object.entries(restart.listsAfterRestart).map(([resource, n]) => `${resource} ${n}`).join(", "), "a few, no storm"],
    ["writes while nothing changed (15 s)", String(restart.writesWhileNothingChanged), "0"],
    ["missed updates (rotation right after)", String(restart.missedUpdates), "0"],
    ["rotation everywhere after", `${restart.rotationSeconds.toFixed(1)}s`, "-"],
  ]);
  return restart;
}

async function partitionScenario() {
  const externals = Number(opts.externals);
  const part = await runApiserverPartition({ externalSecrets: externals, keys: Number(opts.keys), partitionSeconds: Number(opts.partition), createdDuring: Math.max(5, Math.round(externals / 20)), quietSeconds: 15 }, log);
  printRows(`apiserver partition: the operator cut off for ${part.partitionSeconds}s under ${part.externalSecrets} ExternalSecrets (rotation and ${part.expectedSecretWrites - part.externalSecrets} new ones meanwhile)`, [
    ["missed updates after the heal", String(part.missedUpdates), "0"],
    ["heal to everything delivered", `${part.recoverySeconds.toFixed(1)}s`, "-"],
    ["LISTs after the heal", Object.entries(part.listsAfterHeal).map(([resource, n]) => `${resource} ${n}`).join(", "), "about 1 per informer, no storm"],
    ["connections tried while cut off", String(part.connectionsWhileCut), "bounded (backoff)"],
    ["Secret writes after the heal", `${part.secretWritesAfterHeal} for ${part.expectedSecretWrites} changed or new`, "one each"],
    ["operator Ready at the end", String(part.operatorReady), "true"],
  ]);
  return part;
}

async function clockScenario() {
  const jumps = await runClockJumps({ externalSecrets: Number(opts.externals), keys: Number(opts.keys), intervalSeconds: Number(opts.interval), jumpMinutes: Number(opts.jump) }, log);
  printRows(`clock jumps: two replicas, ${jumps.externalSecrets} ExternalSecrets on ${jumps.keys} keys every ${jumps.intervalSeconds}s, clocks +${jumps.jumpMinutes} min then -${2 * jumps.jumpMinutes} min`, [
    ["standby took a live leader's Lease (its clock +jump)", String(jumps.standbyTookOver), "false"],
    ["leader kept through its own jumps", String(jumps.leaderKept), "true"],
    ["provider calls, one interval after +jump", `${jumps.callsAfterForwardJump} for ${jumps.keys} keys`, "about one per key"],
    ["provider calls, two intervals after -2 x jump", `${jumps.callsAfterBackwardJump} for ${jumps.keys} keys`, "about two per key (not 0)"],
    ["Secret writes throughout", String(jumps.secretWrites), "0"],
  ]);
  return jumps;
}

async function sigkillScenario() {
  const seed = Number(opts.fuzzSeed);
  const kills = await runSigkillBurst({ externalSecrets: Number(opts.externals), keys: Number(opts.keys), kills: Number(opts.kills), runMs: [300, 3000], seed }, log);
  printRows(`operator SIGKILLed ${kills.kills} times during a burst of ${kills.externalSecrets} new ExternalSecrets (seed ${seed}; Secrets existing at each kill: ${kills.secretsAtKills.join(", ")})`, [
    ["Secret writes beyond one per ExternalSecret", String(kills.duplicateSecretWrites), "0"],
    ["creates refused with 409 (the Secret existed: nothing written)", String(kills.refusedWrites), "-"],
    ["Secrets lost or wrong at the end", String(kills.lostSecrets), "0"],
    ["ExternalSecrets not converged after the last start", String(kills.notConverged), "0"],
    ["from the last start to all Ready", `${kills.convergeSeconds.toFixed(1)}s`, "-"],
  ]);
  return kills;
}

async function soakScenario() {
  const soak = await runSoak({ externalSecrets: Number(opts.externals), keys: Number(opts.keys), minutes: Number(opts.soakMinutes), intervalSeconds: Number(opts.interval), churnEverySeconds: 2, seed: Number(opts.fuzzSeed) }, log);
  const mib = (n: number) => `${n.toFixed(1)} MiB`;
  printRows(`soak: ${soak.minutes} min of churn at ${soak.externalSecrets} ExternalSecrets (seed ${soak.seed}): ${JSON.stringify(soak.churn)}`, [
    ["RSS start / end / max", `${mib(soak.rssMiB.start)} / ${mib(soak.rssMiB.end)} / ${mib(soak.rssMiB.max)}`, "-"],
    ["RSS slope after warm-up", `${soak.rssMiB.slopePerHour.toFixed(1)} MiB/h`, "flat"],
    ["heap start / end / max", `${mib(soak.heapMiB.start)} / ${mib(soak.heapMiB.end)} / ${mib(soak.heapMiB.max)}`, "-"],
    ["heap slope after warm-up", `${soak.heapMiB.slopePerHour.toFixed(1)} MiB/h`, "flat"],
    ["event-loop delay p99 median / worst", `${soak.eventLoopP99Ms.median.toFixed(1)} / ${soak.eventLoopP99Ms.max.toFixed(1)} ms`, "-"],
    ["deepest ExternalSecret queue", String(soak.queueDepthMax), "-"],
    ["not converged after the churn", String(soak.notConverged), "0"],
    ["Secrets of deleted ExternalSecrets left", String(soak.leftBehind), "0"],
    ["operator ready at the end", String(soak.operatorAlive), "true"],
  ]);
  return soak;
}

async function fuzzScenario() {
  const fuzz = await runObjectFuzz({ runs: Number(opts.fuzzRuns), seed: Number(opts.fuzzSeed), conditionTimeoutMs: 60_000 }, log);
  printRows(`object fuzzing: ${fuzz.tried} objects (seed ${fuzz.seed}): ${fuzz.refused} refused by the CRDs, ${fuzz.readyTrue + fuzz.readyFalse + fuzz.noCondition.length} accepted`, [
    ["refused without a message", String(fuzz.refusedWithoutMessage), "0"],
    ["accepted without a Ready condition", String(fuzz.noCondition.length), "0"],
    ["Ready=False without a message", String(fuzz.readyFalseWithoutMessage), "0"],
    ["Ready=True / Ready=False", `${fuzz.readyTrue} / ${fuzz.readyFalse}`, "-"],
    ["operator still running", String(fuzz.operatorStillReady), "true"],
    ["planted values in the logs", String(fuzz.leakedValues), "0"],
    ["foreign Secret written", String(fuzz.foreignSecretTouched), "false"],
  ]);
  return fuzz;
}
