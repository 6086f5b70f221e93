// loadManifests: a document that parses but cannot be built is a finding at its line, never a crash, and the
// documents after it are still loaded.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadManifests } from "../../../src/commands/render-manifests.ts";

describe("loadManifests", () => {
  const table = [
    { name: "an alias without its anchor, at the alias", given: "kind: A\nx:\n  y: *nowhere\n", want: { line: 3, message: /^YAML: Unresolved alias .*: nowhere$/ } },
    { name: "an alias defined later in another document", given: "kind: A\nx: *later\n", want: { line: 2, message: /Unresolved alias/ } },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const dir = mkdtempSync(join(tmpdir(), "sb-load-"));
      writeFileSync(join(dir, "m.yaml"), `kind: Before\n---\n${given}---\nkind: After\n`);
      const { objects, findings } = loadManifests([dir], dir);
      assert.deepEqual(objects.map((o) => o.obj.kind), ["Before", "After"]);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.file, "m.yaml");
      assert.equal(findings[0]!.line, want.line + 2);
      assert.match(findings[0]!.message, want.message);
    });
  }
});
