// Draws a whole figure: white background (GitHub's dark theme would otherwise show the bars on black), title,
// source line, one legend for every panel (series swatches, then marks), the panels side by side, a footnote.
import type { Figure } from "./chart.ts";
import { renderPanel } from "./panel.ts";
import { HATCH_PATTERN, INK, MUTED, markDash, seriesStyle } from "./style.ts";
import { FONT_FAMILY, element, text, textWidth } from "./svg.ts";

const MARGIN = 16;
const PANEL_GAP = 28;
const LEGEND_TOP = 66;
const LEGEND_ROW = 20;
const LEGEND_FONT = 12;

export function renderFigure(figure: Figure): string {
  const parts: string[] = [
    element("title", { id: "title" }, figure.title),
    element("desc", { id: "desc" }, figure.subtitle),
    element("defs", {}, [HATCH_PATTERN]),
    element("rect", { x: 0, y: 0, width: figure.width, height: figure.height, fill: "#ffffff" }),
    text(MARGIN, 26, figure.title, { "font-size": fitFont(figure.title, 17, figure.width), "font-weight": "bold", fill: INK }),
    text(MARGIN, 46, figure.subtitle, { "font-size": fitFont(figure.subtitle, 12, figure.width), fill: MUTED }),
  ];
  const legend = legendItems(figure);
  let x = MARGIN;
  let y = LEGEND_TOP;
  for (const item of legend) {
    const width = 24 + textWidth(item.name, LEGEND_FONT) + 18;
    if (x + width > figure.width - MARGIN && x > MARGIN) {
      x = MARGIN;
      y += LEGEND_ROW;
    }
    if (item.kind === "series") {
      parts.push(element("rect", { x, y: y - 10, width: 14, height: 12, fill: seriesStyle(item.style).fill, stroke: INK, "stroke-width": 0.75 }));
    } else {
      parts.push(element("line", { x1: x, y1: y - 4, x2: x + 18, y2: y - 4, stroke: INK, "stroke-width": 2, "stroke-dasharray": markDash(item.style) }));
    }
    parts.push(text(x + 24, y, item.name, { "font-size": LEGEND_FONT, fill: INK }));
    x += width;
  }

  const panelsTop = y + 16;
  const panelsBottom = figure.height - (figure.footnote ? 30 : 10);
  const count = figure.panels.length;
  const panelWidth = (figure.width - 2 * MARGIN - PANEL_GAP * (count - 1)) / Math.max(1, count);
  figure.panels.forEach((panel, i) => {
    parts.push(renderPanel(panel, { x: MARGIN + i * (panelWidth + PANEL_GAP), y: panelsTop, width: panelWidth, height: panelsBottom - panelsTop }));
  });
  if (figure.footnote) parts.push(text(MARGIN, figure.height - 12, figure.footnote, { "font-size": fitFont(figure.footnote, 11, figure.width), fill: MUTED }));

  const svg = element(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width: figure.width, height: figure.height, viewBox: `0 0 ${figure.width} ${figure.height}`, role: "img", "aria-labelledby": "title desc", "font-family": FONT_FAMILY },
    parts,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}

/** The preferred font size, or a smaller one (not under 9) where the line would run past the figure's edge. */
function fitFont(content: string, preferred: number, figureWidth: number): number {
  const available = figureWidth - 2 * MARGIN;
  const fitting = available / textWidth(content, 1);
  return Math.max(9, Math.min(preferred, Math.floor(fitting * 2) / 2));
}

interface LegendItem {
  kind: "series" | "mark";
  name: string;
  style: number;
}

/** Every series name once (first panel first), then every mark once: one legend serves all panels. */
function legendItems(figure: Figure): LegendItem[] {
  const items: LegendItem[] = [];
  const seen = new Set<string>();
  for (const panel of figure.panels) {
    for (const series of panel.series) {
      if (!seen.has(`series:${series.name}`)) items.push({ kind: "series", name: series.name, style: series.style });
      seen.add(`series:${series.name}`);
    }
  }
  for (const panel of figure.panels) {
    (panel.marks ?? []).forEach((name, i) => {
      if (!seen.has(`mark:${name}`)) items.push({ kind: "mark", name, style: i });
      seen.add(`mark:${name}`);
    });
  }
  return items;
}
