// The last file of `npm test`: every value any test planted (test/helpers/planted.ts) is searched for, in its
// raw, quoted, case-folded and base64 forms, in everything the run left that a person or a tool reads: the
// status of every ExternalSecret and store, every Event, and the logs of every operator the tests ran.
// Secrets themselves hold the values, of course, and are not searched.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { GROUP, VERSION } from "../../src/api/common.ts";
import { kubeConfig, loadBench } from "../helpers/bench.ts";
import { kube } from "../helpers/operator.ts";
import { leakForms, plantedValues } from "../helpers/planted.ts";

function operatorLogs(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const logDir = join(dir, "operator-logs");
  if (existsSync(logDir)) for (const name of readdirSync(logDir)) out.set(`operator log ${name}`, readFileSync(join(logDir, name), "utf8"));
  for (const name of readdirSync(dir).filter((n) => n.startsWith("adversarial-operator-"))) out.set(`operator log ${name}`, readFileSync(join(dir, name), "utf8"));
  return out;
}

test("no planted value in any status, Event or operator log of the whole run", async () => {
  const values = plantedValues();
  assert.ok(values.length > 0, "no test registered a planted value: tests must plant through test/helpers/planted.ts");
  const k = kube(kubeConfig());
  const places = operatorLogs(loadBench().dir);
  const events = await k.core.listEventForAllNamespaces({});
  places.set("Events", events.items.map((e) => `${e.reason} ${e.message}`).join("\n"));
  for (const plural of ["externalsecrets", "secretstores", "clustersecretstores"]) {
    const list = (await k.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural })) as { items: Array<{ status?: unknown }> };
    places.set(`${plural} status`, JSON.stringify(list.items.map((item) => item.status ?? null)));
  }
  const hits: string[] = [];
  for (const value of values) {
    for (const [i, form] of leakForms(value).entries()) {
      for (const [place, text] of places) if (text.includes(form)) hits.push(`${place}: form #${i} of a planted value`);
    }
  }
  process.stderr.write(`[sweep] ${values.length} planted values searched in ${places.size} places (${events.items.length} Events)\n`);
  assert.deepEqual(hits, [], "planted values leaked");
});
