// What ExternalSecrets see of a decrypted file: the whole file re-emitted in its own format (like `sops -d`),
// or a JSON view of its first document for `property` paths and dataFrom.extract.
import { stringify } from "yaml";
import type { DecryptedFile } from "./decrypt.ts";
import { isMap, scalarText, toJsonText, toPlain, type TreeMap, type TreeNode } from "./tree.ts";

const encoder = new TextEncoder();

const line = (value: TreeNode) => (isMap(value) || Array.isArray(value) ? toJsonText(value) : scalarText(value)).replaceAll("\n", "\\n");

/** INI: keys of the implicit DEFAULT section first, without a header, as `sops -d` prints them. */
function iniText(branch: TreeMap): string {
  const out: string[] = [];
  for (const [name, section] of branch) {
    if (!isMap(section)) continue;
    if (name !== "DEFAULT") out.push(`${out.length > 0 ? "\n" : ""}[${name}]`);
    for (const [key, value] of section) out.push(`${key} = ${line(value)}`);
  }
  return `${out.join("\n")}\n`;
}

/** The decrypted file as bytes: YAML, JSON, dotenv and INI re-emitted; binary files byte for byte. */
export function wholeFile(file: DecryptedFile): Uint8Array {
  const first = file.branches[0] ?? new Map();
  switch (file.format) {
    case "binary": {
      const data = first.get("data");
      return data instanceof Uint8Array ? data : encoder.encode(data === undefined ? "" : scalarText(data as never));
    }
    case "json":
      return encoder.encode(`${toJsonText(first, true)}\n`);
    case "dotenv":
      return encoder.encode([...first].map(([key, value]) => `${key}=${line(value)}\n`).join(""));
    case "ini":
      return encoder.encode(iniText(first));
    case "yaml":
      return encoder.encode(file.branches.map((branch) => stringify(toPlain(branch))).join("---\n"));
  }
}

/**
 * The document `property` and dataFrom.extract work on, as JSON text: the first YAML document; INI sections as
 * nested objects with the DEFAULT section's keys at the top; a binary file as {"data": ...}.
 */
export function documentJson(file: DecryptedFile): string {
  const first = file.branches[0] ?? new Map();
  if (file.format !== "ini") return toJsonText(first);
  const view: TreeMap = new Map();
  const defaults = first.get("DEFAULT");
  if (isMap(defaults)) for (const [key, value] of defaults) view.set(key, value);
  for (const [name, section] of first) if (name !== "DEFAULT") view.set(name, section);
  return toJsonText(view);
}
