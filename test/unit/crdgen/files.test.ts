// writeCrds/checkCrds on a temporary directory: what CI's `gen-crds --check` reports and what a rewrite removes.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { checkCrds, GENERATED_HEADER, writeCrds } from "../../../src/crdgen/index.ts";
import type { CrdFile } from "../../../src/crdgen/index.ts";

const files: CrdFile[] = [
  { fileName: "g_as.yaml", yaml: `${GENERATED_HEADER}\nkind: A\n` },
  { fileName: "g_bs.yaml", yaml: `${GENERATED_HEADER}\nkind: B\n` },
];

describe("writeCrds / checkCrds", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "crdgen-files-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a missing directory reports every file missing; after writing, nothing", () => {
    const out = join(dir, "crds");
    assert.deepEqual(checkCrds(out, files), ["missing: g_as.yaml", "missing: g_bs.yaml"]);
    writeCrds(out, files);
    assert.deepEqual(checkCrds(out, files), []);
    assert.equal(readFileSync(join(out, "g_as.yaml"), "utf8"), files[0]!.yaml);
  });

  test("reports stale, missing and extra files", () => {
    writeCrds(dir, files);
    writeFileSync(join(dir, "g_as.yaml"), `${GENERATED_HEADER}\nkind: Edited\n`);
    rmSync(join(dir, "g_bs.yaml"));
    writeFileSync(join(dir, "g_old.yaml"), `${GENERATED_HEADER}\nkind: Old\n`);
    writeFileSync(join(dir, "README.md"), "not YAML, not ours to judge\n");
    assert.deepEqual(checkCrds(dir, files), ["stale: g_as.yaml", "missing: g_bs.yaml", "extra: g_old.yaml"]);
  });

  test("rewriting removes generated leftovers but never hand-written YAML", () => {
    writeFileSync(join(dir, "g_old.yaml"), `${GENERATED_HEADER}\nkind: Old\n`);
    writeFileSync(join(dir, "hand.yaml"), "kind: Mine\n");
    writeCrds(dir, files);
    assert.deepEqual(readdirSync(dir).sort(), ["g_as.yaml", "g_bs.yaml", "hand.yaml"]);
    assert.deepEqual(checkCrds(dir, files), ["extra: hand.yaml"]);
  });
});
