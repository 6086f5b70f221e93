// Go strings are byte sequences; the engine keeps every string "binary" (one JS char per byte, latin1)
// so len, substr, trunc, b64dec and binary secrets (PKCS#12) behave byte for byte as in Go.
// Functions that work on runes (upper, regexp, %q ...) decode to Unicode and encode back.

/** A JavaScript (Unicode) string as Go bytes. */
export const toBin = (text: string): string => Buffer.from(text, "utf8").toString("latin1");

/** Go bytes as a JavaScript string; invalid UTF-8 becomes U+FFFD as Go's range-over-string does. */
export function fromBin(bin: string): string {
  const bytes = Buffer.from(bin, "latin1");
  const text = bytes.toString("utf8");
  if (!text.includes("\ufffd") || Buffer.from(text, "utf8").equals(bytes)) return text;
  // Go decodes each invalid byte to its own U+FFFD; Node's decoder merges truncated sequences.
  return runes(bin).map((r) => r.ch).join("");
}

export const binToBytes = (bin: string): Buffer => Buffer.from(bin, "latin1");
export const bytesToBin = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

/** Applies a rune-wise operation to a Go string. */
export const viaUnicode = (bin: string, fn: (text: string) => string): string => toBin(fn(fromBin(bin)));

/** Whether a byte string is valid UTF-8. */
export function validUtf8(bin: string): boolean {
  const bytes = binToBytes(bin);
  return Buffer.from(bytes.toString("utf8"), "utf8").equals(bytes);
}

// Go's unicode tables are Unicode 15.0; JavaScript's are newer. The blocks Unicode 16 added count as
// unassigned (not printable) in Go.
const UNICODE_16_BLOCKS = /^[\u{105C0}-\u{105FF}\u{10D40}-\u{10D8F}\u{11380}-\u{113FF}\u{11BC0}-\u{11BFF}\u{116D0}-\u{116FF}\u{13460}-\u{143FF}\u{16100}-\u{1613F}\u{16D40}-\u{16D7F}\u{1CC00}-\u{1CEBF}\u{1E5D0}-\u{1E5FF}]$/u;

/** Go's unicode.IsPrint (letters, marks, numbers, punctuation, symbols and the ASCII space). */
export const isPrint = (ch: string): boolean => ch === " " || (/^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch) && !UNICODE_16_BLOCKS.test(ch));

/** Splits Go bytes into runes as Go's decoder does: each invalid byte is its own rune (U+FFFD, width 1). */
export function runes(bin: string): { ch: string; bytes: string; valid: boolean }[] {
  const out: { ch: string; bytes: string; valid: boolean }[] = [];
  let i = 0;
  while (i < bin.length) {
    const c = bin.charCodeAt(i);
    let size = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    let valid = size > 0 && i + size <= bin.length;
    if (valid && size > 1) {
      const chunk = binToBytes(bin.slice(i, i + size));
      const decoded = chunk.toString("utf8");
      valid = [...decoded].length === 1 && Buffer.from(decoded, "utf8").equals(chunk);
    }
    if (!valid) size = 1;
    const bytes = bin.slice(i, i + size);
    out.push({ ch: valid ? fromBin(bytes) : "\ufffd", bytes, valid });
    i += size;
  }
  return out;
}
