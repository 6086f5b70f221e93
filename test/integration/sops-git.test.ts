// The SOPS provider's Git source against the bench's git server (git http-backend, basic and bearer auth):
// branch, annotated and lightweight tags, a pinned commit (also where the server refuses SHA wants), the default
// branch, new commits and moved tags picked up, refused credentials, and one decryption per content change.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { basicAuth, fixtureKey, gitServer, gitStore, newRepo, planted, putSecret, sopsEncrypt } from "../helpers/sops.ts";
import { sopsDecryptionCount } from "../../providers/sops/index.ts";
import { providerCallCount } from "../../src/provider/call-metrics.ts";

describe("sops provider: git source", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const key = fixtureKey("team-a");
  const enc = (values: Record<string, string>) => sopsEncrypt(Object.entries(values).map(([name, value]) => `${name}: ${value}\n`).join(""), { format: "yaml", recipients: [key.recipient] });
  const pw = { c1: planted("c1"), c2: planted("c2"), c3: planted("c3"), release: planted("release"), moved: planted("moved"), strict: planted("strict") };
  const { repo, url } = newRepo("sops-git");
  const strict = newRepo("sops-git-strict");
  const commits: Record<string, string> = {};

  before(async () => {
    commits["c1"] = repo.commit({ "app.enc.yaml": enc({ password: pw.c1 }) }, "c1");
    repo.tag("v1");
    repo.tag("v1-light", true);
    commits["c2"] = repo.commit({ "app.enc.yaml": enc({ password: pw.c2 }) }, "c2");
    repo.commit({ "app.enc.yaml": enc({ password: pw.release }) }, "release", "release");
    repo.commit({}, "back on main", "main");
    commits["strict"] = strict.repo.commit({ "app.enc.yaml": enc({ password: pw.strict }) }, "strict c1");
    strict.repo.commit({ "app.enc.yaml": enc({ password: planted("later") }) }, "strict c2");
    // A commit reachable only from a hidden ref: the server refuses it by SHA and no branch has it.
    commits["hidden"] = strict.repo.commit({ "app.enc.yaml": enc({ password: planted("hidden") }) }, "hidden", "hidden");
    strict.repo.commit({}, "back on main", "main");
    strict.repo.updateRef("refs/hidden/pinned", commits["hidden"]);
    strict.repo.updateRef("refs/heads/hidden", null);
    strict.repo.config("uploadpack.hideRefs", "refs/hidden");
    strict.repo.config("uploadpack.allowReachableSHA1InWant", "false");

    ns = await freshNamespace("sops-git");
    await putSecret(k.core, ns, "sops-age", { "team-a.agekey": key.file });
    await putSecret(k.core, ns, "git-basic", basicAuth());
    await putSecret(k.core, ns, "git-token", { bearerToken: gitServer().token });
    op = await startTestOperator(ns);
    const stores: Record<string, ReturnType<typeof gitStore>> = {
      branch: gitStore(url, { ref: { branch: "main" }, authSecret: "git-basic" }),
      release: gitStore(url, { ref: { branch: "release" }, authSecret: "git-basic" }),
      tag: gitStore(url, { ref: { tag: "v1" }, authSecret: "git-token" }),
      light: gitStore(url, { ref: { tag: "v1-light" }, authSecret: "git-basic" }),
      commit: gitStore(url, { ref: { commit: commits["c1"]! }, authSecret: "git-token" }),
      default: gitStore(url, { authSecret: "git-basic" }),
      strict: gitStore(strict.url, { ref: { commit: commits["strict"]! }, authSecret: "git-basic" }),
    };
    for (const [name, spec] of Object.entries(stores)) {
      await k.create("SecretStore", ns, name, spec);
      await k.create("ExternalSecret", ns, `es-${name}`, {
        refreshInterval: "1s",
        secretStoreRef: { name },
        data: [{ secretKey: "password", remoteRef: { key: "app.enc.yaml", property: "password" } }],
      });
    }
  });
  after(async () => {
    await op?.stop();
    repo.dispose();
    strict.repo.dispose();
  });

  const value = async (name: string) => decoded(await k.secret(ns, name)).password;
  const until = (name: string, want: string) => waitFor(`${name} = ${want.slice(0, 8)}`, async () => ((await value(name)) === want ? true : undefined));

  it("reads a branch, annotated and lightweight tags, a pinned commit and the default branch, with basic and bearer auth", async () => {
    await until("es-branch", pw.c2);
    await until("es-release", pw.release);
    await until("es-tag", pw.c1);
    await until("es-light", pw.c1);
    await until("es-commit", pw.c1);
    await until("es-default", pw.c2);
  });

  it("reads a pinned commit that is no longer a branch tip", async () => {
    await until("es-strict", pw.strict);
  });

  it("reports a pinned commit the server does not serve (refused by SHA, in no branch)", async () => {
    await k.create("SecretStore", ns, "hidden", gitStore(strict.url, { ref: { commit: commits["hidden"]! }, authSecret: "git-basic" }));
    await k.create("ExternalSecret", ns, "es-hidden", {
      refreshInterval: "1s",
      secretStoreRef: { name: "hidden" },
      data: [{ secretKey: "password", remoteRef: { key: "app.enc.yaml", property: "password" } }],
    });
    const condition = await waitFor("es-hidden Ready=False", async () => {
      const current = ready(await k.es(ns, "es-hidden"));
      return current?.status === "False" ? current : undefined;
    });
    assert.match(condition?.message ?? "", new RegExp(`commit ${commits["hidden"]!.slice(0, 12)} not found in ${strict.url.replace(/[.]/g, "\\.")}`));
    assert.ok(op.logs().includes("fetch by commit refused"), "the SHA want was refused and every branch was fetched instead");
    assert.equal(await k.secret(ns, "es-hidden"), undefined);
  });

  it("picks up a new commit on the branch at the next refresh; tags and pinned commits stay", async () => {
    const fetchesBefore = providerCallCount({ provider: "sops", call: "GitUploadPack" });
    repo.commit({ "app.enc.yaml": enc({ password: pw.c3 }) }, "c3");
    await until("es-branch", pw.c3);
    await until("es-default", pw.c3);
    assert.equal(await value("es-tag"), pw.c1);
    assert.equal(await value("es-commit"), pw.c1);
    assert.equal(await value("es-release"), pw.release);
    assert.ok(providerCallCount({ provider: "sops", call: "GitUploadPack" }) > fetchesBefore, "the branch was fetched again");
    const es = await k.es(ns, "es-branch");
    assert.equal(ready(es)?.status, "True");
  });

  it("follows a moved tag", async () => {
    repo.commit({ "app.enc.yaml": enc({ password: pw.moved }) }, "for the moved tag");
    repo.tag("v1");
    await until("es-tag", pw.moved);
    await until("es-branch", pw.moved);
    await until("es-default", pw.moved);
    assert.equal(await value("es-commit"), pw.c1);
  });

  it("reports refused credentials as Ready=False and keeps the last good Secret, then recovers", async () => {
    const last = await value("es-release");
    await putSecret(k.core, ns, "git-basic", { username: "bench", password: "wrong" });
    // The new commit lands only once the refusal is seen: a fetch that read the good credentials just before the
    // change could otherwise still bring it, and the test would race the operator rather than test it.
    const es = await waitFor("es-release failing", async () => {
      const current = await k.es(ns, "es-release");
      return ready(current)?.status === "False" ? current : undefined;
    });
    assert.match(ready(es)?.message ?? "", /refused the credentials|not ready/);
    const rotated = planted("rotated");
    repo.commit({ "app.enc.yaml": enc({ password: rotated }) }, "rotated on release", "release");
    repo.commit({}, "back", "main");
    await sleep(2000); // refreshes that fail meanwhile
    assert.equal(await value("es-release"), last, "the last good Secret stays");
    await putSecret(k.core, ns, "git-basic", basicAuth());
    await waitFor("es-release recovered", async () => ((await value("es-release")) === rotated ? true : undefined), 60_000);
    for (const name of ["es-branch", "es-default", "es-light", "es-release"]) {
      await waitFor(`${name} Ready again`, async () => (ready(await k.es(ns, name))?.status === "True" ? true : undefined), 60_000);
    }
  });

  it("decrypts a file once per content change however many ExternalSecrets read it", async () => {
    const shared = newRepo("sops-git-cache");
    const v1 = planted("shared1");
    const v2 = planted("shared2");
    const [sharedFile, otherFile] = ["cache-shared.enc.yaml", "cache-other.enc.yaml"];
    const decryptions = () => sopsDecryptionCount(sharedFile) + sopsDecryptionCount(otherFile);
    shared.repo.commit({ [sharedFile]: enc({ password: v1, user: "app" }), [otherFile]: enc({ password: "o1" }) }, "v1");
    await k.create("SecretStore", ns, "shared", gitStore(shared.url, { ref: { branch: "main" }, authSecret: "git-token" }));
    const before = decryptions();
    const readers = ["r1", "r2", "r3", "r4", "r5", "r6"];
    for (const [i, name] of readers.entries()) {
      await k.create("ExternalSecret", ns, name, {
        refreshInterval: "1s",
        secretStoreRef: { name: "shared" },
        ...(i % 2 === 0
          ? { data: [{ secretKey: "password", remoteRef: { key: sharedFile, property: "password" } }] }
          : { dataFrom: [{ extract: { key: sharedFile } }] }),
      });
    }
    await k.create("ExternalSecret", ns, "other", {
      refreshInterval: "1s",
      secretStoreRef: { name: "shared" },
      data: [{ secretKey: "password", remoteRef: { key: otherFile, property: "password" } }],
    });
    for (const name of readers) await until(name, v1);
    await until("other", "o1");
    assert.equal(decryptions() - before, 2, "one decryption per file, not per ExternalSecret");

    shared.repo.commit({ [sharedFile]: enc({ password: v2, user: "app" }) }, "v2");
    for (const name of readers) await until(name, v2);
    assert.equal(decryptions() - before, 3, "one more decryption for the changed file only");

    shared.repo.commit({ [otherFile]: enc({ password: "o2" }) }, "other changed");
    await until("other", "o2");
    const fetches = providerCallCount({ provider: "sops", call: "GitUploadPack" });
    await waitFor("two more fetches", async () => (providerCallCount({ provider: "sops", call: "GitUploadPack" }) >= fetches + 4 ? true : undefined));
    assert.equal(decryptions() - before, 4, "refreshes without content changes decrypt nothing");
    shared.repo.dispose();
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    const names = ["es-branch", "es-release", "es-tag", "es-light", "es-commit", "es-default", "es-strict", "r1", "r2", "other"];
    const statuses = await Promise.all(names.map(async (name) => JSON.stringify((await k.es(ns, name)).status)));
    for (const secretValue of [...Object.values(pw), key.identity, basicAuth().password, gitServer().token]) {
      assert.ok(!op.logs().includes(secretValue), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(secretValue), "a planted value appeared in Events");
      for (const status of statuses) assert.ok(!status.includes(secretValue), "a planted value appeared in status");
    }
  });
});
