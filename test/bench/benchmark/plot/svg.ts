// The few SVG primitives the charts need, written by hand: no plotting library is installed, and the ones on
// npm bring a DOM, fonts or scripts that GitHub's image view would not run. Rectangles, lines and text are enough,
// and a string builder keeps the output byte-identical for the same input (no ids from counters, no clocks).

/** Escapes text and attribute values; everything we print (provider names, titles) goes through here. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A coordinate or length with at most two decimals, so float noise never reaches the file (and -0 prints as 0). */
export function px(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

export type Attributes = Record<string, string | number | undefined>;

/** One element; numbers in attributes go through px(), undefined attributes are left out. */
export function element(name: string, attributes: Attributes, children: string | string[] = []): string {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === "number" ? px(value) : escapeXml(value!)}"`)
    .join("");
  const body = Array.isArray(children) ? children.join("\n") : escapeXml(children);
  if (body === "") return `<${name}${attrs}/>`;
  return Array.isArray(children) ? `<${name}${attrs}>\n${body}\n</${name}>` : `<${name}${attrs}>${body}</${name}>`;
}

/** Text in the chart's one font stack (generic families only: nothing to download). */
export function text(x: number, y: number, content: string, attributes: Attributes = {}): string {
  return element("text", { x, y, ...attributes }, content);
}

export const FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif";

/**
 * An estimate of how wide a text is, for laying out the legend: without font metrics, the average advance of
 * a sans-serif glyph is about 0.6 em. Too wide is harmless (more space), so the estimate leans generous.
 */
export function textWidth(content: string, fontSize: number): number {
  return content.length * fontSize * 0.6;
}
