// Errors of calls that carry a secret value (CreateSecret, PutSecretValue, PutParameter). AWS validation messages
// quote the offending input ("Value '...' at 'value' failed to satisfy constraint"), and for a write that input
// is the secret; reads never sent one. So the error of a write leaves here with every written value removed from
// its message and from its cause's (pino's error serializer prints causes' messages too).
import { ValueScrubber } from "../../src/provider/scrub.ts";

/** Removes `values` from the error's message and its cause's; returns the same error object. */
export function withoutValues(err: unknown, values: ReadonlyArray<Uint8Array | string>): unknown {
  if (!(err instanceof Error)) return err;
  const scrubber = new ValueScrubber().addAll(values);
  for (const target of [err, err.cause]) {
    if (!(target instanceof Error)) continue;
    const scrubbed = scrubber.scrub(target.message);
    if (scrubbed !== target.message) target.message = scrubbed;
  }
  return err;
}

/** Runs a write through the session's guarded call (a typed provider error on failure), scrubbed of `values`. */
export async function guardedWrite<T>(
  guarded: <R>(what: string, fn: () => Promise<R>) => Promise<R>,
  what: string,
  values: ReadonlyArray<Uint8Array | string>,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await guarded(what, fn);
  } catch (err) {
    throw withoutValues(err, values);
  }
}
