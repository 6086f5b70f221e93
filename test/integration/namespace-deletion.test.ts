// A namespace being deleted: the namespace controller deletes its stores and Secrets, possibly before their
// ExternalSecrets, and the apiserver refuses new objects in it (403, cause NamespaceTerminating), Events included.
// The failed syncs that follow are the deletion's: the operator notes them at debug and lets go, without a warning,
// an Event or a retry with backoff for each.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { planted } from "../helpers/planted.ts";

describe("ExternalSecrets in a namespace being deleted", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();

  before(async () => {
    ns = await freshNamespace("ns-deletion");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "k", value: planted("ns-deletion") }] } } });
    // A finalizer keeps the ExternalSecret while the namespace controller deletes the Secret under it.
    await k.create("ExternalSecret", ns, "held", { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key: "k" } }] }, { finalizers: ["test.secrets-bridge.dev/hold"] });
    await waitForReady(k, ns, "held", "True", "SecretSynced");
  });
  after(async () => {
    await op?.stop();
  });

  it("the syncs that fail meanwhile are neither warnings nor retried", async () => {
    await k.core.deleteNamespace({ name: ns });
    await waitFor("secret deleted by the namespace controller", async () => ((await k.secret(ns, "held")) === undefined ? true : undefined), 60_000);
    // Whether a sync runs in between depends on the order the namespace controller deletes in (the ExternalSecret's
    // deletionTimestamp first: nothing syncs); when one does, it fails and must say nothing above debug.
    await sleep(3000);
    const warnings = op.logs().split("\n").filter((line) => line.includes('"level":"warn"') && line.includes(ns));
    assert.deepEqual(warnings, [], "no warning about the ExternalSecret");
    await k.patch("ExternalSecret", ns, "held", { metadata: { finalizers: null } });
  });
});
