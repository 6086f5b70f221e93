// Draws one panel of a figure: value axis with ticks, grid and unit, categories with grouped bars, the value of
// each bar above it, and marks (p50, p99, ...) across the bars.
import type { Panel } from "./chart.ts";
import { formatNumber } from "./format.ts";
import { valueAxis } from "./scale.ts";
import { GRID, INK, MUTED, markDash, seriesStyle } from "./style.ts";
import { element, text } from "./svg.ts";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

// Room inside the panel's box for its title (above), tick labels and unit (left), categories and x label (below).
const TITLE_SPACE = 30;
const LEFT_SPACE = 62;
const RIGHT_SPACE = 8;
const BOTTOM_SPACE = 42;
const MAX_BAR_WIDTH = 42;

export function renderPanel(panel: Panel, box: Box): string {
  const plot = { left: box.x + LEFT_SPACE, right: box.x + box.width - RIGHT_SPACE, top: box.y + TITLE_SPACE, bottom: box.y + box.height - BOTTOM_SPACE };
  const values = panel.series.flatMap((s) => s.bars.flatMap((bar) => (bar ? [bar.value, ...(bar.marks ?? []).filter((m): m is number => m !== undefined)] : [])));
  const axis = valueAxis(Math.max(0, ...values), { integer: panel.integer });
  const yOf = (value: number) => plot.bottom - (value / axis.top) * (plot.bottom - plot.top);
  const parts: string[] = [text(box.x + box.width / 2, box.y + 14, panel.title, { "text-anchor": "middle", "font-size": 13, "font-weight": "bold", fill: INK })];

  for (const tick of axis.ticks) {
    const y = yOf(tick);
    parts.push(element("line", { x1: plot.left, y1: y, x2: plot.right, y2: y, stroke: tick === 0 ? INK : GRID, "stroke-width": 1 }));
    parts.push(element("line", { x1: plot.left - 4, y1: y, x2: plot.left, y2: y, stroke: INK, "stroke-width": 1 }));
    parts.push(text(plot.left - 7, y + 4, formatNumber(tick, axis.decimals), { "text-anchor": "end", "font-size": 11, fill: INK }));
  }
  parts.push(element("line", { x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: INK, "stroke-width": 1 }));
  const unitX = box.x + 12;
  const unitY = (plot.top + plot.bottom) / 2;
  parts.push(text(unitX, unitY, panel.yLabel, { "text-anchor": "middle", "font-size": 12, fill: INK, transform: `rotate(-90 ${unitX} ${unitY})` }));

  const groupWidth = (plot.right - plot.left) / Math.max(1, panel.categories.length);
  const barWidth = Math.min(MAX_BAR_WIDTH, (groupWidth * 0.8) / Math.max(1, panel.series.length));
  panel.categories.forEach((category, c) => {
    const center = plot.left + groupWidth * (c + 0.5);
    parts.push(text(center, plot.bottom + 16, category, { "text-anchor": "middle", "font-size": 11, fill: INK }));
    const first = center - (barWidth * panel.series.length) / 2;
    panel.series.forEach((series, s) => {
      const bar = series.bars[c];
      if (!bar) return;
      const x = first + s * barWidth;
      const top = yOf(bar.value);
      // A zero still gets a sliver of its colour, so "measured: 0" differs from "not measured".
      const height = Math.max(plot.bottom - top, 1.5);
      parts.push(element("rect", { x, y: plot.bottom - height, width: barWidth, height, fill: seriesStyle(series.style).fill, stroke: INK, "stroke-width": 0.75 }, [element("title", {}, `${series.name}, ${category}: ${formatNumber(bar.value, panel.decimals)} ${panel.yLabel}`)]));
      parts.push(text(x + barWidth / 2, plot.bottom - height - 4, formatNumber(bar.value, panel.decimals), { "text-anchor": "middle", "font-size": 10, fill: INK }));
      (bar.marks ?? []).forEach((mark, m) => {
        if (mark === undefined) return;
        const line = { x1: x - 3, y1: yOf(mark), x2: x + barWidth + 3, y2: yOf(mark) };
        // A white halo under the mark keeps it visible on the dark fills as on the light ones.
        parts.push(element("line", { ...line, stroke: "#ffffff", "stroke-width": 5 }));
        parts.push(element("line", { ...line, stroke: INK, "stroke-width": 2, "stroke-dasharray": markDash(m) }));
      });
    });
  });
  parts.push(text((plot.left + plot.right) / 2, plot.bottom + 34, panel.xLabel, { "text-anchor": "middle", "font-size": 12, fill: MUTED }));
  return element("g", { class: "panel" }, parts);
}
