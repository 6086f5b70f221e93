// OpenBao stopped and started again under a running operator: while it is down the ExternalSecret reports
// the outage and its Secret keeps the last good data; once it is back (empty, as dev mode keeps everything
// in memory, so the test provisions it again) the session logs in anew and syncs on its own.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, bao, baoApi, enableAuth, loginCount, mountKv, startOpenBaoAgain, stopOpenBao, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { planted } from "../helpers/planted.ts";


describe("vault provider: OpenBao restart", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const kv = unique("restart-kv");
  const mount = unique("userpass");
  const password = planted();
  const before1 = planted();
  const after1 = planted();

  const seed = async (value: string) => {
    const b = bao();
    await mountKv(b, kv, "2");
    await writeKv(b, kv, "app", { value });
    await writePolicy(b, `${kv}-read`, `path "${kv}/data/*" { capabilities = ["read"] }`);
    await enableAuth(b, "userpass", mount);
    await baoApi(b, "POST", `auth/${mount}/users/app`, { password, token_policies: [`${kv}-read`], token_ttl: "1h" });
  };

  before(async () => {
    ns = await freshNamespace("vault-restart");
    await seed(before1);
    op = await startTestOperator(ns);
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "login" }, stringData: { password } } });
    await k.create("SecretStore", ns, "bao", { provider: { vault: { ...vaultServer(), path: kv, auth: { userPass: { path: mount, username: "app", secretRef: { name: "login", key: "password" } } } } } });
  });
  after(async () => {
    await op?.stop();
  });

  it("keeps the Secret while OpenBao is down and recovers by itself when it is back", async () => {
    await k.create("ExternalSecret", ns, "app", { refreshInterval: "1s", secretStoreRef: { name: "bao" }, data: [{ secretKey: "v", remoteRef: { key: "app", property: "value" } }] });
    await waitFor("first sync", async () => (decoded(await k.secret(ns, "app")).v === before1 ? true : undefined));
    assert.equal(loginCount(mount), 1);

    await stopOpenBao();
    try {
      const down = await waitFor("Ready=False while down", async () => {
        const es = await k.es(ns, "app");
        return ready(es)?.status === "False" ? es : undefined;
      });
      assert.match(ready(down)?.message ?? "", /no answer from the server \(ECONNREFUSED\)/);
      for (let i = 0; i < 5; i++) {
        assert.deepEqual(decoded(await k.secret(ns, "app")), { v: before1 }, "the Secret must keep its last good data");
        await sleep(400);
      }
    } finally {
      await startOpenBaoAgain();
    }
    await seed(after1);
    await waitFor("recovered with the new server's value", async () => (decoded(await k.secret(ns, "app")).v === after1 ? true : undefined), 60_000);
    await waitFor("Ready=True again", async () => (ready(await k.es(ns, "app"))?.status === "True" ? true : undefined));
    // Back to one session: later refreshes reuse the new token.
    const logins = loginCount(mount);
    await sleep(3000);
    assert.equal(loginCount(mount), logins, "no login per refresh after recovery");
    await assertNoLeaks(op, ns, [password, before1, after1]);
  });
});
