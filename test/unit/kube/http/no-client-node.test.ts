// Issue 22: the operator does not load @kubernetes/client-node at runtime (its module graph costs ~85 MiB RSS).
// Importing everything `run` uses, in a fresh process, must resolve no file of it: only types come from it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

const probe = `
import { registerHooks } from "node:module";
const loaded = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); if (r.url.includes("/node_modules/@kubernetes/client-node/")) loaded.add(specifier); return r; } });
await import(${JSON.stringify(new URL("../../../../src/main.ts", import.meta.url).href)});
await import(${JSON.stringify(new URL("../../../../providers/index.ts", import.meta.url).href)});
console.log(JSON.stringify([...loaded]));
`;

test("importing the operator (src/main.ts) and its providers loads nothing of @kubernetes/client-node", () => {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(out.trim().split("\n").at(-1)!), []);
});
