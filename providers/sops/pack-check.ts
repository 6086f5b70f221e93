// Checks a fetched Git pack before isomorphic-git indexes it. The download is capped (git-http.ts), but a small
// pack can still hold a compression bomb or a delta that claims a huge result, and isomorphic-git inflates and
// applies them whole in memory (Buffer.alloc of the declared delta result). So we walk the pack once: every
// object's declared size, its actual inflated size (zlib stops at the limit) and every delta's result size must
// stay within Limits, and so must their sum and the object count.
// Pack format: https://git-scm.com/docs/pack-format
import * as fs from "node:fs";
import { inflateSync } from "node:zlib";
import { ProviderUnavailableError, ResponseTooLargeError } from "../../src/provider/errors.ts";
import { Limits } from "../../src/provider/limits.ts";

export interface PackLimits {
  objects: number;
  objectBytes: number;
  inflatedBytes: number;
}

const DEFAULT_LIMITS: PackLimits = { objects: Limits.gitPackObjects, objectBytes: Limits.gitObjectBytes, inflatedBytes: Limits.gitInflatedBytes };
const OFS_DELTA = 6;
const REF_DELTA = 7;
const SHA1_BYTES = 20;

/** Throws ResponseTooLargeError past a limit, ProviderUnavailableError for a pack that is not one. */
export function checkPack(pack: Uint8Array, what: string, limits: PackLimits = DEFAULT_LIMITS): void {
  const data = Buffer.from(pack.buffer, pack.byteOffset, pack.byteLength);
  const malformed = () => new ProviderUnavailableError(`${what}: the server sent a malformed pack`);
  if (data.length < 12 + SHA1_BYTES || data.toString("latin1", 0, 4) !== "PACK") throw malformed();
  const count = data.readUInt32BE(8);
  if (count > limits.objects) throw new ResponseTooLargeError(`${what}: the pack`, limits.objects, "objects");
  const end = data.length - SHA1_BYTES;
  let pos = 12;
  let total = 0;
  const byte = () => {
    if (pos >= end) throw malformed();
    return data[pos++]!;
  };
  for (let i = 0; i < count; i++) {
    // Type and size: 3 type bits and 4 size bits, then 7 size bits per continuation byte.
    let c = byte();
    const type = (c >> 4) & 7;
    let size = c & 15;
    for (let shift = 4; c & 0x80; shift += 7) {
      c = byte();
      if (shift > 45) throw malformed();
      size += (c & 0x7f) * 2 ** shift;
    }
    if (type === 0 || type === 5) throw malformed();
    if (type === OFS_DELTA) while (byte() & 0x80);
    if (type === REF_DELTA) pos += SHA1_BYTES;
    if (size > limits.objectBytes) throw new ResponseTooLargeError(`${what}: a packed object`, limits.objectBytes);
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      // maxOutputLength: an object that inflates past what it declares stops there instead of growing.
      inflated = inflateSync(data.subarray(pos, end), { info: true, maxOutputLength: Math.max(1, size) }) as unknown as typeof inflated;
    } catch {
      throw malformed();
    }
    if (inflated.buffer.length !== size) throw malformed();
    pos += inflated.engine.bytesWritten;
    // A delta starts with its base's size and its result's size; the result is what gets allocated.
    const result = type === OFS_DELTA || type === REF_DELTA ? deltaResultSize(inflated.buffer) : size;
    if (result === undefined) throw malformed();
    if (result > limits.objectBytes) throw new ResponseTooLargeError(`${what}: a packed object`, limits.objectBytes);
    total += Math.max(size, result);
    if (total > limits.inflatedBytes) throw new ResponseTooLargeError(`${what}: the unpacked objects`, limits.inflatedBytes);
  }
}

/** The second little-endian base-128 number of a delta (the first is the base's size). */
function deltaResultSize(delta: Buffer): number | undefined {
  let pos = 0;
  let value = 0;
  for (let n = 0; n < 2; n++) {
    value = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= delta.length || shift > 49) return undefined;
      const c = delta[pos++]!;
      value += (c & 0x7f) * 2 ** shift;
      if (!(c & 0x80)) break;
    }
  }
  return value;
}

/**
 * node:fs for isomorphic-git with the pack check in front of writing a fetched pack (objects/pack/pack-*.pack),
 * the one moment the whole pack exists before isomorphic-git indexes it. isomorphic-git retries a failed write
 * once after a mkdir, so a rejected pack's verdict is remembered rather than computed twice.
 */
export function packCheckedFs(what: string, limits?: PackLimits): { promises: typeof fs.promises } {
  let rejected: { pack: unknown; err: unknown } | undefined;
  const writeFile: typeof fs.promises.writeFile = async (path, data, options) => {
    if (typeof path === "string" && /[\\/]objects[\\/]pack[\\/]pack-[0-9a-f]+\.pack$/.test(path) && data instanceof Uint8Array) {
      if (rejected?.pack === data) throw rejected.err;
      try {
        checkPack(data, what, limits);
      } catch (err) {
        rejected = { pack: data, err };
        throw err;
      }
    }
    return fs.promises.writeFile(path, data, options);
  };
  return { promises: { ...fs.promises, writeFile } };
}
