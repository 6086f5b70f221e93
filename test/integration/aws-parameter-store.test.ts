// AWS SSM Parameter Store on the real moto: decrypted reads, `name:version` and labels via remoteRef.version,
// property and extract on JSON parameters, find by path (recursive), by name regexp and by tags, batched reads
// (GetParameters) and a deleted parameter; no planted value in logs, Events or status.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { AddTagsToResourceCommand, DeleteParameterCommand, LabelParameterVersionCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { awsStoreSpec, moto, opCounts, secretRefAuth, createCredentialsSecret } from "../helpers/moto.ts";
import { planted } from "../helpers/planted.ts";


describe("aws provider: Parameter Store on moto", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const m = moto();
  const first = planted();
  const second = planted();
  const dbPassword = planted();
  const deep = planted();
  const tagged = planted();

  const put = (Name: string, Value: string, Type: "String" | "SecureString" = "SecureString", Overwrite = false) => m.ssm.send(new PutParameterCommand({ Name, Value, Type, Overwrite }));

  before(async () => {
    await m.reset();
    await put("/app/api-key", first);
    await put("/app/api-key", second, "SecureString", true);
    await m.ssm.send(new LabelParameterVersionCommand({ Name: "/app/api-key", ParameterVersion: 1, Labels: ["old"] }));
    await put("/app/db", JSON.stringify({ user: "app", password: dbPassword, pool: { size: 5 } }));
    await put("/app/deep/nested/value", deep);
    await put("/other/plain", "plain", "String");
    await put("/tagged/one", tagged, "String");
    await m.ssm.send(new AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: "/tagged/one", Tags: [{ Key: "team", Value: "web" }] }));
    await put("/tagged/two", "not-web", "String");
    await m.ssm.send(new AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: "/tagged/two", Tags: [{ Key: "team", Value: "api" }] }));
    await put("/doomed", "here-now", "String");
    ns = await freshNamespace("aws-ps");
    await createCredentialsSecret(ns);
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "ps", awsStoreSpec(m.endpoint, { service: "ParameterStore", auth: secretRefAuth("aws-creds") }));
  });
  after(async () => {
    await op?.stop();
    m.close();
  });

  it("reads decrypted values, a version number and a label", async () => {
    await k.create("ExternalSecret", ns, "versions", {
      refreshInterval: "1h",
      secretStoreRef: { name: "ps", kind: "SecretStore" },
      data: [
        { secretKey: "latest", remoteRef: { key: "/app/api-key" } },
        { secretKey: "v1", remoteRef: { key: "/app/api-key", version: "1" } },
        { secretKey: "label", remoteRef: { key: "/app/api-key", version: "old" } },
        { secretKey: "selector", remoteRef: { key: "/app/api-key:2" } },
      ],
    });
    assert.deepEqual(decoded(await waitFor("secret versions", () => k.secret(ns, "versions"))), { latest: second, v1: first, label: first, selector: second });
  });

  it("picks a property and extracts a JSON parameter", async () => {
    await k.create("ExternalSecret", ns, "json", {
      refreshInterval: "1h",
      secretStoreRef: { name: "ps" },
      data: [{ secretKey: "size", remoteRef: { key: "/app/db", property: "pool.size" } }],
      dataFrom: [{ extract: { key: "/app/db" } }],
    });
    assert.deepEqual(decoded(await waitFor("secret json", () => k.secret(ns, "json"))), { user: "app", password: dbPassword, pool: '{"size":5}', size: "5" });
  });

  it("finds parameters by path (recursive), by name regexp and by tags", async () => {
    await m.clearLog();
    await k.create("ExternalSecret", ns, "by-path", { refreshInterval: "1h", secretStoreRef: { name: "ps" }, dataFrom: [{ find: { path: "/app" } }] });
    const byPath = decoded(await waitFor("by-path", () => k.secret(ns, "by-path")));
    assert.deepEqual(Object.keys(byPath).sort(), ["_app_api-key", "_app_db", "_app_deep_nested_value"]);
    assert.equal(byPath["_app_deep_nested_value"], deep);
    assert.ok((await m.requests("ssm.GetParametersByPath")).length >= 1, "a path find uses GetParametersByPath");

    await k.create("ExternalSecret", ns, "by-name", { refreshInterval: "1h", secretStoreRef: { name: "ps" }, dataFrom: [{ find: { name: { regexp: "^/tagged/" } } }] });
    assert.deepEqual(decoded(await waitFor("by-name", () => k.secret(ns, "by-name"))), { _tagged_one: tagged, _tagged_two: "not-web" });

    await m.clearLog();
    await k.create("ExternalSecret", ns, "by-tags", { refreshInterval: "1h", secretStoreRef: { name: "ps" }, dataFrom: [{ find: { tags: { team: "web" } } }] });
    assert.deepEqual(decoded(await waitFor("by-tags", () => k.secret(ns, "by-tags"))), { _tagged_one: tagged });
    const counts = opCounts(await m.requests());
    assert.equal(counts["ssm.DescribeParameters"], 1, JSON.stringify(counts));
  });

  it("reads distinct parameters needed together with one GetParameters call", async () => {
    await m.clearLog();
    await k.create("ExternalSecret", ns, "batched", {
      refreshInterval: "1h",
      secretStoreRef: { name: "ps" },
      dataFrom: [{ find: { name: { regexp: "^/(app/deep|other|tagged)/" } } }],
    });
    assert.equal(Object.keys(decoded(await waitFor("batched", () => k.secret(ns, "batched")))).length, 4);
    const counts = opCounts(await m.requests());
    // Four names found by DescribeParameters, read in one GetParameters call (10 names per call).
    assert.equal(counts["ssm.GetParameters"], 1, JSON.stringify(counts));
    assert.equal(counts["ssm.GetParameter"] ?? 0, 0, JSON.stringify(counts));
  });

  it("returns tags with metadataPolicy: Fetch", async () => {
    await k.create("ExternalSecret", ns, "meta", {
      refreshInterval: "1h",
      secretStoreRef: { name: "ps" },
      data: [
        { secretKey: "team", remoteRef: { key: "/tagged/one", property: "team", metadataPolicy: "Fetch" } },
        { secretKey: "all", remoteRef: { key: "/tagged/two", metadataPolicy: "Fetch" } },
      ],
    });
    assert.deepEqual(decoded(await waitFor("secret meta", () => k.secret(ns, "meta"))), { team: "web", all: '{"team":"api"}' });
  });

  it("applies deletionPolicy Delete when the parameter is deleted", async () => {
    await k.create("ExternalSecret", ns, "doomed", { refreshInterval: "1s", secretStoreRef: { name: "ps" }, target: { deletionPolicy: "Delete" }, data: [{ secretKey: "v", remoteRef: { key: "/doomed" } }] });
    await waitFor("secret doomed", () => k.secret(ns, "doomed"));
    await m.ssm.send(new DeleteParameterCommand({ Name: "/doomed" }));
    await waitFor("Ready SecretDeleted", async () => (ready(await k.es(ns, "doomed"))?.reason === "SecretDeleted" ? true : undefined));
    assert.equal(await k.secret(ns, "doomed"), undefined);
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    const list = (await k.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets" })) as { items: unknown[] };
    const statuses = JSON.stringify(list.items.map((item) => (item as { status?: unknown }).status));
    for (const value of [first, second, dbPassword, deep, tagged]) {
      assert.ok(!op.logs().includes(value), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(value), "a planted value appeared in Events");
      assert.ok(!statuses.includes(value), "a planted value appeared in an ExternalSecret status");
    }
  });
});
