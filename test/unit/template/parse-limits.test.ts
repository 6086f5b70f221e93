// Parse-time limits: template text size, token count and nesting depth end in a parse error (a
// ConfigError for the condition), never in a stack overflow; the parse cache is an LRU bounded by the
// estimated heap of its trees.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_TEMPLATE_BYTES, parseOnly, renderString, TemplateError } from "../../../src/template/engine.ts";
import { MAX_TOKENS } from "../../../src/template/lexer.ts";
import { ParseCache, parseWeight } from "../../../src/template/parse-cache.ts";
import { MAX_BLOCK_NESTING, MAX_PAREN_NESTING } from "../../../src/template/parser-cursor.ts";
import { GoMap } from "../../../src/template/values.ts";

const nested = (open: string, body: string, close: string, n: number) => open.repeat(n) + body + close.repeat(n);
const render = (template: string) => renderString("t", template, new GoMap());

function parseFailure(template: string): TemplateError {
  for (const attempt of [() => parseOnly("t", template), () => render(template)]) {
    try {
      attempt();
      assert.fail("parsed, but should have failed");
    } catch (err) {
      assert.ok(err instanceof TemplateError, String(err));
      assert.equal(err.phase, "parse");
    }
  }
  try {
    parseOnly("t", template);
  } catch (err) {
    return err as TemplateError;
  }
  return assert.fail("unreachable");
}

describe("parse limits", () => {
  const table: { name: string; given: string; want: RegExp }[] = [
    { name: "100,000 nested {{if}} (the text is over the cap)", given: nested("{{if 1}}", "x", "{{end}}", 100_000), want: /template text larger than 1048576 bytes$/ },
    { name: "text over 1 MiB", given: "a".repeat(MAX_TEMPLATE_BYTES + 1), want: /template text larger than 1048576 bytes$/ },
    { name: "text over 1 MiB of UTF-8 in fewer UTF-16 units", given: "é".repeat(MAX_TEMPLATE_BYTES / 2 + 1), want: /template text larger than 1048576 bytes$/ },
    { name: "blocks one level too deep", given: nested("{{if 1}}", "x", "{{end}}", MAX_BLOCK_NESTING + 1), want: /blocks nested deeper than 500 levels$/ },
    { name: "ranges one level too deep", given: nested("{{range 1}}", "x", "{{end}}", MAX_BLOCK_NESTING + 1), want: /blocks nested deeper than 500 levels$/ },
    { name: "{{block}}s one level too deep", given: Array.from({ length: MAX_BLOCK_NESTING + 1 }, (_, i) => `{{block "b${i}" .}}`).join("") + "{{end}}".repeat(MAX_BLOCK_NESTING + 1), want: /blocks nested deeper than 500 levels$/ },
    { name: "an {{else if}} chain one too long", given: "{{if 0}}" + "{{else if 0}}".repeat(MAX_BLOCK_NESTING) + "{{end}}", want: /blocks nested deeper than 500 levels$/ },
    { name: "parentheses one level too deep", given: `{{ ${nested("(", "1", ")", MAX_PAREN_NESTING + 1)} }}`, want: /parentheses nested deeper than 100 levels$/ },
    { name: "more tokens than the limit", given: "{{.}}".repeat(MAX_TOKENS / 3 + 1), want: /template too large: more than 100000 tokens$/ },
  ];
  for (const { name, given, want } of table) {
    it(name, () => assert.match(parseFailure(given).message, want));
  }

  it("the deepest nesting allowed, blocks holding parentheses, parses and executes without overflowing the stack", () => {
    const deepest = `{{ print ${nested("(print ", "1", ")", MAX_PAREN_NESTING - 1)} }}`;
    assert.equal(render(nested("{{if 1}}", deepest, "{{end}}", MAX_BLOCK_NESTING)), "1");
    assert.equal(render(nested("{{range 1}}", deepest, "{{end}}", MAX_BLOCK_NESTING)), "1");
    assert.equal(render(nested("{{with 1}}", deepest, "{{end}}", MAX_BLOCK_NESTING)), "1");
    assert.equal(render(`{{ ${nested("(", "1", ")", MAX_PAREN_NESTING)} }}`), "1");
    assert.equal(render("{{if 0}}" + "{{else if 0}}".repeat(MAX_BLOCK_NESTING - 1) + `{{else}}${deepest}{{end}}`), "1");
  });

  it("a template of exactly 1 MiB is accepted", () => {
    assert.equal(render("a".repeat(MAX_TEMPLATE_BYTES)).length, MAX_TEMPLATE_BYTES);
  });
});

describe("ParseCache", () => {
  const trees = () => new Map();

  it("evicts the least recently used entries once the weights pass the bound", () => {
    const cache = new ParseCache(100);
    const [a, b, c] = [trees(), trees(), trees()];
    cache.set("a", a, 40);
    cache.set("b", b, 40);
    assert.equal(cache.get("a"), a); // a is now the most recently used
    cache.set("c", c, 40);
    assert.equal(cache.get("b"), undefined);
    assert.equal(cache.get("a"), a);
    assert.equal(cache.get("c"), c);
    assert.equal(cache.weight, 80);
  });

  it("does not keep an entry heavier than the whole bound, and never holds more than the bound", () => {
    const cache = new ParseCache(100);
    cache.set("small", trees(), 10);
    cache.set("huge", trees(), 101);
    assert.equal(cache.get("huge"), undefined);
    assert.ok(cache.get("small"));
    for (let i = 0; i < 50; i++) {
      cache.set(`k${i}`, trees(), 7 + (i % 13));
      assert.ok(cache.weight <= 100);
    }
  });

  it("weighs an entry by its key and its tokens", () => {
    assert.equal(parseWeight("t\u0000{{.}}", 3), 7 + 3 * 256);
  });
});
