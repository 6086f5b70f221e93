// The charts drawn from the recorded docs/benchmark-*.json: well-formed SVG, fixed size, nothing external,
// one series per provider, axes with units, byte-identical on every run, and docs/charts up to date with them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { chartsFor } from "../../bench/benchmark/plot/plot.ts";
import { parseInput, runFromResults, type Run } from "../../bench/benchmark/plot/results.ts";
import { parseXml, type XmlElement } from "./xml-check.ts";

const REPO = new URL("../../../", import.meta.url);
// The inputs of `npm run bench:plot`, read from package.json so the test and the script cannot drift apart.
const script = JSON.parse(readFileSync(new URL("package.json", REPO), "utf8")).scripts["bench:plot"] as string;
const args = script.split(" ").filter((arg) => arg.startsWith("docs/benchmark-"));
const runs = (): Run[] =>
  args.map((arg) => {
    const input = parseInput(arg);
    return runFromResults(JSON.parse(readFileSync(new URL(input.path, REPO), "utf8")), input.path, input.only);
  });
const charts = chartsFor(runs());
const chart = (file: string) => {
  const found = charts.find((c) => c.file === file);
  assert.ok(found, `${file} drawn`);
  return { svg: found.svg, elements: parseXml(found.svg) };
};
const texts = (elements: XmlElement[]) => elements.filter((e) => e.name === "text").map((e) => e.text);
// Each bar carries a <title> "series, category: value unit"; the series names are what precedes the comma.
const barSeries = (elements: XmlElement[]) => [...new Set(elements.filter((e) => e.name === "title" && e.ancestors.at(-1) === "rect").map((e) => e.text.split(", ")[0]))];

describe("charts from the recorded results", () => {
  it("draws the figures the recorded runs have data for, in a fixed order", () => {
    assert.deepEqual(
      charts.map((c) => c.file),
      ["time-to-ready.svg", "idle-cycle.svg", "rss.svg", "burst-floor.svg", "rss-unrelated-secrets.svg", "rollout-restarts.svg", "push-secrets.svg"],
    );
  });

  for (const { file, svg } of charts) {
    it(`${file}: well-formed, fixed size, titled, nothing external`, () => {
      const [root, ...rest] = parseXml(svg);
      assert.equal(root!.name, "svg");
      assert.match(root!.attributes.width!, /^\d+$/);
      assert.match(root!.attributes.height!, /^\d+$/);
      assert.equal(root!.attributes.viewBox, `0 0 ${root!.attributes.width} ${root!.attributes.height}`);
      assert.ok(rest.some((e) => e.name === "title" && e.ancestors.length === 1 && e.text.length > 0));
      assert.ok(!rest.some((e) => ["script", "image", "foreignObject", "style", "a"].includes(e.name)));
      assert.ok(!/https?:\/\/(?!www\.w3\.org\/2000\/svg")/.test(svg), "no URL but the SVG namespace");
      assert.ok(!/@import|@font-face|href=/.test(svg));
    });
  }

  it("time to Ready: one series per provider, a bar per size, p50/p99 marks, seconds by ExternalSecrets", () => {
    const { elements } = chart("time-to-ready.svg");
    assert.deepEqual(barSeries(elements), ["fake", "vault (OpenBao)"]);
    assert.equal(elements.filter((e) => e.name === "rect" && e.attributes.stroke).length, 2 * 3 + 2, "6 bars and 2 legend swatches");
    const labels = texts(elements);
    for (const label of ["seconds", "ExternalSecrets (N)", "1,000", "5,000", "10,000", "p99", "37.8"]) assert.ok(labels.includes(label), label);
  });

  it("idle cycle: calls and writes panels, the zero writes labelled", () => {
    const labels = texts(chart("idle-cycle.svg").elements);
    for (const label of ["Provider calls per 30 s cycle", "Apiserver writes per 30 s cycle", "calls", "writes"]) assert.ok(labels.includes(label), label);
    assert.equal(labels.filter((l) => l === "0").length, 6 + 1 + 1, "six zero bars, and the 0 tick of each panel");
  });

  it("burst against its floor: W1 (median where repeated) with the floor as a mark, and the ratio", () => {
    const { elements } = chart("burst-floor.svg");
    assert.deepEqual(barSeries(elements), ["fake", "vault (OpenBao)"]);
    const labels = texts(elements);
    // fake 1,000: the median of three pairs (3.5 s; the last W1 took 4.1 s), ratio 1.30; OpenBao 10,000: one pair, 1.37.
    for (const label of ["Time to all Ready", "W1 / floor", "floor", "ratio", "3.5", "1.30", "1.37"]) assert.ok(labels.includes(label), label);
    assert.ok(!labels.includes("4.1"), "the median, not the last run");
  });

  it("push secrets: the three providers in each panel, in the providers' fills", () => {
    const { elements } = chart("push-secrets.svg");
    assert.deepEqual(barSeries(elements), ["fake", "vault (OpenBao)", "aws (moto)"]);
    const fillOf = (name: string) => new Set(elements.filter((e) => e.name === "rect" && elements[elements.indexOf(e) + 1]?.text.startsWith(`${name},`)).map((e) => e.attributes.fill));
    const timeToReady = chart("time-to-ready.svg").elements;
    const readyFill = timeToReady.find((e) => e.name === "rect" && timeToReady[timeToReady.indexOf(e) + 1]?.text.startsWith("vault (OpenBao),"))!.attributes.fill;
    assert.deepEqual([...fillOf("vault (OpenBao)")], [readyFill]);
  });

  it("is deterministic: the same results give byte-identical SVG", () => {
    assert.deepEqual(chartsFor(runs()), charts);
  });

  it("docs/charts is what npm run bench:plot draws from the recorded results (run it after changing either)", () => {
    for (const { file, svg } of charts) assert.equal(readFileSync(new URL(`docs/charts/${file}`, REPO), "utf8"), svg, file);
  });
});

describe("charts from other inputs", () => {
  const sized = (provider: string, day: string) => ({
    date: `${day}T00:00:00.000Z`,
    machine: { cpus: 2 },
    provider,
    sizes: { "10000": { W1: { allReadySeconds: 70, peakRssMiB: 240 } }, "1000": { W1: { allReadySeconds: 7 }, W2: { providerCallsPerCycle: 100, apiserverWritesPerCycle: 0, cycleSeconds: 60 } } },
  });

  it("a run without W4, W10 or W12 draws only the by-size figures, sizes in numeric order", () => {
    const only = chartsFor([runFromResults(sized("fake", "2026-01-01"), "a.json")]);
    assert.deepEqual(only.map((c) => c.file), ["time-to-ready.svg", "idle-cycle.svg", "rss.svg"]);
    const labels = texts(parseXml(only[0]!.svg));
    assert.ok(labels.indexOf("1,000") < labels.indexOf("10,000"));
  });

  it("two runs of one provider are told apart by their day", () => {
    const [ready] = chartsFor([runFromResults(sized("fake", "2026-01-01"), "a.json"), runFromResults(sized("fake", "2026-02-01"), "b.json")]);
    assert.deepEqual(barSeries(parseXml(ready!.svg)), ["fake (2026-01-01)", "fake (2026-02-01)"]);
  });

  it("a :W12 selector keeps the run's W1/W2 out of the by-size figures; a run's own W12 is one object", () => {
    const results = { ...sized("fake", "2026-01-01"), W12: { backend: "fake", pushSecrets: 200, idleProviderWrites: 0, idleApiserverWrites: 0, idleProviderReads: 200, changePushedSeconds: 0.3 } };
    assert.deepEqual(chartsFor([runFromResults(results, "a.json", new Set(["W12"]))]).map((c) => c.file), ["push-secrets.svg"]);
  });

  it("names with markup characters are escaped", () => {
    const [ready] = chartsFor([runFromResults(sized('x <y> & "z"', "2026-01-01"), "a.json")]);
    assert.deepEqual(barSeries(parseXml(ready!.svg)), ['x <y> & "z"']);
  });

  it("fields missing from older recordings leave bars out instead of failing", () => {
    const [ready, idle] = chartsFor([runFromResults({ provider: "fake", sizes: { "1000": { W1: { readyP50Ms: "n/a" } } } }, "a.json")]);
    assert.equal(barSeries(parseXml(ready!.svg)).length, 0);
    assert.ok(idle);
  });
});
