// Issue 14 with the fake provider on the real apiserver: a careless edit at the provider (a renamed property,
// a find that now matches nothing, a document emptied to {}) leaves the old Secret exactly as it was and says
// why; only the provider confirming the whole key gone applies deletionPolicy Delete.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { assertKeptThrough, propertyMissing, RETAINED, retainedUnconfirmed, syncedSnapshot } from "../helpers/secret-kept.ts";

type Entry = { key: string; value: string };

describe("data is never lost silently: fake provider", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();

  /** A store of its own, an ExternalSecret synced from it, the Secret's snapshot, then the store edited. */
  const scenario = async (name: string, data: Entry[], es: Record<string, unknown>, edited: Entry[]) => {
    await k.create("SecretStore", ns, name, { provider: { fake: { data } } });
    const before = await syncedSnapshot(k, ns, name, { secretStoreRef: { name }, ...es });
    await k.patch("SecretStore", ns, name, { spec: { provider: { fake: { data: edited } } } });
    return before;
  };

  before(async () => {
    ns = await freshNamespace("data-kept-fake");
    op = await startTestOperator(ns);
  });
  after(async () => {
    await op?.stop();
  });

  it("a property renamed at the provider under deletionPolicy Delete: an error, the Secret kept", async () => {
    const before = await scenario(
      "renamed",
      [{ key: "db", value: '{"password":"p-1","user":"app"}' }],
      { target: { deletionPolicy: "Delete" }, data: [{ secretKey: "pw", remoteRef: { key: "db", property: "password" } }] },
      [{ key: "db", value: '{"passwd":"p-1","user":"app"}' }],
    );
    await assertKeptThrough(k, ns, "renamed", before, propertyMissing("password", "key db"));
  });

  it("a find that now matches nothing under Retain: retained as ESO does, the Secret kept", async () => {
    const before = await scenario("find-retain", [{ key: "/app/a", value: "1" }, { key: "/app/b", value: "2" }], { dataFrom: [{ find: { path: "/app/" } }] }, [{ key: "/other/a", value: "1" }]);
    await assertKeptThrough(k, ns, "find-retain", before, RETAINED);
  });

  it("a find that now matches nothing under Delete: retained (nothing confirmed gone), the Secret kept", async () => {
    const before = await scenario(
      "find-delete",
      [{ key: "/app/a", value: "1" }],
      { target: { deletionPolicy: "Delete" }, dataFrom: [{ find: { path: "/app/" } }] },
      [{ key: "/other/a", value: "1" }],
    );
    await assertKeptThrough(k, ns, "find-delete", before, retainedUnconfirmed("Delete"));
  });

  it("an extract of {} under Retain: retained, the Secret kept", async () => {
    const before = await scenario("extract-empty", [{ key: "cfg", value: '{"a":"1","b":"2"}' }], { dataFrom: [{ extract: { key: "cfg" } }] }, [{ key: "cfg", value: "{}" }]);
    await assertKeptThrough(k, ns, "extract-empty", before, RETAINED);
  });

  it("an extract of {} under Merge: retained, the Secret kept with its keys", async () => {
    const before = await scenario(
      "extract-merge",
      [{ key: "cfg", value: '{"a":"1"}' }],
      { target: { deletionPolicy: "Merge" }, dataFrom: [{ extract: { key: "cfg" } }] },
      [{ key: "cfg", value: "{}" }],
    );
    await assertKeptThrough(k, ns, "extract-merge", before, retainedUnconfirmed("Merge"));
  });

  it("the whole key gone under Delete still deletes the Secret (ESO)", async () => {
    await scenario("gone", [{ key: "db", value: '{"password":"p-1"}' }], { target: { deletionPolicy: "Delete" }, data: [{ secretKey: "pw", remoteRef: { key: "db", property: "password" } }] }, [{ key: "other", value: "x" }]);
    await waitForReady(k, ns, "gone", "True", "SecretDeleted");
    await waitFor("Secret gone deleted", async () => ((await k.secret(ns, "gone")) === undefined ? true : undefined));
    assert.equal(await k.secret(ns, "gone"), undefined);
  });
});
