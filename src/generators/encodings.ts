// The Password generator's output encodings, byte for byte as ESO's (Go's encoding packages): base64url and
// base32 keep their '=' padding, which node's "base64url" drops and for which node has no base32 at all.
import { base32Encode } from "../encoding/base32.ts";
/** RFC 4648 base32 with padding (Go's base32.StdEncoding). */
export const base32 = base32Encode;

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
