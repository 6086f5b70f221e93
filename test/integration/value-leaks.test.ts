// Values never reach status, Events or logs, even when a template, a template function or the apiserver
// would quote them: `fail` with a value (raw, upper-cased, truncated, quoted, JSON, base64), a date parse
// error on a value, a label the apiserver rejects as invalid (its 422 quotes the value), and a Secret read
// through templateFrom into labels by someone who may create ExternalSecrets but not read Secrets.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { putSecret } from "../helpers/sops.ts";
import { leakForms } from "../helpers/planted.ts";

// Spaces and mixed case make it an invalid label value and give its case-folded form something to fold.
const planted = (label: string) => `Planted ${label} ${randomBytes(8).toString("hex")} Value`;

/** The forms a leak would take (test/helpers/planted.ts), and a 12-character piece (a truncated value). */
const forms = (value: string): string[] => [...leakForms(value), value.slice(8, 20)];

describe("no value in status, Events or logs", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const value = planted("fetched");
  const inSecret = planted("in-a-secret");

  const cases: Array<{ name: string; template: Record<string, unknown>; want: RegExp }> = [
    { name: "fail-raw", template: { data: { v: "{{ fail .v }}" } }, want: /template "v" line 1/ },
    { name: "fail-upper", template: { data: { v: "{{ .v | upper | fail }}" } }, want: /template "v" line 1/ },
    { name: "fail-truncated", template: { data: { v: "{{ trunc 20 .v | fail }}" } }, want: /template "v" line 1/ },
    { name: "fail-quoted", template: { data: { v: "{{ .v | quote | fail }}" } }, want: /template "v" line 1/ },
    { name: "fail-json", template: { data: { v: "{{ dict \"x\" .v | toJson | fail }}" } }, want: /template "v" line 1/ },
    { name: "fail-base64", template: { data: { v: "{{ .v | b64enc | fail }}" } }, want: /template "v" line 1/ },
    { name: "date-parse", template: { data: { v: '{{ mustToDate "2006-01-02" .v }}' } }, want: /template "v" line 1/ },
    { name: "label-422", template: { metadata: { labels: { leaked: "{{ .v }}" } } }, want: /Invalid value: \*\*\*/ },
    {
      name: "templatefrom-secret-label",
      template: { templateFrom: [{ secret: { name: "not-yours", items: [{ key: "password", templateAs: "Values" }] }, target: "Labels" }] },
      want: /Invalid value: \*\*\*/,
    },
  ];

  before(async () => {
    ns = await freshNamespace("value-leaks");
    op = await startTestOperator(ns);
    await putSecret(k.core, ns, "not-yours", { password: inSecret });
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "k", value }] } } });
    for (const c of cases) {
      await k.create("ExternalSecret", ns, c.name, { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key: "k" } }], target: { template: c.template } });
    }
  });
  after(() => op?.stop());

  it("fails each case with a useful message that holds no value", async () => {
    for (const c of cases) {
      const es = await waitFor(`${c.name} Ready=False`, async () => {
        const current = await k.es(ns, c.name);
        return ready(current)?.status === "False" ? current : undefined;
      });
      const message = ready(es)!.message ?? "";
      assert.match(message, c.want, `${c.name}: ${message}`);
    }
  });

  it("leaves no form of either value in status, Events or logs", async () => {
    const statuses = JSON.stringify(await Promise.all(cases.map((c) => k.es(ns, c.name).then((es) => es.status))));
    const events = await k.events(ns);
    const logs = op.logs();
    assert.ok(events.includes("UpdateFailed"), "the failures were recorded as Events");
    for (const planted of [value, inSecret]) {
      for (const form of forms(planted)) {
        assert.ok(!statuses.includes(form), "no value in status");
        assert.ok(!events.includes(form), "no value in Events");
        const at = logs.indexOf(form);
        assert.ok(at < 0, `no value in logs (found one near: ${logs.slice(Math.max(0, at - 200), at).replace(planted, "<value>")})`);
      }
    }
  });
});
