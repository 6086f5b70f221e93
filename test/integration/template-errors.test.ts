// Template errors become Ready=False conditions naming the template and its line (never a value), with
// one Event; the last good Secret stays untouched; an invalid output key is an error; fixing the
// template recovers. Planted values never reach logs, Events or status, even when a template prints them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { planted } from "../helpers/planted.ts";


describe("template errors as conditions", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const password = planted();

  const notReady = (name: string) =>
    waitFor(`${name} Ready=False`, async () => {
      const es = await k.es(ns, name);
      return ready(es)?.status === "False" ? es : undefined;
    });
  const message = (es: ExternalSecret) => ready(es)?.message ?? "";

  before(async () => {
    ns = await freshNamespace("tpl-errors");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "/db", value: JSON.stringify({ user: "app", password }) }] } } });
  });
  after(async () => {
    await op?.stop();
  });

  it("a parse error names the key and line; the last good Secret stays; fixing it recovers", async () => {
    await k.create("ExternalSecret", ns, "conf", {
      refreshInterval: "1h",
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/db" } }],
      target: { template: { data: { "app.conf": "user={{ .user }}\npass={{ .password }}\n" } } },
    });
    const good = await waitFor("secret conf", () => k.secret(ns, "conf"));
    assert.equal(decoded(good)["app.conf"], `user=app\npass=${password}\n`);

    await k.patch("ExternalSecret", ns, "conf", { spec: { target: { template: { data: { "app.conf": "user={{ .user }}\npass={{ .password | nosuchfn }}\n" } } } } });
    const es = await notReady("conf");
    assert.equal(ready(es)?.reason, "SecretSyncedError");
    assert.match(message(es), /template "app\.conf" line 2: .*function "nosuchfn" not defined/);
    const after = await k.secret(ns, "conf");
    assert.equal(after?.metadata?.resourceVersion, good.metadata?.resourceVersion, "the last good Secret is untouched");
    assert.equal((await k.events(ns)).match(/UpdateFailed/g)?.length, 1, "one Event for the failure");

    await k.patch("ExternalSecret", ns, "conf", { spec: { target: { template: { data: { "app.conf": "user={{ .user | upper }}\n" } } } } });
    await waitFor("recovered", async () => (decoded(await k.secret(ns, "conf"))["app.conf"] === "user=APP\n" ? true : undefined));
    assert.equal(ready(await k.es(ns, "conf"))?.status, "True");
  });

  it("an execution error names the key and line, and a value the template prints is scrubbed", async () => {
    await k.create("ExternalSecret", ns, "failing", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/db" } }],
      target: { template: { data: { token: '{{ .user }}\n{{ .nokey }}', leak: '{{ if true }}\n\n{{ fail (printf "bad password %s" .password) }}{{ end }}' } } },
    });
    const es = await notReady("failing");
    assert.match(message(es), /template "(token|leak)" line (2|3): /);
    assert.ok(!message(es).includes(password));
    assert.equal(await k.secret(ns, "failing"), undefined, "no Secret from a failing template");
  });

  it("an execution error reports missingkey=error for an absent key", async () => {
    await k.create("ExternalSecret", ns, "missing", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/db" } }],
      target: { template: { data: { out: 'a={{ index . "nokey" | default "fallback" }}\nb={{ .nokey }}' } } },
    });
    const es = await notReady("missing");
    assert.match(message(es), /template "out" line 2: .*map has no entry for key "nokey"/);
  });

  it("an execution error that depends on the data recovers when the data changes (no spec change)", async () => {
    await k.create("SecretStore", ns, "fake2", { provider: { fake: { data: [{ key: "/cfg", value: JSON.stringify({ a: "1" }) }] } } });
    await k.create("ExternalSecret", ns, "datadep", {
      refreshInterval: "1s",
      secretStoreRef: { name: "fake2" },
      dataFrom: [{ extract: { key: "/cfg" } }],
      target: { template: { data: { out: "{{ .a }}-{{ .b }}" } } },
    });
    const es = await notReady("datadep");
    assert.match(message(es), /template "out" line 1: .*map has no entry for key "b"/);
    await k.patch("SecretStore", ns, "fake2", { spec: { provider: { fake: { data: [{ key: "/cfg", value: JSON.stringify({ a: "1", b: "2" }) }] } } } });
    const secret = await waitFor("secret datadep", () => k.secret(ns, "datadep"), 60_000);
    assert.equal(decoded(secret).out, "1-2");
  });

  it("an output key that is not a valid Secret key is an error", async () => {
    await k.create("ExternalSecret", ns, "badkey", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/db" } }],
      target: { template: { templateFrom: [{ literal: "{{ .user }} key: x" }] } },
    });
    const es = await notReady("badkey");
    assert.match(message(es), /"app key" is not a valid Secret key/);
  });

  it("a missing templateFrom ConfigMap is reported and picked up once it exists", async () => {
    await k.create("ExternalSecret", ns, "fromcm", {
      secretStoreRef: { name: "fake" },
      dataFrom: [{ extract: { key: "/db" } }],
      target: { template: { templateFrom: [{ configMap: { name: "late", items: [{ key: "k" }] } }] } },
    });
    const es = await notReady("fromcm");
    assert.match(message(es), /templateFrom configMap .*\/late not found/);
    await k.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "late" }, data: { k: "{{ .user }}!" } } });
    const secret = await waitFor("secret fromcm", () => k.secret(ns, "fromcm"), 60_000);
    assert.equal(decoded(secret).k, "app!");
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    assert.ok(events.includes("UpdateFailed"));
    assert.ok(!op.logs().includes(password), "a planted value appeared in the operator's logs");
    assert.ok(!events.includes(password), "a planted value appeared in Events");
    for (const name of ["conf", "failing", "missing", "badkey", "fromcm"]) {
      assert.ok(!JSON.stringify((await k.es(ns, name)).status).includes(password), `a planted value appeared in ${name}'s status`);
    }
  });
});
