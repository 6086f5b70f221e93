// Shared test helpers for the controller machinery: promise plumbing for code driven by FakeClock.

/** Lets every pending promise continuation run (microtasks drain before a macrotask). */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise with its resolve/reject exposed, for reconcile functions a test finishes by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  const d = Promise.withResolvers<T>();
  return { promise: d.promise, resolve: d.resolve, reject: d.reject };
}

/** Per-test limit: a regression that leaves a promise pending fails fast instead of hanging `npm test`. */
export const TEST_TIMEOUT_MS = 10_000;
