// The Password generator's output encodings, byte for byte as ESO's (Go's encoding packages): base64url and
// base32 keep their '=' padding, which node's "base64url" drops and for which node has no base32 at all.
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 with padding (Go's base32.StdEncoding). */
export function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, "=");
}

export type PasswordEncoding = "raw" | "base64" | "base64url" | "base32" | "hex";

export function encodePassword(password: string, encoding: PasswordEncoding): string {
  const bytes = Buffer.from(password, "utf8");
  switch (encoding) {
    case "raw":
      return password;
    case "base64":
      return bytes.toString("base64");
    case "base64url":
      // Go's base64.URLEncoding is padded.
      return bytes.toString("base64").replaceAll("+", "-").replaceAll("/", "_");
    case "base32":
      return base32(bytes);
    case "hex":
      return bytes.toString("hex");
  }
}
