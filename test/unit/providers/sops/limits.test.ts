// SOPS documents are untrusted and unverified when parsed: alias bombs, deep nesting, oversized files and
// hostile flattened metadata must fail as InvalidSopsFile (or NotSopsFile) quickly, and honest files still load.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadJson, loadYaml } from "../../../../providers/sops/parse-structured.ts";
import { loadDotenv, loadIni, unflatten } from "../../../../providers/sops/parse-flat.ts";
import { loadEncrypted } from "../../../../providers/sops/decrypt.ts";
import { isSopsFailure, SopsError } from "../../../../providers/sops/errors.ts";
import { toJsonText } from "../../../../providers/sops/tree.ts";
import { Limits } from "../../../../src/provider/limits.ts";

/** "Billion laughs": nine levels of ten aliases each, about 300 bytes, 10^9 nodes if expanded. */
function laughs(levels = 9): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(",")}]`);
  }
  return `${lines.join("\n")}\n`;
}

const blockNesting = (levels: number) => `${Array.from({ length: levels }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} leaf\n`;

const invalid = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof SopsError, `a SopsError, got ${String(err)}`);
  assert.equal(err.reason, "InvalidSopsFile");
  assert.match(err.message, pattern);
  return true;
};

describe("structured documents: bounded", () => {
  const table = [
    { name: "billion laughs (YAML aliases)", given: () => loadYaml(laughs(), "f.yaml"), want: /f\.yaml expands through aliases to more than 100000 nodes/ },
    { name: "an alias inside its own anchor (a cycle)", given: () => loadYaml("a: &x [1, *x]\n", "f.yaml"), want: /nests deeper than 64 levels/ },
    { name: "deep flow nesting, checked before parsing", given: () => loadYaml(`a: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`, "f.yaml"), want: /f\.yaml nests deeper than 64 levels/ },
    { name: "deep block nesting", given: () => loadYaml(blockNesting(100), "f.yaml"), want: /nests deeper than 64 levels/ },
    { name: "deep JSON", given: () => loadJson(`{"a":${"[".repeat(1000)}${"]".repeat(1000)}}`, "f.json"), want: /f\.json nests deeper than 64 levels/ },
    { name: "node count", given: () => loadYaml(`a: [${Array(50).fill("1").join(",")}]\n`, "f.yaml", { depth: 64, nodes: 40, aliasNodes: 10 }), want: /has more than 40 nodes/ },
  ];
  for (const { name, given, want } of table) it(name, () => assert.throws(given, invalid(want)));

  it("brackets inside quoted values are not nesting", () => {
    const text = `a: "${"[".repeat(500)}"\nb: 'x${"{".repeat(500)}'\n`;
    assert.equal(toJsonText(loadYaml(text, "f.yaml").branches[0]!, false).length > 1000, true);
  });

  it("honest files with a few aliases and ordinary nesting still load", () => {
    const text = "base: &base {user: app, port: 5432}\nprimary: *base\nreplica: *base\nlist: [[1, [2, [3]]]]\n";
    const tree = loadYaml(text, "f.yaml");
    assert.equal(toJsonText(tree.branches[0]!, false), '{"base":{"user":"app","port":5432},"primary":{"user":"app","port":5432},"replica":{"user":"app","port":5432},"list":[[1,[2,[3]]]]}');
  });

  it("exactly the depth limit is allowed", () => {
    const depth = Limits.sopsDepth;
    assert.doesNotThrow(() => loadJson(`{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`, "f.json"));
  });
});

describe("file size: checked before parsing", () => {
  const big = Limits.sopsFileBytes + 1;
  const table = [
    { name: "a large YAML file with sops metadata", file: "f.yaml", given: `a: ${"x".repeat(big)}\nsops: {}\n`, reason: "InvalidSopsFile", want: /f\.yaml is larger than the 2 MiB limit for a SOPS file/ },
    { name: "a large dotenv file", file: "f.env", given: `A=${"x".repeat(big)}\nsops_mac=M\n`, reason: "InvalidSopsFile", want: /larger than the 2 MiB limit/ },
    { name: "a large text without sops metadata is just not a SOPS file", file: "notes.yaml", given: `a: ${"x".repeat(big)}\n`, reason: "NotSopsFile", want: /not a SOPS-encrypted file/ },
    { name: "a large binary that is no JSON envelope", file: "image.png", given: `\u0089PNG${"sops".repeat(big / 4)}`, reason: "NotSopsFile", want: /not a SOPS-encrypted file/ },
  ];
  for (const { name, file, given, reason, want } of table) {
    it(name, () =>
      assert.throws(
        () => loadEncrypted(Buffer.from(given), file, file.endsWith(".yaml") ? "yaml" : file.endsWith(".env") ? "dotenv" : "binary"),
        (err: unknown) => isSopsFailure(err, reason as "InvalidSopsFile" | "NotSopsFile") && want.test((err as Error).message),
      ),
    );
  }
});

describe("flattened metadata (dotenv/INI): held to what sops writes", () => {
  const table: Array<{ name: string; given: Record<string, string>; want: RegExp }> = [
    { name: "a huge list index (a sparse array of a billion slots)", given: { age__list_999999999__map_enc: "e" }, want: /an invalid list index/ },
    { name: "a list index that is not a number", given: { age__list_x: "e" }, want: /an invalid list index/ },
    { name: "__proto__ as a key", given: { __proto____map_polluted: "yes" }, want: /a reserved key name/ },
    { name: "one prefix used as a list and a map", given: { age__list_0: "a", age__map_x: "b" }, want: /both a list and a map/ },
  ];
  for (const { name, given, want } of table) it(name, () => assert.throws(() => unflatten(given, "f.env"), invalid(want)));

  it("inherited names are plain keys and pollute nothing", () => {
    const flat = { constructor__map_polluted: "yes", toString: "t" };
    assert.deepEqual(JSON.parse(JSON.stringify(unflatten(flat))), { constructor: { polluted: "yes" }, toString: "t" });
    assert.equal((Object as unknown as Record<string, unknown>)["polluted"], undefined);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  it("dotenv and INI loaders report the file", () => {
    assert.throws(() => loadDotenv("A=1\nsops_age__list_5__map_enc=E\n", "app.env"), invalid(/^app\.env: the sops metadata has an invalid list index/));
    assert.throws(() => loadIni("[sops]\n__proto____map_x = 1\n", "app.ini"), invalid(/^app\.ini: the sops metadata has a reserved key name/));
  });
});
