// Decrypted files by content digest (and format): one decryption per distinct file content per session, however
// many ExternalSecrets read it; concurrent readers of new content share the one decryption in flight.
import { createHash } from "node:crypto";
import type { DecryptedFile, SopsFormat } from "./decrypt.ts";

let decryptions = 0;
const byFile = new Map<string, number>();

/** Successful decryptions in this process (for tests and the benchmark), optionally of one file path only. */
export function sopsDecryptionCount(file?: string): number {
  return file === undefined ? decryptions : (byFile.get(file) ?? 0);
}

export const contentDigest = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** Bounded: the least recently used entries go first, so a long-lived session keeps only what it reads. */
export class DecryptionCache {
  readonly #entries = new Map<string, DecryptedFile>();
  readonly #inFlight = new Map<string, Promise<DecryptedFile>>();
  readonly #max: number;

  constructor(max = 512) {
    this.#max = max;
  }

  /** The cached file for this content, or the result of `decrypt` (failures are not cached: a retry decrypts again). */
  async get(bytes: Uint8Array, format: SopsFormat, decrypt: () => Promise<DecryptedFile>, path = ""): Promise<DecryptedFile> {
    const key = `${format}:${contentDigest(bytes)}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = decrypt()
        .then((file) => {
          decryptions++;
          byFile.set(path, (byFile.get(path) ?? 0) + 1);
          this.#entries.set(key, file);
          while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
          return file;
        })
        .finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  clear(): void {
    this.#entries.clear();
  }
}
