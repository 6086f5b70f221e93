// A value axis from 0 with "nice" ticks (1, 2 or 5 times a power of ten), the way a reader counts.

export interface ValueAxis {
  /** The value at the top of the plot area (the last tick). */
  top: number;
  ticks: number[];
  /** Decimals a tick label needs (0 for a step of 1 or more). */
  decimals: number;
}

/**
 * The axis for values from 0 to `max`, with about `targetTicks` steps and room above the highest bar for its
 * label. Counts (`integer`) never get fractional ticks; an all-zero panel (writes at rest) still gets 0..1.
 */
export function valueAxis(max: number, options: { integer?: boolean; targetTicks?: number } = {}): ValueAxis {
  const targetTicks = options.targetTicks ?? 5;
  const wanted = Math.max(max, 0) * 1.12;
  let step = niceStep(wanted > 0 ? wanted / targetTicks : 1 / targetTicks);
  if (options.integer) step = Math.max(1, Math.round(step));
  const steps = Math.max(1, Math.ceil(wanted / step - 1e-9));
  const decimals = step >= 1 ? 0 : Math.ceil(-Math.log10(step) - 1e-9);
  // Multiplying, not adding, keeps ticks like 0.6 free of accumulated float error.
  const ticks = Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toFixed(decimals)));
  return { top: ticks[ticks.length - 1]!, ticks, decimals };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}
