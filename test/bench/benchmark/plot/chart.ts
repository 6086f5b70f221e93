// What a chart is, apart from how it is drawn: the builders (charts-*.ts) fill these from results, the renderers
// (figure.ts, panel.ts) draw them. Every chart is grouped bars on a value axis from 0, which reads the same for
// three sizes, two layouts or three providers, and keeps zero (writes at rest) visible as a labelled "0".

/** One bar: its value, and the marks drawn across it (in the order of the panel's `marks`). */
export interface Bar {
  value: number;
  marks?: Array<number | undefined>;
}

/** One series (a provider, or one measure): a bar per category, undefined where it was not measured. */
export interface Series {
  name: string;
  /** Index into SERIES_STYLES; the builders keep one index per provider across every figure. */
  style: number;
  bars: Array<Bar | undefined>;
}

export interface Panel {
  title: string;
  categories: string[];
  xLabel: string;
  /** The unit, as the axis prints it ("seconds", "MiB", "calls"). */
  yLabel: string;
  series: Series[];
  /** Decimals of the value printed above each bar. */
  decimals: number;
  /** Counts: no fractional ticks. */
  integer?: boolean;
  /** Names of the marks drawn across bars (e.g. "p50", "p99"), legend order. */
  marks?: string[];
}

export interface Figure {
  /** The SVG's file name under the output directory. */
  file: string;
  title: string;
  /** Where the numbers come from (scenario, machine, date): one line under the title. */
  subtitle: string;
  footnote?: string;
  width: number;
  height: number;
  panels: Panel[];
}
