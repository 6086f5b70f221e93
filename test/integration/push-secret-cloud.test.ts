// PushSecret objects end to end on moto (Secrets Manager and Parameter Store, stores picked by labels) and on the
// Secret Manager emulator, writes counted at the peer: sources picked by labels and pushed key by key through dataTo
// (ReverseUnicode turning `_U002e_` back into a dot), one write per remote secret, none per idle cycle (nor at the
// apiserver), a foreign remote secret untouched, and deletionPolicy Delete removing what was pushed. The adapters'
// own cases (metadata, properties, denied writes) are in push-aws.test.ts and push-gcpsm.test.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { freshNamespace } from "../helpers/bench.ts";
import { ready, sleep, startTestOperator, waitFor, type TestOperator, kube } from "../helpers/operator.ts";
import { awsStoreSpec, createCredentialsSecret, moto, secretRefAuth, type ProxiedRequest } from "../helpers/moto.ts";
import { countingProxy, emulator, uniqueProject, type CountingProxy } from "../helpers/gcpsm.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { pushApi } from "../helpers/push.ts";

const AWS_WRITES = /^(secretsmanager\.(CreateSecret|PutSecretValue|TagResource|UntagResource|DeleteSecret)|ssm\.(PutParameter|AddTagsToResource|RemoveTagsFromResource|DeleteParameter))$/;

describe("PushSecret on moto: stores by labels, sources by labels, dataTo with ReverseUnicode", () => {
  const k = kube();
  const ps = pushApi();
  const m = moto();
  let ns: string;
  let op: TestOperator;
  const values = { host: planted("host"), user: planted("user"), foreign: planted("foreign") };
  const writes = (requests: ProxiedRequest[]) => requests.filter((r) => AWS_WRITES.test(r.op)).map((r) => r.op);
  const sm = async (id: string) => {
    const answer = await m.sm.send(new GetSecretValueCommand({ SecretId: id }));
    return answer.SecretString ?? Buffer.from(answer.SecretBinary ?? []).toString("utf8");
  };

  before(async () => {
    await m.reset();
    ns = await freshNamespace("push-moto");
    await createCredentialsSecret(ns);
    op = await startTestOperator(ns);
    const labels = { "push-target": "yes" };
    await k.create("SecretStore", ns, "sm", awsStoreSpec(m.endpoint, { auth: secretRefAuth("aws-creds") }), { labels });
    await k.create("SecretStore", ns, "ps", awsStoreSpec(m.endpoint, { service: "ParameterStore", auth: secretRefAuth("aws-creds") }), { labels });
    await k.create("SecretStore", ns, "unlabelled", awsStoreSpec(m.endpoint, { auth: secretRefAuth("aws-creds") }));
    await m.sm.send(new CreateSecretCommand({ Name: "team/foreign", SecretString: values.foreign }));
    await ps.putSecret(ns, "db", { "db_U002e_host": values.host }, { push: "yes" });
    await ps.putSecret(ns, "app", { "app_U002e_user": values.user }, { push: "yes" });
    await ps.putSecret(ns, "other", { ignored: "x" });
  });
  after(async () => {
    await op?.stop();
    m.close();
    const logs = op?.logs() ?? "";
    for (const value of Object.values(values)) for (const form of leakForms(value)) assert.ok(!logs.includes(form), "a value reached the logs");
  });

  it("pushes each labelled Secret's keys to each labelled store, one write per remote secret", async () => {
    await m.clearLog();
    await ps.create(ns, "bulk", {
      refreshInterval: "1s",
      deletionPolicy: "Delete",
      secretStoreRefs: [{ labelSelector: { matchLabels: { "push-target": "yes" } } }],
      selector: { secret: { selector: { matchLabels: { push: "yes" } } } },
      dataTo: [{ storeRef: { labelSelector: { matchLabels: { "push-target": "yes" } } }, conversionStrategy: "ReverseUnicode" }],
    });
    const done = await ps.waitReady(ns, "bulk", "True", "Synced", 60_000);
    assert.deepEqual(Object.keys(done.status?.syncedPushSecrets ?? {}).sort(), ["SecretStore/ps", "SecretStore/sm"]);
    assert.deepEqual(Object.keys(done.status?.syncedPushSecrets?.["SecretStore/sm"] ?? {}).sort(), ["app.user", "db.host"]);
    assert.equal(await sm("db.host"), values.host);
    assert.equal((await m.ssm.send(new GetParameterCommand({ Name: "app.user", WithDecryption: true }))).Parameter?.Value, values.user);
    const sent = writes(await m.requests()).sort();
    assert.deepEqual(sent, ["secretsmanager.CreateSecret", "secretsmanager.CreateSecret", "ssm.PutParameter", "ssm.PutParameter"]);
  });

  it("idle refreshes (1 s) write nothing at moto or at the apiserver", async () => {
    const before = await ps.get(ns, "bulk");
    await m.clearLog();
    await sleep(4_000);
    const requests = await m.requests();
    assert.deepEqual(writes(requests), []);
    assert.ok(requests.length > 0, "due refreshes compared with moto");
    assert.equal((await ps.get(ns, "bulk"))?.metadata.resourceVersion, before?.metadata.resourceVersion);
  });

  it("a foreign secret is left untouched, and Delete removes exactly what was pushed", async () => {
    await ps.create(ns, "foreign", { secretStoreRefs: [{ name: "sm" }], selector: { secret: { name: "other" } }, data: [{ match: { secretKey: "ignored", remoteRef: { remoteKey: "team/foreign" } } }] });
    const refused = await ps.waitReady(ns, "foreign", "False", "Errored");
    assert.match(ready(refused)?.message ?? "", /NotOwned/);
    assert.equal(await sm("team/foreign"), values.foreign);
    await m.clearLog();
    await ps.delete(ns, "bulk");
    await waitFor("PushSecret gone", async () => ((await ps.get(ns, "bulk")) ? undefined : true));
    assert.deepEqual(writes(await m.requests()).sort(), ["secretsmanager.DeleteSecret", "secretsmanager.DeleteSecret", "ssm.DeleteParameter", "ssm.DeleteParameter"]);
    assert.equal(await sm("team/foreign"), values.foreign);
  });
});

describe("PushSecret on the Secret Manager emulator", () => {
  const k = kube();
  const ps = pushApi();
  const project = uniqueProject("ps");
  const GCP_WRITES = new Set(["POST", "PATCH", "DELETE"]);
  let ns: string;
  let op: TestOperator;
  let proxy: CountingProxy;
  let methods: string[] = [];
  const value = planted("gcp");
  const latest = async (id: string) => {
    const response = await fetch(`${emulator().endpoint}/v1/projects/${project}/secrets/${id}/versions/latest:access`);
    return response.ok ? Buffer.from(((await response.json()) as { payload: { data: string } }).payload.data, "base64").toString() : undefined;
  };

  before(async () => {
    ns = await freshNamespace("push-gcp");
    proxy = await countingProxy(0, {
      respond(method) {
        methods.push(method);
        return undefined;
      },
    });
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "gcpsm", { provider: { gcpsm: { projectID: project, endpoint: proxy.endpoint } } });
    await ps.putSecret(ns, "src", { token: value });
  });
  after(async () => {
    await op?.stop();
    await proxy?.close();
  });

  it("creates once, writes nothing at rest, removes on delete", async () => {
    methods = [];
    await ps.create(ns, "gcp", { refreshInterval: "1s", deletionPolicy: "Delete", secretStoreRefs: [{ name: "gcpsm" }], selector: { secret: { name: "src" } }, data: [{ match: { secretKey: "token", remoteRef: { remoteKey: "app-token" } } }] });
    await ps.waitReady(ns, "gcp", "True", "Synced", 60_000);
    assert.equal(await latest("app-token"), value);
    assert.equal(methods.filter((method) => GCP_WRITES.has(method)).length, 2, "CreateSecret + AddSecretVersion");
    methods = [];
    await sleep(4_000);
    assert.ok(methods.length > 0, "due refreshes compared with the emulator");
    assert.equal(methods.filter((method) => GCP_WRITES.has(method)).length, 0, "idle refreshes wrote nothing");
    await ps.delete(ns, "gcp");
    await waitFor("PushSecret gone", async () => ((await ps.get(ns, "gcp")) ? undefined : true));
    assert.equal(await latest("app-token"), undefined);
  });
});
