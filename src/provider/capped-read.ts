// The one way adapters read a body from a peer: streamed, counted against a byte budget, and abandoned (the
// connection closed, not drained) as soon as the budget is spent. Used by every HTTP client an adapter owns
// (Vault, Git smart HTTP, token endpoints, AWS error bodies) so no site buffers an answer of unknown size.
import { ResponseTooLargeError } from "./errors.ts";

/**
 * A byte allowance for one body, optionally drawn from a larger one (one response within one Git fetch).
 * `spend` throws ResponseTooLargeError naming whichever allowance ran out.
 */
export class ByteBudget {
  readonly #limit: number;
  readonly #what: string;
  readonly #parent: ByteBudget | undefined;
  #used = 0;

  constructor(limitBytes: number, what: string, parent?: ByteBudget) {
    this.#limit = limitBytes;
    this.#what = what;
    this.#parent = parent;
  }

  /** A budget for one part (one response) that also counts against this one. */
  part(limitBytes: number, what: string): ByteBudget {
    return new ByteBudget(limitBytes, what, this);
  }

  /** Fails now if `bytes` more would not fit (a declared Content-Length), without counting them. */
  check(bytes: number): void {
    if (this.#used + bytes > this.#limit) throw new ResponseTooLargeError(this.#what, this.#limit);
    this.#parent?.check(bytes);
  }

  spend(bytes: number): void {
    this.check(bytes);
    this.#used += bytes;
    this.#parent?.spend(bytes);
  }

  get used(): number {
    return this.#used;
  }
}

/**
 * Passes `source` through while it stays within `budget`. Whenever iteration stops early (the budget ran out,
 * or the consumer gave up), the source is cancelled: a Node Readable is destroyed and a fetch body cancelled,
 * which closes the connection instead of reading the rest of a huge answer.
 */
export async function* cappedChunks(source: AsyncIterable<Uint8Array>, budget: ByteBudget, declaredBytes?: number): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    // A declared length past the limit fails before a byte is read.
    if (declaredBytes !== undefined) budget.check(declaredBytes);
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        finished = true;
        return;
      }
      budget.spend(next.value.byteLength);
      yield next.value;
    }
  } finally {
    if (!finished) await Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/** The whole body, within `budget`. */
export async function readCapped(source: AsyncIterable<Uint8Array>, budget: ByteBudget, declaredBytes?: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of cappedChunks(source, budget, declaredBytes)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A Content-Length header as a number of bytes, when it is one. */
export function declaredLength(header: string | string[] | null | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === null || value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/** The body of a fetch() Response, within `budget` (empty when there is none). */
export async function readResponseCapped(res: Response, budget: ByteBudget): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  return readCapped(res.body, budget, declaredLength(res.headers.get("content-length")));
}
