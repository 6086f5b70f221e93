// Key generation's limits: the per-render quota (keygen-quota.ts), shared by every template of a render, and
// the step budget charged before a key is made. The render with the most key generation allowed is timed and
// printed (a diagnostic, not asserted: tests never assert wall-clock times).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderBytes, renderString, stringData } from "../../../src/template/engine.ts";
import { KEYGEN_UNITS, MAX_KEYGEN_UNITS, spendKeygen, withKeygenQuota } from "../../../src/template/keygen-quota.ts";
import { renderTemplate } from "../../../src/template/render.ts";
import { BudgetExceeded } from "../../../src/template/budget.ts";

const render = (template: string) => renderString("t", template, stringData({}));
const QUOTA = /template budget exhausted: more than 12 key generation units per render$/;

describe("key generation quota", () => {
  it("allows its units, then refuses with fixed text", () => {
    withKeygenQuota(() => {
      spendKeygen(MAX_KEYGEN_UNITS - 1);
      spendKeygen(1);
      assert.throws(() => spendKeygen(1), (err: unknown) => err instanceof BudgetExceeded && QUOTA.test(err.message));
    });
  });

  it("executions inside one quota share it; ECDSA and Ed25519 keys are not counted", () => {
    withKeygenQuota(() => {
      spendKeygen(MAX_KEYGEN_UNITS - KEYGEN_UNITS.rsa2048);
      assert.match(render('{{ (genCA "x" 1).Cert }}'), /^-----BEGIN CERTIFICATE-----/);
      assert.match(render('{{ genPrivateKey "ecdsa" }}{{ genPrivateKey "ed25519" }}{{ (genCAWithKey "e" 1 (genPrivateKey "ed25519")).Cert }}'), /-----BEGIN CERTIFICATE-----/);
      assert.throws(() => render('{{ (genCA "y" 1).Cert }}'), QUOTA);
      assert.throws(() => render('{{ genPrivateKey "rsa" }}'), QUOTA);
    });
  });

  it("a lone execution has a quota of its own", () => {
    withKeygenQuota(() => spendKeygen(MAX_KEYGEN_UNITS));
    assert.match(render('{{ (genCA "x" 1).Cert }}'), /^-----BEGIN CERTIFICATE-----/);
  });

  it("the step budget is charged before the key is made", () => {
    assert.throws(() => renderBytes("t", '{{ genPrivateKey "rsa" }}', stringData({}), { maxSteps: 1_000_000 }), /template budget exhausted: more than 1000000 steps$/);
  });

  it("one render's templates share the quota: the most it allows renders, one more key fails", (t) => {
    // One RSA 4096 key (8 units) and four RSA 2048 certificates (4): the quota, across two data keys.
    const most = { a: '{{ genPrivateKey "rsa" | len }}', b: '{{ range $i := until 4 }}{{ (genCA "x" 1).Cert | len | lt 900 }}{{ end }}' };
    const started = performance.now();
    const out = renderTemplate({ data: most } as never, {}, { configMaps: {}, secrets: {} });
    t.diagnostic(`largest allowed key generation rendered in ${Math.round(performance.now() - started)} ms in-thread`);
    assert.equal(Buffer.from(out.data.b!).toString(), "truetruetruetrue");
    assert.throws(() => renderTemplate({ data: { ...most, c: '{{ genCA "one more" 1 }}' } } as never, {}, { configMaps: {}, secrets: {} }), /template "c" line 1: .*template budget exhausted: more than 12 key generation units per render$/);
  });
});
