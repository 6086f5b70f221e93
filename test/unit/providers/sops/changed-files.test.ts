// A Git push's repository-relative files -> the keys of a SOPS store (relative to source.git.path); sources that
// are not Git say nothing; an interval source fetches again after invalidate().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { keysForChangedFiles } from "../../../../providers/sops/changed-files.ts";
import { intervalSource, objectSnapshot } from "../../../../providers/sops/source.ts";
import type { SopsProviderSpec } from "../../../../providers/sops/schema.ts";

const git = (path?: string) => ({ source: { git: { url: "https://git.example/repo.git", ...(path !== undefined ? { path } : {}) } }, decryption: { ageKeySecretRef: { name: "age" } } }) as SopsProviderSpec;

describe("keysForChangedFiles", () => {
  const files = ["secrets/a.enc.yaml", "secrets/team/b.env", "secretsx/c.yaml", "README.md", "/secrets/./d.yaml", "secrets/../e.yaml"];
  const table: Array<{ name: string; spec: SopsProviderSpec; want: string[] | undefined }> = [
    { name: "root path: every file is a key (.. dropped)", spec: git(), want: ["README.md", "secrets/a.enc.yaml", "secrets/d.yaml", "secrets/team/b.env", "secretsx/c.yaml"] },
    { name: "under secrets/: relative keys, neighbours with the same prefix excluded", spec: git("secrets/"), want: ["a.enc.yaml", "d.yaml", "team/b.env"] },
    { name: "a deeper root", spec: git("./secrets/team"), want: ["b.env"] },
    { name: "a ConfigMap source: cannot tell", spec: { source: { configMap: { name: "cm" } }, decryption: { ageKeySecretRef: { name: "age" } } } as SopsProviderSpec, want: undefined },
  ];
  for (const { name, spec, want } of table) it(name, () => assert.deepEqual(keysForChangedFiles(spec, files), want));
});

describe("intervalSource.invalidate", () => {
  it("the next snapshot is fetched even within the interval", async () => {
    let fetched = 0;
    const source = intervalSource(async () => objectSnapshot({ [`v${++fetched}`]: new Uint8Array() }), 3_600_000);
    await source.snapshot();
    await source.snapshot();
    assert.equal(fetched, 1);
    source.invalidate();
    assert.deepEqual(await (await source.snapshot()).list(), ["v2"]);
    await source.snapshot();
    assert.equal(fetched, 2);
  });
});
