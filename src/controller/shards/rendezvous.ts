// Rendezvous (highest-random-weight) hashing of work onto replicas. Work keys first fall into a fixed number
// of slots, and each slot goes to the member that scores highest for it: when a member joins or leaves, only
// the slots it wins or held move (about 1/n of them), everyone else keeps theirs. Slots, not keys, are what
// members claim in their Leases (a bitmap fits in an annotation; a claim per key would not).
import { unitHash } from "../jitter.ts";

/** Slots per fleet. Enough for an even split across tens of replicas; small enough for a 256-character claim. */
export const SLOT_COUNT = 1024;

/** The slot a work key falls into (stable across processes and versions: it decides who works the key). */
export function slotOf(key: string, slots: number = SLOT_COUNT): number {
  return Math.floor(unitHash(key) * slots);
}

function score(member: string, slot: number): number {
  return unitHash(`${member}\u0000${slot}`);
}

/** The slots `member` wins among `members` (which should include it); ties go to the smaller identity. */
export function slotsWonBy(member: string, members: Iterable<string>, slots: number = SLOT_COUNT): Set<number> {
  const others = [...new Set(members)].filter((m) => m !== member);
  const won = new Set<number>();
  for (let slot = 0; slot < slots; slot++) {
    const mine = score(member, slot);
    if (others.every((other) => {
      const theirs = score(other, slot);
      return mine > theirs || (mine === theirs && member < other);
    })) won.add(slot);
  }
  return won;
}
