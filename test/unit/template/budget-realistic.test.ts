// The realistic template the default limits are measured against (budget.ts) fits well inside them, and
// the budget never changes what a template renders.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_LIMITS } from "../../../src/template/budget.ts";
import { renderBytes, renderString } from "../../../src/template/engine.ts";
import { REALISTIC_SPRIG_TEMPLATE } from "../../differential/cases-realistic.ts";
import { REALISTIC_TEMPLATE, realisticData } from "./realistic-template.ts";

describe("the realistic template and the default limits", () => {
  const data = realisticData();

  it("renders within 1/10 of the default steps and 1/20 of the default bytes made", () => {
    const out = renderString("t", REALISTIC_TEMPLATE, data, { maxSteps: DEFAULT_LIMITS.maxSteps / 10, maxMadeBytes: DEFAULT_LIMITS.maxMadeBytes / 20 });
    assert.match(out, /^\.dockerconfigjson: [A-Za-z0-9+/]+=*$/m);
    assert.match(out, /^ {2}SETTING_348=/m);
    assert.match(out, /^keystore\.p12: [A-Za-z0-9+/]+=*$/m);
    assert.equal(out.split("-----BEGIN CERTIFICATE-----").length - 1, 49 + 3); // ca-*.crt and tls.crt
  });

  it("renders the same bytes with the default limits as with none", () => {
    const unlimited = renderBytes("t", REALISTIC_SPRIG_TEMPLATE, data, { maxSteps: Infinity, maxMadeBytes: Infinity, maxBytes: Infinity });
    assert.deepEqual(renderBytes("t", REALISTIC_SPRIG_TEMPLATE, data), unlimited);
  });
});
