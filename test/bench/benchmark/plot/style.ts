// Series fills and mark strokes that stay apart in grey scale (and for the common colour-vision deficiencies):
// the fills step through luminance (dark navy, mid orange, light blue, then a hatch and a mid grey), each bar has
// a dark outline so the light ones keep their edge on white, and marks differ by dash pattern, not by colour.

export interface SeriesStyle {
  fill: string;
  /** How the style reads without colour, for the tests and for anyone checking the palette. */
  greyName: string;
}

export const SERIES_STYLES: readonly SeriesStyle[] = [
  { fill: "#1d3f6e", greyName: "dark" },
  { fill: "#e3892b", greyName: "mid" },
  { fill: "#a9d6ea", greyName: "light" },
  { fill: "url(#hatch)", greyName: "hatched" },
  { fill: "#7a7a7a", greyName: "grey" },
  { fill: "#ffffff", greyName: "white" },
] as const;

export const seriesStyle = (index: number): SeriesStyle => SERIES_STYLES[index % SERIES_STYLES.length]!;

/** Dash patterns of the marks drawn across bars (p50, p99, ...): solid, dashed, dotted. */
export const MARK_DASHES: readonly (string | undefined)[] = [undefined, "5 3", "1.5 2.5"] as const;

export const markDash = (index: number): string | undefined => MARK_DASHES[index % MARK_DASHES.length];

export const INK = "#222222";
export const MUTED = "#555555";
export const GRID = "#dddddd";

/** The hatch fill's definition; every figure carries it, used or not, so the output does not depend on the data. */
export const HATCH_PATTERN =
  `<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\n` +
  `<rect width="6" height="6" fill="#ffffff"/>\n<line x1="0" y1="0" x2="0" y2="6" stroke="${INK}" stroke-width="2"/>\n</pattern>`;
