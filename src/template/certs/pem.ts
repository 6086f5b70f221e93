// The two pieces of Go's encoding/pem Sprig's certificate functions use: Encode (64-column base64 lines) and the
// first block pem.Decode finds. Plain scans and linear character-class checks (the text can come from a tenant:
// genCAWithKey's key); every candidate block's scan is charged to the template budget, as a text of many
// BEGIN lines without their END would otherwise cost a scan each.
// (h/pkcs writes a complete Go pem in src/template/pki/pem.ts: this can defer to it once both are merged.)
import { budget } from "../budget.ts";

export const encodePem = (type: string, der: Buffer): string => {
  const b64 = der.toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${type}-----\n${lines.join("\n")}${lines.length ? "\n" : ""}-----END ${type}-----\n`;
};

const B64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

/** The first well-formed block of `text` (Go bytes as a binary string), as pem.Decode returns it, or undefined. */
export function firstPemBlock(text: string): { type: string; bytes: Buffer } | undefined {
  for (let at = text.indexOf("-----BEGIN "); at >= 0; at = text.indexOf("-----BEGIN ", at + 1)) {
    if (at > 0 && text[at - 1] !== "\n") continue; // a BEGIN line starts a line
    const typeEnd = text.indexOf("-----", at + 11);
    const eol = text.indexOf("\n", at);
    if (typeEnd < 0 || eol < 0 || typeEnd > eol) continue;
    if (text.slice(typeEnd + 5, eol).replace(/[ \t\r]/g, "") !== "") continue;
    const type = text.slice(at + 11, typeEnd);
    // The first END line closes the block: it must name the same type and end its line.
    const end = text.indexOf("\n-----END ", eol);
    budget().work((end < 0 ? text.length : end) - at);
    if (end < 0) continue;
    const trailer = `\n-----END ${type}-----`;
    const lineEnd = text.indexOf("\n", end + 1);
    if (!text.startsWith(trailer, end) || text.slice(end + trailer.length, lineEnd < 0 ? text.length : lineEnd).replace(/[ \t\r]/g, "") !== "") continue;
    // Header lines ("Key: value") end at the first blank line; Sprig's keys and certificates have none.
    const body = text.slice(eol + 1, end + 1);
    // Go drops spaces, tabs and CRs anywhere in the base64.
    const lines = body.split("\n").map((l) => l.replace(/[ \t\r]/g, ""));
    const b64 = (lines.some((l) => l.includes(":")) ? lines.slice(lines.indexOf("") + 1) : lines).join("");
    if (!B64_CHARS.test(b64) || b64.length % 4 !== 0) continue;
    return { type, bytes: Buffer.from(b64, "base64") };
  }
  return undefined;
}
