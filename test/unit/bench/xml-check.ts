// A tiny well-formedness check for the charts' SVG (no XML parser is installed): balanced tags, quoted
// attributes, no raw "<" or stray "&" in text. Returns the elements as a flat list, for structure assertions.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** Text directly inside the element, entities decoded. */
  text: string;
  /** Names of the enclosing elements, outermost first. */
  ancestors: string[];
}

const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
const ATTRIBUTE = /([\w:-]+)="([^"<]*)"/g;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+);/g;

export function parseXml(document: string): XmlElement[] {
  let rest = document.replace(/^<\?xml[^?]*\?>\s*/, "");
  const open: XmlElement[] = [];
  const all: XmlElement[] = [];
  let position = 0;
  rest = rest.trimEnd();
  while (position < rest.length) {
    const next = rest.indexOf("<", position);
    const textEnd = next === -1 ? rest.length : next;
    const text = rest.slice(position, textEnd);
    if (text.replace(ENTITY, "").includes("&")) throw new Error(`stray & in text near ${position}: ${text.slice(0, 40)}`);
    if (text.trim() !== "") {
      if (open.length === 0) throw new Error(`text outside the root element: ${text.slice(0, 40)}`);
      open[open.length - 1]!.text += decode(text);
    }
    if (next === -1) break;
    TAG.lastIndex = next;
    const match = TAG.exec(rest);
    if (!match) throw new Error(`malformed tag near ${next}: ${rest.slice(next, next + 60)}`);
    const [, closing, name, attributeText, selfClosing] = match as unknown as [string, string, string, string, string];
    if (closing) {
      const top = open.pop();
      if (top?.name !== name) throw new Error(`</${name}> closes <${top?.name}>`);
    } else {
      if (open.length === 0 && all.length > 0) throw new Error("a second root element");
      const attributes: Record<string, string> = {};
      for (const [, key, value] of attributeText.matchAll(ATTRIBUTE)) {
        if (key! in attributes) throw new Error(`duplicate attribute ${key} on <${name}>`);
        if (value!.replace(ENTITY, "").includes("&")) throw new Error(`stray & in attribute ${key}`);
        attributes[key!] = decode(value!);
      }
      const element: XmlElement = { name, attributes, text: "", ancestors: open.map((e) => e.name) };
      all.push(element);
      if (!selfClosing) open.push(element);
    }
    position = TAG.lastIndex;
  }
  if (open.length > 0) throw new Error(`unclosed <${open[open.length - 1]!.name}>`);
  if (all.length === 0) throw new Error("no root element");
  return all;
}

function decode(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}
