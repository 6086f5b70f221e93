// A member's claimed slots, as its Lease carries them: a hex bitmap (slot i is bit i % 4 of hex digit i / 4).
// Anything unreadable decodes as "no claim" only for slots past its end; a malformed digit claims all four of
// its slots, so a corrupted annotation can delay a handover but never let two members work one slot.

export function encodeClaims(slots: Iterable<number>, slotCount: number): string {
  const digits = new Uint8Array(Math.ceil(slotCount / 4));
  for (const slot of slots) if (slot >= 0 && slot < slotCount) digits[slot >> 2]! |= 1 << (slot & 3);
  return Array.from(digits, (d) => d.toString(16)).join("");
}

export function decodeClaims(text: string | undefined, slotCount: number): Set<number> {
  const slots = new Set<number>();
  if (!text) return slots;
  for (let i = 0; i < text.length && i * 4 < slotCount; i++) {
    const digit = Number.parseInt(text[i]!, 16);
    const bits = Number.isNaN(digit) ? 0xf : digit;
    for (let b = 0; b < 4; b++) if (bits & (1 << b) && i * 4 + b < slotCount) slots.add(i * 4 + b);
  }
  return slots;
}
