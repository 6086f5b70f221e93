// Hostile tenants next to ordinary ones, on the real apiserver with `secrets-bridge run` as a process (leader
// election on, as in a cluster). Each hostile object must end with a clear condition of its own while the 200
// ordinary ExternalSecrets keep syncing (a rotation reaches all of them), /healthz answers every probe within
// the kubelet's 1 s timeout, the Lease is never lost, the process never exits and its RSS stays under the
// chart's 512 MiB limit.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CoordinationV1Api } from "@kubernetes/client-node";
import { freshNamespace, kubeConfig, loadBench } from "../helpers/bench.ts";
import { decoded, ensureCrds, kube, ready, sleep, waitFor } from "../helpers/operator.ts";
import { watchProcess, type ProcessWatch } from "../helpers/process-watch.ts";
import { BACKTRACKING_REGEXPS, HOSTILE_TEMPLATES } from "../helpers/hostile.ts";
import { freePort } from "../bench/proc.ts";
import { imageNodeFlags } from "../helpers/dockerfile.ts";
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const ORDINARY = 200;
const KEYS = 20;
const CHART_MEMORY_LIMIT_MIB = 512;
const HUGE_BODY = 300 * 1024 * 1024;

/** A tenant's "Vault": answers every request with 200 and a body of 300 MiB, generated as it is sent. */
function hugeBodyServer(): { server: Server; maxPerAnswer: () => number } {
  let most = 0;
  const chunk = Buffer.alloc(64 * 1024, "a");
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"data":{"data":{"k":"');
    let left = HUGE_BODY;
    let sent = 0;
    const pump = () => {
      while (left > 0) {
        left -= chunk.length;
        sent += chunk.length;
        most = Math.max(most, sent);
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end('"}}}');
    };
    res.on("close", () => (left = 0));
    pump();
  });
  return { server, maxPerAnswer: () => most };
}

/** A SOPS-looking YAML file of a few hundred bytes whose aliases expand to 10^9 nodes ("billion laughs"). */
function aliasBomb(): string {
  const lines = ['l0: &l0 ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i <= 9; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(",")}]`);
  return `${lines.join("\n")}\nsops:\n  mac: x\n  lastmodified: "2026-01-01T00:00:00Z"\n  version: 3.13.2\n`;
}

describe("adversarial tenants next to 200 ordinary ExternalSecrets (operator as a process)", () => {
  const k = kube();
  let ordinaryNs: string;
  let hostileNs: string;
  let leaseNs: string;
  let child: ChildProcess;
  let output = "";
  let port: number;
  let watch: ProcessWatch;
  let vault: ReturnType<typeof hugeBodyServer>;
  let leaseId: string;
  let holder: string | undefined;
  let transitions: number | undefined;
  const values = (round: string) => Array.from({ length: KEYS }, (_, i) => `ordinary-${round}-${i}-${randomBytes(6).toString("hex")}`);
  const first = values("one");
  const rotated = values("two");
  const lease = () => kubeConfig().makeApiClient(CoordinationV1Api).readNamespacedLease({ name: leaseId, namespace: leaseNs });
  const listEs = async (namespace: string) => ((await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets" })) as { items: ExternalSecret[] }).items;
  const fakeStore = (vals: string[]) => ({ provider: { fake: { data: vals.map((value, i) => ({ key: `key-${i}`, value })) } } });

  before(async () => {
    await ensureCrds();
    [ordinaryNs, hostileNs, leaseNs] = await Promise.all([freshNamespace("adv-ordinary"), freshNamespace("adv-hostile"), freshNamespace("adv-lease")]);
    leaseId = `adversarial-${randomBytes(3).toString("hex")}`;
    port = await freePort();
    vault = hugeBodyServer();
    await new Promise<void>((resolve) => vault.server.listen(0, "127.0.0.1", resolve));

    await k.create("SecretStore", ordinaryNs, "fake", fakeStore(first));
    for (let i = 0; i < ORDINARY; i++) {
      await k.create("ExternalSecret", ordinaryNs, `es-${i}`, { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "value", remoteRef: { key: `key-${i % KEYS}` } }] });
    }
    child = spawn(
      process.execPath,
      [...imageNodeFlags(REPO), "src/cli.ts", "run", "--kubeconfig", loadBench().kubeconfigPath, "--namespace", `${ordinaryNs},${hostileNs}`, "--http-address", `127.0.0.1:${port}`,
        "--leader-elect=true", "--leader-election-namespace", leaseNs, "--leader-election-id", leaseId, "--log-level", "info"],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    await waitFor("healthz", async () => ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200 ? true : undefined));
    watch = watchProcess(child.pid!, `http://127.0.0.1:${port}/healthz`);
    await waitFor("200 ordinary ExternalSecrets Ready", async () => ((await listEs(ordinaryNs)).filter((es) => ready(es)?.status === "True").length === ORDINARY ? true : undefined), 120_000);
    const held = await lease();
    holder = held.spec?.holderIdentity;
    transitions = held.spec?.leaseTransitions;
    assert.ok(holder, "the operator holds the Lease");
  });

  after(async () => {
    // The operator's own log, for a failure's diagnosis (the last test asserts it holds no planted value).
    const logFile = join(loadBench().dir, `adversarial-operator-${child?.pid}.log`);
    writeFileSync(logFile, output);
    process.stderr.write(`[adversarial] operator log: ${logFile}\n`);
    watch?.stop();
    if (child && child.exitCode === null) child.kill("SIGKILL");
    vault?.server.closeAllConnections();
    vault?.server.close();
  });

  const hostile: Array<{ name: string; spec: () => Record<string, unknown>; want: "True" | "False"; message?: RegExp; check?: (data: Record<string, string>) => void }> = [
    {
      name: "find-backtracking-regexp",
      spec: () => ({ secretStoreRef: { name: "fake-hostile" }, dataFrom: [{ find: { name: { regexp: BACKTRACKING_REGEXPS[0] } } }] }),
      want: "True",
      check: (data) => assert.deepEqual(Object.keys(data), ["a".repeat(32)], "the name that matches is found; the one that makes a backtracking engine explode is not"),
    },
    {
      name: "rewrite-backtracking-regexp",
      spec: () => ({ secretStoreRef: { name: "fake-hostile" }, dataFrom: [{ extract: { key: "names" }, rewrite: [{ regexp: { source: BACKTRACKING_REGEXPS[1], target: "x" } }] }] }),
      want: "True",
      check: (data) => assert.ok(`${"abcdefghijklmnopqrstuvwxyzabcdef"}-` in data, "a name the regexp does not match stays as it is"),
    },
    {
      name: "template-backtracking-regexmatch",
      spec: () => templated(HOSTILE_TEMPLATES["backtracking-regexmatch"]),
      want: "True",
      check: (data) => assert.equal(data.v, "false"),
    },
    ...(["nested-range", "define-fan-out", "until", "random-huge", "repeat", "doubling"] as const).map((t) => ({ name: `template-${t}`, spec: () => templated(HOSTILE_TEMPLATES[t]), want: "False" as const, message: /budget|limit/i })),
    {
      name: "template-printf-width",
      spec: () => templated('{{ printf "%500000000d" 1 }}'),
      want: "True",
      check: (data) => assert.match(data.v!, /%!\(NOVERB\)/, "Go's fmt refuses a width over 10^6 and prints %!(NOVERB)"),
    },
    {
      name: "rewrite-transform-loop",
      spec: () => ({ secretStoreRef: { name: "fake-hostile" }, dataFrom: [{ extract: { key: "names" }, rewrite: [{ transform: { template: "{{ range until 100000000 }}{{ end }}{{ .value }}" } }] }] }),
      want: "False",
      message: /budget|limit/i,
    },
    { name: "sops-alias-bomb", spec: () => ({ secretStoreRef: { name: "sops-bomb" }, data: [{ secretKey: "v", remoteRef: { key: "bomb.enc.yaml" } }] }), want: "False", message: /bomb\.enc\.yaml/ },
    { name: "vault-huge-body", spec: () => ({ secretStoreRef: { name: "vault-huge" }, data: [{ secretKey: "v", remoteRef: { key: "k", property: "k" } }] }), want: "False", message: /too large|limit|bytes/i },
    { name: "rapid-refresh", spec: () => ({ refreshInterval: "1ms", secretStoreRef: { name: "fake-hostile" }, data: [{ secretKey: "v", remoteRef: { key: "almost" } }] }), want: "True" },
  ];
  function templated(text: string): Record<string, unknown> {
    return { secretStoreRef: { name: "fake-hostile" }, data: [{ secretKey: "v", remoteRef: { key: "almost" } }], target: { template: { data: { v: text } } } };
  }

  it("gives every hostile object a clear outcome of its own", async () => {
    await k.core.createNamespacedSecret({ namespace: hostileNs, body: { metadata: { name: "vault-token" }, stringData: { token: "hostile-test-token" } } });
    await k.core.createNamespacedConfigMap({ namespace: hostileNs, body: { metadata: { name: "bomb" }, data: { "bomb.enc.yaml": aliasBomb() } } });
    await k.core.createNamespacedSecret({ namespace: hostileNs, body: { metadata: { name: "age" }, stringData: { "x.agekey": "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX" } } });
    const names = JSON.stringify({ [`${"abcdefghijklmnopqrstuvwxyzabcdef"}-`]: "1" });
    await k.create("SecretStore", hostileNs, "fake-hostile", {
      provider: { fake: { data: [{ key: "a".repeat(32), value: "1" }, { key: `${"a".repeat(32)}b`, value: "2" }, { key: "almost", value: `${"a".repeat(40)}b` }, { key: "names", value: names }] } },
    });
    await k.create("SecretStore", hostileNs, "sops-bomb", { provider: { sops: { source: { configMap: { name: "bomb" } }, decryption: { ageKeySecretRef: { name: "age" } } } } });
    const vaultAddress = vault.server.address() as { port: number };
    await k.create("SecretStore", hostileNs, "vault-huge", { provider: { vault: { server: `http://127.0.0.1:${vaultAddress.port}`, path: "secret", version: "v2", auth: { tokenSecretRef: { name: "vault-token", key: "token" } } } } });
    for (const h of hostile) await k.create("ExternalSecret", hostileNs, h.name, h.spec());

    for (const h of hostile) {
      const es = await waitFor(`${h.name} Ready=${h.want}`, async () => {
        const current = await k.es(hostileNs, h.name);
        return ready(current)?.status === h.want ? current : undefined;
      }, 90_000);
      if (h.message) assert.match(ready(es)!.message ?? "", h.message, `${h.name}: ${ready(es)!.message}`);
      if (h.check) h.check(decoded(await k.secret(hostileNs, h.name)));
    }
    // Socket buffers let a few MiB more than the 16 MiB cap leave the server before the connection is cut.
    assert.ok(vault.maxPerAnswer() < HUGE_BODY / 8, `the operator stopped reading each huge answer early (at most ${(vault.maxPerAnswer() / 1048576).toFixed(0)} MiB sent)`);
  });

  it("keeps syncing the ordinary ExternalSecrets: a rotation reaches all 200", async () => {
    await k.patch("SecretStore", ordinaryNs, "fake", { spec: fakeStore(rotated) });
    await waitFor("rotation in all 200 Secrets", async () => {
      const list = await k.core.listNamespacedSecret({ namespace: ordinaryNs });
      const done = list.items.filter((s) => rotated.includes(decoded(s).value ?? "")).length;
      return done === ORDINARY ? true : undefined;
    }, 120_000);
  });

  it("floors a 1ms refreshInterval: a handful of syncs, not hundreds", async () => {
    const count = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const line = text.split("\n").find((l) => l.startsWith(`externalsecret_sync_calls_total{name="rapid-refresh",namespace="${hostileNs}"}`));
      return Number(line?.split(" ")[1] ?? 0);
    };
    const before = await count();
    await sleep(15_000);
    const during = (await count()) - before;
    assert.ok(during <= 3, `syncs of the 1ms ExternalSecret in 15 s: ${during} (the 10 s floor allows 2)`);
  });

  it("never failed a health probe, never lost the Lease, never exited, stayed under the memory limit", async () => {
    assert.equal(child.exitCode, null, "the operator is still running");
    assert.ok(watch.probes > 20, `probes made: ${watch.probes}`);
    assert.deepEqual(watch.failures, [], "every /healthz probe answered 200 within 1 s");
    const held = await lease();
    assert.equal(held.spec?.holderIdentity, holder);
    assert.equal(held.spec?.leaseTransitions, transitions, "no leadership change");
    assert.ok(watch.maxRssMiB > 0 && watch.maxRssMiB < CHART_MEMORY_LIMIT_MIB, `peak RSS ${watch.maxRssMiB.toFixed(0)} MiB (operator ${watch.maxOwnRssMiB.toFixed(0)} MiB, workers ${watch.maxWorkersRssMiB.toFixed(0)} MiB)`);
    process.stderr.write(`[adversarial] probes ${watch.probes}, peak RSS ${watch.maxRssMiB.toFixed(0)} MiB (operator ${watch.maxOwnRssMiB.toFixed(0)}, workers ${watch.maxWorkersRssMiB.toFixed(0)}), most of one huge answer sent ${(vault.maxPerAnswer() / 1048576).toFixed(1)} MiB\n`);
  });

  it("wrote each hostile failure as one Event, and no planted value anywhere", async () => {
    const events = await k.events(hostileNs);
    for (const h of hostile.filter((x) => x.want === "False")) {
      const mine = (await k.core.listNamespacedEvent({ namespace: hostileNs, fieldSelector: `involvedObject.name=${h.name}` })).items.filter((e) => e.type === "Warning");
      // One Event per transition to the failure, not one per retry (a second only if the message changed).
      assert.ok(mine.length >= 1 && mine.length <= 2, `${h.name} has ${mine.length} Warning Events`);
    }
    const statuses = JSON.stringify(await listEs(ordinaryNs)) + JSON.stringify(await listEs(hostileNs));
    for (const value of [...first, ...rotated, "hostile-test-token"]) {
      for (const form of [value, JSON.stringify(value), value.toUpperCase(), Buffer.from(value).toString("base64")]) {
        assert.ok(!output.includes(form), "no planted value in the operator's logs");
        assert.ok(!events.includes(form), "no planted value in Events");
        assert.ok(!statuses.includes(form), "no planted value in status");
      }
    }
  });
});
