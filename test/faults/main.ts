// `npm run faults`: issue 23's scenarios at full size on the local bench (started and stopped here, as the test
// runner's global setup does), printed as a table and written as JSON. The reduced set runs in `npm test`
// (test/integration/faults-*.test.ts). Options: --externals 1000 --keys 100 --interval 10 --outage 120.
import { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { globalSetup, globalTeardown } from "../integration/global-setup.ts";
import { runProviderOutage } from "./provider-outage.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const program = new Command("faults")
  .option("--externals <n>", "ExternalSecrets under the outage", "1000")
  .option("--keys <n>", "distinct remote keys they read", "100")
  .option("--interval <seconds>", "their refreshInterval (compressed bench time)", "10")
  .option("--outage <seconds>", "how long the provider answers 503", "120")
  .option("--out <file>", "JSON results", join(REPO, ".bench/faults.json"));
program.parse();
const opts = program.opts<{ externals: string; keys: string; interval: string; outage: string; out: string }>();
const log = (line: string) => process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

await globalSetup();
try {
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
  const width = Math.max(...rows.map(([what]) => what.length));
  process.stdout.write(`\nprovider outage: ${outage.externalSecrets} ExternalSecrets, ${outage.keys} keys, interval ${opts.interval}s, ${outage.outageSeconds}s of 503\n`);
  for (const [what, got, goal] of rows) process.stdout.write(`  ${what.padEnd(width)}  ${got.padEnd(24)}  goal ${goal}\n`);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify({ date: new Date().toISOString(), providerOutage: outage }, null, 2)}\n`);
} finally {
  await globalTeardown();
}
