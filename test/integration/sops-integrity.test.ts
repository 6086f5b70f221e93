// The SOPS provider never turns a file it cannot verify into a Secret: a tampered value, a tampered MAC, content
// edited without sops, a file for other recipients and a missing identity each give Ready=False with a message
// that says which (never the value), the last good Secret stays, and a fixed commit recovers by itself.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { basicAuth, fixtureKey, gitStore, newRepo, planted, putSecret, sopsEncrypt } from "../helpers/sops.ts";

/** Changes one base64 character of the `data:` of the ENC[...] value on the line starting with `prefix`. */
function flipData(text: string, prefix: RegExp): string {
  const lines = text.split("\n");
  const index = lines.findIndex((line) => prefix.test(line));
  assert.ok(index >= 0, `no line matches ${prefix}`);
  lines[index] = lines[index]!.replace(/data:(.)/, (_all, first: string) => `data:${first === "A" ? "B" : "A"}`);
  return lines.join("\n");
}

describe("sops provider: integrity and keys", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const teamA = fixtureKey("team-a");
  const teamB = fixtureKey("team-b");
  const file = (password: string, recipient = teamA.recipient) =>
    sopsEncrypt(`password: ${password}\nnote_unencrypted: hello\n`, { format: "yaml", recipients: [recipient] }).toString("utf8");
  const good = { tv: planted("tv"), tm: planted("tm"), mm: planted("mm"), wk: planted("wk"), nk: planted("nk") };
  const bad = { tv: planted("tv-bad"), tm: planted("tm-bad"), mm: planted("mm-bad"), wk: planted("wk-bad"), nk: planted("nk-bad") };
  const fixed = { tv: planted("tv-fixed"), tm: planted("tm-fixed"), mm: planted("mm-fixed"), wk: planted("wk-fixed"), nk: planted("nk-fixed") };
  const { repo, url } = newRepo("sops-integrity");
  const cases = ["tv", "tm", "mm", "wk"] as const;

  before(async () => {
    repo.commit({ "tv.enc.yaml": file(good.tv), "tm.enc.yaml": file(good.tm), "mm.enc.yaml": file(good.mm), "wk.enc.yaml": file(good.wk), "nk.enc.yaml": file(good.nk) }, "good");
    ns = await freshNamespace("sops-integrity");
    await putSecret(k.core, ns, "sops-age", { "team-a.agekey": teamA.file });
    await putSecret(k.core, ns, "sops-age-nokey", { "team-a.agekey": teamA.file });
    await putSecret(k.core, ns, "git-auth", basicAuth());
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "sops", gitStore(url, { ref: { branch: "main" }, authSecret: "git-auth" }));
    await k.create("SecretStore", ns, "sops-nokey", gitStore(url, { ref: { branch: "main" }, authSecret: "git-auth", ageSecret: "sops-age-nokey" }));
    for (const name of [...cases, "nk"]) {
      await k.create("ExternalSecret", ns, name, {
        refreshInterval: "1s",
        secretStoreRef: { name: name === "nk" ? "sops-nokey" : "sops" },
        data: [{ secretKey: "password", remoteRef: { key: `${name}.enc.yaml`, property: "password" } }],
      });
    }
  });
  after(async () => {
    await op?.stop();
    repo.dispose();
  });

  const value = async (name: string) => decoded(await k.secret(ns, name)).password;
  const until = (name: string, want: string) => waitFor(`${name} = ${want.slice(0, 10)}`, async () => ((await value(name)) === want ? true : undefined), 60_000);
  const failing = (name: string) =>
    waitFor(`${name} Ready=False`, async () => {
      const es = await k.es(ns, name);
      return ready(es)?.status === "False" ? ready(es) : undefined;
    });

  it("syncs the good files first", async () => {
    for (const name of [...cases, "nk"] as const) await until(name, good[name]);
  });

  it("reports a tampered value, a tampered MAC, a MAC mismatch and other recipients, keeping the last good Secrets", async () => {
    repo.commit(
      {
        "tv.enc.yaml": flipData(file(bad.tv), /^password: ENC\[/),
        "tm.enc.yaml": flipData(file(bad.tm), /^\s+mac: ENC\[/),
        "mm.enc.yaml": file(bad.mm).replace("note_unencrypted: hello", "note_unencrypted: edited-by-hand"),
        "wk.enc.yaml": file(bad.wk, teamB.recipient),
      },
      "broken",
    );
    const messages = Object.fromEntries(await Promise.all(cases.map(async (name) => [name, (await failing(name))?.message ?? ""] as const)));
    assert.match(messages["tv"]!, /value password of tv\.enc\.yaml failed authentication \(tampered value/);
    assert.match(messages["tm"]!, /the MAC of tm\.enc\.yaml failed authentication \(tampered MAC/);
    assert.match(messages["mm"]!, /MAC mismatch in mm\.enc\.yaml/);
    assert.match(messages["wk"]!, new RegExp(`none of the 1 age identities matches a recipient of wk\\.enc\\.yaml \\(recipients: ${teamB.recipient}\\)`));
    for (const name of cases) {
      assert.equal(await value(name), good[name], `${name}: the last good Secret stays`);
      assert.ok(!messages[name]!.includes(bad[name]) && !messages[name]!.includes(good[name]), "no value in the message");
    }
    const events = await k.events(ns);
    assert.match(events, /UpdateFailed .*MAC mismatch in mm\.enc\.yaml/);
  });

  it("recovers when a fixed commit arrives", async () => {
    repo.commit({ "tv.enc.yaml": file(fixed.tv), "tm.enc.yaml": file(fixed.tm), "mm.enc.yaml": file(fixed.mm), "wk.enc.yaml": file(fixed.wk) }, "fixed");
    for (const name of cases) await until(name, fixed[name]);
    for (const name of cases) assert.equal(ready(await k.es(ns, name))?.status, "True");
  });

  it("reports a key Secret without identities, keeps the last good Secret, and recovers when the key returns", async () => {
    await putSecret(k.core, ns, "sops-age-nokey", { "README.txt": "the key was removed" });
    repo.commit({ "nk.enc.yaml": file(bad.nk) }, "needs the key");
    const condition = await failing("nk");
    assert.match(condition?.message ?? "", /sops-age-nokey has no \*\.agekey entry with a valid age identity/);
    assert.equal(await value("nk"), good.nk);
    await putSecret(k.core, ns, "sops-age-nokey", { "team-a.agekey": teamA.file });
    await until("nk", bad.nk);
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    const statuses = await Promise.all([...cases, "nk"].map(async (name) => JSON.stringify((await k.es(ns, name)).status)));
    for (const secretValue of [...Object.values(good), ...Object.values(bad), ...Object.values(fixed), teamA.identity, teamB.identity]) {
      assert.ok(!op.logs().includes(secretValue), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(secretValue), "a planted value appeared in Events");
      for (const status of statuses) assert.ok(!status.includes(secretValue), "a planted value appeared in status");
    }
  });
});
