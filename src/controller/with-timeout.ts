// Races work against a timer on the given clock: Lease requests must not hang a renewal loop past its deadline.
import type { Clock } from "./clock.ts";

export function withTimeout<T>(work: Promise<T>, ms: number, clock: Clock): Promise<T | "timeout"> {
  let handle: unknown;
  const timeout = new Promise<"timeout">((resolve) => {
    handle = clock.setTimeout(() => resolve("timeout"), ms);
  });
  return Promise.race([work, timeout]).finally(() => clock.clearTimeout(handle));
}
