// Counts events identified by a fixed tuple of labels and sums them over partial filters
// (used for provider calls in metrics and for the fake store's per-key request log).

export class CallTally<Labels extends readonly string[]> {
  readonly #counts = new Map<string, number>();

  record(...labels: Labels): void {
    const id = JSON.stringify(labels);
    this.#counts.set(id, (this.#counts.get(id) ?? 0) + 1);
  }

  /** Sum over every recorded tuple whose labels equal the filter's where the filter has a value. */
  count(filter: Partial<Record<number, string | undefined>>): number {
    let sum = 0;
    for (const [id, count] of this.#counts) {
      const labels = JSON.parse(id) as string[];
      if (labels.every((label, index) => filter[index] === undefined || filter[index] === label)) sum += count;
    }
    return sum;
  }

  clear(): void {
    this.#counts.clear();
  }
}
