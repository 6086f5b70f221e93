// The pack check in front of isomorphic-git: honest packs (hand-built and made by git itself, deltas included)
// pass; a compression bomb, an object inflating past what it declares, a delta claiming a huge result, too many
// objects or too many bytes in all, and non-packs fail before anything is inflated whole.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { checkPack, packCheckedFs, type PackLimits } from "../../../../providers/sops/pack-check.ts";
import { ProviderUnavailableError, ResponseTooLargeError } from "../../../../src/provider/errors.ts";

const BLOB = 3;
const REF_DELTA = 7;
const KiB = 1024;
const limits: PackLimits = { objects: 10, objectBytes: 256 * KiB, inflatedBytes: 512 * KiB };

/** A base-128 number, little-endian, as deltas start. */
const varint = (n: number) => {
  const out: number[] = [];
  do {
    let c = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) c |= 0x80;
    out.push(c);
  } while (n > 0);
  return Buffer.from(out);
};

interface Obj {
  type: number;
  body: Buffer;
  /** The size the header claims (default: the body's). */
  declared?: number;
}

function header(type: number, size: number): Buffer {
  const out = [(type << 4) | (size & 15)];
  size = Math.floor(size / 16);
  while (size > 0) {
    out[out.length - 1]! |= 0x80;
    out.push(size & 0x7f);
    size = Math.floor(size / 128);
  }
  return Buffer.from(out);
}

function pack(objects: Obj[], count = objects.length): Buffer {
  const head = Buffer.alloc(12);
  head.write("PACK", 0, "latin1");
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(count, 8);
  const parts: Uint8Array[] = [head];
  for (const obj of objects) {
    parts.push(header(obj.type, obj.declared ?? obj.body.length));
    if (obj.type === REF_DELTA) parts.push(Buffer.alloc(20, 1));
    parts.push(deflateSync(obj.body));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash("sha1").update(body).digest()]);
}

const blob = (size: number, fill = 0x61) => ({ type: BLOB, body: Buffer.alloc(size, fill) });

describe("checkPack", () => {
  it("passes honest packs", () => {
    assert.doesNotThrow(() => checkPack(pack([blob(10), blob(100 * KiB), { type: BLOB, body: Buffer.alloc(0) }]), "git fetch of x", limits));
    const delta = Buffer.concat([varint(100), varint(200), Buffer.from([0x90, 100, 100])]);
    assert.doesNotThrow(() => checkPack(pack([{ type: REF_DELTA, body: delta }]), "git fetch of x", limits));
  });

  const tooLarge = (pattern: RegExp) => (err: unknown) => err instanceof ResponseTooLargeError && pattern.test(err.message);
  const malformed = (err: unknown) => err instanceof ProviderUnavailableError && /malformed pack/.test(err.message);
  const table = [
    { name: "a compression bomb (declared past the object limit)", given: () => pack([blob(1024 * KiB, 0)]), want: tooLarge(/^git fetch of x: a packed object: larger than the 256 KiB limit$/) },
    { name: "an object inflating past what it declares", given: () => pack([{ ...blob(1024 * KiB, 0), declared: 10 }]), want: malformed },
    { name: "a delta claiming a huge result", given: () => pack([{ type: REF_DELTA, body: Buffer.concat([varint(10), varint(2 ** 40)]) }]), want: tooLarge(/a packed object/) },
    { name: "too many bytes in all", given: () => pack([blob(200 * KiB), blob(200 * KiB), blob(200 * KiB)]), want: tooLarge(/the unpacked objects: larger than the 512 KiB limit/) },
    { name: "too many objects", given: () => pack([], 11), want: tooLarge(/the pack: larger than the 10 objects limit/) },
    { name: "fewer objects than the header says", given: () => pack([blob(10)], 2), want: malformed },
    { name: "not a pack", given: () => Buffer.from("<html>hello</html> and some more bytes to be long enough"), want: malformed },
  ];
  for (const { name, given, want } of table) it(name, () => assert.throws(() => checkPack(given(), "git fetch of x", limits), want));

  // git is part of the bench (the SOPS git-server peer): a machine without it fails here, it does not skip.
  it("passes a pack made by git itself, with deltas", () => {
    const dir = mkdtempSync(join(tmpdir(), "pack-check-"));
    try {
      const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { stdio: ["ignore", "pipe", "ignore"] });
      git("init", "-q");
      const text = Array.from({ length: 2000 }, (_, i) => `line ${i} of a config file\n`).join("");
      writeFileSync(join(dir, "a.txt"), text);
      writeFileSync(join(dir, "b.txt"), `${text}one more line\n`);
      git("add", ".");
      git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c");
      git("repack", "-adq");
      const packDir = join(dir, ".git/objects/pack");
      const file = readdirSync(packDir).find((name) => name.endsWith(".pack"))!;
      assert.doesNotThrow(() => checkPack(readFileSync(join(packDir, file)), "git fetch of x", limits));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("packCheckedFs", () => {
  it("checks pack files as they are written and writes everything else as it is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pack-fs-"));
    try {
      const fs = packCheckedFs("git fetch of x", limits).promises;
      await fs.writeFile(join(dir, "HEAD"), "ref: refs/heads/main\n");
      await fs.mkdir(join(dir, "objects/pack"), { recursive: true });
      await fs.writeFile(join(dir, "objects/pack/pack-aa.pack"), pack([blob(10)]));
      const bomb = pack([blob(1024 * KiB, 0)]);
      await assert.rejects(fs.writeFile(join(dir, "objects/pack/pack-bb.pack"), bomb), ResponseTooLargeError);
      await assert.rejects(fs.writeFile(join(dir, "objects/pack/pack-bb.pack"), bomb), ResponseTooLargeError, "the same verdict on isomorphic-git's retry");
      assert.deepEqual([existsSync(join(dir, "HEAD")), existsSync(join(dir, "objects/pack/pack-aa.pack")), existsSync(join(dir, "objects/pack/pack-bb.pack"))], [true, true, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
