// Tenants name the peers we read from. A Vault server and a Git server that answer 300 MiB, and a real Git
// repository holding a 128 MiB compression bomb, must each end as Ready=False with a clear reason, cost the
// operator (running in this process) no hundreds of MiB, and leave an ordinary ExternalSecret next to them syncing.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { pour, startHostileServer, type HostileServer } from "../helpers/hostile-http.ts";
import { basicAuth, fixtureKey, gitStore, newRepo, planted, putSecret, sopsEncrypt } from "../helpers/sops.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";

const MiB = 1024 * 1024;
const HUGE = 300 * MiB;
/** "Not hundreds of MiB": buffering any of these answers whole would cost 300-900 MiB. */
const RSS_GROWTH_BOUND = 250 * MiB;

/** Growth of this process's peak RSS (the kernel's high-water mark, so a short spike counts too). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

describe("hostile peers: capped reads", () => {
  let ns: string;
  let op: TestOperator;
  let vault: HostileServer;
  let gitPeer: HostileServer;
  const k = kube();
  const key = fixtureKey("team-a");
  const bomb = newRepo("bomb");
  const honest = newRepo("honest");
  const enc = (password: string) => sopsEncrypt(`password: ${password}\n`, { format: "yaml", recipients: [key.recipient] });
  const honestPasswords = [planted("honest-1"), planted("honest-2")];
  const ordinaryCalls = () => fakeCallCount({ store: `SecretStore/${ns}/good`, operation: "GetSecret" });
  let callsAtStart = 0;
  let vaultHostile = false;
  const goodPassword = planted("vault");

  const failed = (name: string, pattern: RegExp) =>
    waitFor(`${name} Ready=False ${pattern}`, async () => {
      const condition = ready(await k.es(ns, name));
      return condition?.status === "False" && pattern.test(condition.message ?? "") ? condition : undefined;
    }, 60_000);

  before(async () => {
    ns = await freshNamespace("hostile");
    vault = await startHostileServer((req, res) => {
      // The token checks answer like Vault, so the store is Ready and the ExternalSecret's own read is what fails;
      // the secret itself is an ordinary KV v2 answer until the server turns hostile.
      const answer = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
        return undefined;
      };
      if (req.url?.startsWith("/v1/auth/token/lookup-self")) return answer({ data: { ttl: 0, renewable: false } });
      if (!vaultHostile) return answer({ data: { data: { password: goodPassword }, metadata: { version: 1 } } });
      return pour(req, res, HUGE);
    });
    gitPeer = await startHostileServer((req, res) => pour(req, res, HUGE, "application/x-git-upload-pack-advertisement"));
    // A real repository whose one commit holds a sparse 128 MiB file of zeros: about 130 KiB once packed.
    writeFileSync(join(bomb.repo.work, "bomb.bin"), "");
    truncateSync(join(bomb.repo.work, "bomb.bin"), 128 * MiB);
    bomb.repo.commit({ "app.enc.yaml": enc(planted("bomb")) }, "with a bomb");
    honest.repo.commit({ "app.enc.yaml": enc(honestPasswords[0]!) }, "c1");

    op = await startTestOperator(ns);
    await putSecret(k.core, ns, "vault-token", { token: "hostile-test-token" });
    await putSecret(k.core, ns, "sops-age", { "team-a.agekey": key.file });
    await putSecret(k.core, ns, "git-basic", basicAuth());
    await k.create("SecretStore", ns, "good", { provider: { fake: { data: [{ key: "k", value: "v1" }] } } });
    await k.create("ExternalSecret", ns, "ordinary", { refreshInterval: "1s", secretStoreRef: { name: "good" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    assert.equal(decoded(await waitFor("ordinary secret", () => k.secret(ns, "ordinary"))).k, "v1");
    // An ordinary SOPS store on the real Git server: its packs pass the pack check.
    await k.create("SecretStore", ns, "honest", gitStore(honest.url, { ref: { branch: "main" }, authSecret: "git-basic" }));
    await k.create("ExternalSecret", ns, "from-honest", { refreshInterval: "1s", secretStoreRef: { name: "honest" }, data: [{ secretKey: "password", remoteRef: { key: "app.enc.yaml", property: "password" } }] });
    assert.equal(decoded(await waitFor("honest secret", () => k.secret(ns, "from-honest"))).password, honestPasswords[0]);
    callsAtStart = ordinaryCalls();
  });
  after(async () => {
    await op?.stop();
    await vault?.close();
    await gitPeer?.close();
    bomb.repo.dispose();
    honest.repo.dispose();
  });

  it("a Vault server turning to 300 MiB answers: Ready=False ResponseTooLarge, cut at 16 MiB, memory bounded, the last Secret kept", async (t) => {
    await k.create("SecretStore", ns, "hostile-vault", { provider: { vault: { server: vault.url, path: "kv", version: "v2", auth: { tokenSecretRef: { name: "vault-token", key: "token" } } } } });
    await k.create("ExternalSecret", ns, "from-vault", { refreshInterval: "1h", secretStoreRef: { name: "hostile-vault" }, data: [{ secretKey: "password", remoteRef: { key: "app", property: "password" } }] });
    assert.equal(decoded(await waitFor("from-vault secret", () => k.secret(ns, "from-vault"))).password, goodPassword);
    vaultHostile = true;
    const rssBefore = peakRss();
    // Any metadata change forces a sync.
    await k.patch("ExternalSecret", ns, "from-vault", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
    const condition = await failed("from-vault", /ResponseTooLarge/);
    assert.equal(condition.reason, "SecretSyncedError");
    assert.equal(condition.message, "could not sync secret: ResponseTooLarge: vault read kv/data/app: the response: larger than the 16 MiB limit");
    // A retry (backoff) hits the server again: every answer was cut short, none read whole.
    await waitFor("a retry", async () => (vault.pours.length >= 2 ? true : undefined), 60_000);
    await Promise.all(vault.pours.map((p) => p.done));
    t.diagnostic(`vault answers cut at ${vault.pours.map((p) => (p.written / MiB).toFixed(1)).join(", ")} MiB`);
    for (const p of vault.pours) {
      assert.equal(p.path, "/v1/kv/data/app");
      assert.equal(p.clientClosed, true, "the operator hung up");
      assert.ok(p.written < 64 * MiB, `the server got ${(p.written / MiB).toFixed(1)} MiB out before the hang-up`);
    }
    const growth = peakRss() - rssBefore;
    t.diagnostic(`peak RSS growth ${(growth / MiB).toFixed(0)} MiB`);
    assert.ok(growth < RSS_GROWTH_BOUND, `peak RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
    assert.equal(decoded(await k.secret(ns, "from-vault")).password, goodPassword, "the last good Secret stays");
  });

  it("a Git server answering 300 MiB: the SOPS store and its ExternalSecret fail with the 64 MiB limit, memory bounded", async (t) => {
    const rssBefore = peakRss();
    await k.create("SecretStore", ns, "hostile-git", gitStore(`${gitPeer.url}/repo.git`));
    await k.create("ExternalSecret", ns, "from-git", { refreshInterval: "1h", secretStoreRef: { name: "hostile-git" }, data: [{ secretKey: "password", remoteRef: { key: "app.enc.yaml", property: "password" } }] });
    const condition = await failed("from-git", /larger than the 64 MiB limit/);
    assert.match(condition.message ?? "", /git server http:\/\/127\.0\.0\.1:\d+\/repo\.git\/info\/refs: a response: larger than the 64 MiB limit/);
    await Promise.all(gitPeer.pours.map((p) => p.done));
    assert.ok(gitPeer.pours.length >= 1);
    t.diagnostic(`git answers cut at ${gitPeer.pours.map((p) => (p.written / MiB).toFixed(1)).join(", ")} MiB`);
    for (const p of gitPeer.pours) {
      assert.equal(p.clientClosed, true, "the operator hung up");
      assert.ok(p.written < 128 * MiB, `the server got ${(p.written / MiB).toFixed(1)} MiB out before the hang-up`);
    }
    const growth = peakRss() - rssBefore;
    t.diagnostic(`peak RSS growth ${(growth / MiB).toFixed(0)} MiB`);
    assert.ok(growth < RSS_GROWTH_BOUND, `peak RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
  });

  it("a real repository holding a 128 MiB compression bomb: the pack is refused before it is unpacked", async (t) => {
    const rssBefore = peakRss();
    await k.create("SecretStore", ns, "bomb", gitStore(bomb.url, { ref: { branch: "main" }, authSecret: "git-basic" }));
    await k.create("ExternalSecret", ns, "from-bomb", { refreshInterval: "1h", secretStoreRef: { name: "bomb" }, data: [{ secretKey: "password", remoteRef: { key: "app.enc.yaml", property: "password" } }] });
    const condition = await failed("from-bomb", /a packed object/);
    assert.match(condition.message ?? "", /git fetch of http:\/\/127\.0\.0\.1:\d+\/bomb-[0-9a-f]+\.git: a packed object: larger than the 64 MiB limit/);
    const growth = peakRss() - rssBefore;
    t.diagnostic(`peak RSS growth ${(growth / MiB).toFixed(0)} MiB`);
    assert.ok(growth < RSS_GROWTH_BOUND, `peak RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
    assert.equal(await k.secret(ns, "from-bomb"), undefined);
  });

  it("the ordinary ExternalSecrets next to them (fake, and SOPS from Git) kept syncing, and still do", async () => {
    // The hostile ExternalSecrets keep retrying with backoff in the background; the ordinary one refreshes every second.
    await waitFor("ordinary refreshes", async () => (ordinaryCalls() - callsAtStart >= 3 ? true : undefined));
    await k.patch("SecretStore", ns, "good", { spec: { provider: { fake: { data: [{ key: "k", value: "v2" }] } } } });
    await waitFor("ordinary rotated", async () => (decoded(await k.secret(ns, "ordinary")).k === "v2" ? true : undefined));
    assert.equal(ready(await k.es(ns, "ordinary"))?.status, "True");
    honest.repo.commit({ "app.enc.yaml": enc(honestPasswords[1]!) }, "c2");
    await waitFor("honest rotated", async () => (decoded(await k.secret(ns, "from-honest")).password === honestPasswords[1] ? true : undefined));
    assert.ok(!op.logs().includes(goodPassword) && !(await k.events(ns)).includes(goodPassword), "no value in logs or Events");
  });
});
