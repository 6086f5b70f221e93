// The record of what a workload was last restarted for (ANNOTATION_RESTARTED_FOR): `secret=digest` pairs, sorted,
// digests shortened (a record, not a proof: 16 hex digits tell data versions apart). After a crash, a Secret whose
// digest differs from its record lost its restart; a Secret not in the record is not judged (the workload never
// restarted for it, so a new dependency alone never restarts anything).

/** Hex digits kept of each digest: short enough for an annotation over many Secrets. */
const KEPT = 16;
/** Records longer than this are not written (an annotation must stay small); resume then cannot judge. */
const MAX_LENGTH = 16 * 1024;

export function formatRestartedFor(digests: ReadonlyArray<readonly [secret: string, digest: string | undefined]>): string | undefined {
  const pairs = digests
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .map(([secret, digest]) => `${secret}=${digest.slice(0, KEPT)}`)
    .sort();
  const text = pairs.join(",");
  return text.length > MAX_LENGTH ? undefined : text;
}

export function parseRestartedFor(text: string | undefined): Map<string, string> {
  const record = new Map<string, string>();
  if (!text || text.length > MAX_LENGTH) return record;
  for (const pair of text.split(",")) {
    const at = pair.lastIndexOf("=");
    if (at > 0) record.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return record;
}

/** Secrets of the record whose data changed since (their current digest known and different). */
export function changedSince(record: ReadonlyMap<string, string>, current: (secret: string) => string | undefined): string[] {
  const changed: string[] = [];
  for (const [secret, digest] of record) {
    const now = current(secret);
    if (now !== undefined && now.slice(0, KEPT) !== digest) changed.push(secret);
  }
  return changed.sort();
}
