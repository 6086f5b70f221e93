// Errors across the thread boundary. Structured clone keeps only the message of an Error and loses its
// class, so a job's error travels as {name, message, own fields} and is recreated here from the classes
// the caller names; anything else arrives as a plain Error whose message is the job's own (our code's
// messages never carry values; a foreign error is reduced to its class name, as safeMessage does).

export interface SerializedError {
  name: string;
  message: string;
  /** The error's own enumerable fields (e.g. `reason`, `line`), when they are plain data. */
  fields: Record<string, unknown>;
  /** Whether the error is one of ours (its message may be shown) or foreign (only its name may). */
  known: boolean;
}

/** A job that did not finish in its worker: the worker was terminated; the caller's work was not done. */
export class IsolationError extends Error {
  readonly why: "timeout" | "out-of-memory" | "crashed" | "closed";
  constructor(why: IsolationError["why"], message: string) {
    super(message);
    this.name = "IsolationError";
    this.why = why;
  }

  static describe(why: IsolationError["why"], limits: { timeoutMs: number; heapMb: number }): string {
    if (why === "timeout") return `stopped after ${limits.timeoutMs} ms (time limit)`;
    if (why === "out-of-memory") return `stopped: more than ${limits.heapMb} MiB of memory (memory limit)`;
    if (why === "closed") return "the worker pool is closed";
    return "the worker crashed";
  }
}

const plain = (value: unknown): boolean => value === null || ["string", "number", "boolean", "undefined"].includes(typeof value);

/** In the worker: an error as data. `known` marks errors whose class carries a fixed-meaning `reason` or `line`. */
export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: "Error", message: "unknown error", fields: {}, known: false };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (plain(v)) fields[k] = v;
  const known = typeof fields["reason"] === "string" || typeof fields["line"] === "number";
  return { name: err.constructor?.name ?? err.name, message: err.message, fields, known };
}

/** On the main thread: the error recreated as an instance of the named class when the caller listed it. */
export function reviveError(data: SerializedError, classes: ReadonlyArray<abstract new (...args: never[]) => Error>): Error {
  const cls = classes.find((c) => c.name === data.name);
  if (!cls) return data.known ? Object.assign(new Error(data.message), data.fields) : new Error(`${data.name} in an isolated job`);
  const err = Object.create(cls.prototype) as Error;
  Object.defineProperty(err, "message", { value: data.message, writable: true, configurable: true });
  Object.assign(err, data.fields);
  Object.defineProperty(err, "stack", { value: `${data.name}: ${data.message}\n    at (isolated job)`, writable: true, configurable: true });
  return err;
}
