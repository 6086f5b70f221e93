// A random password with exactly the requested numbers of digits and symbols, the rest letters, as ESO's
// Password generator makes them (sethvargo/go-password's rules: digits + symbols <= length; without allowRepeat
// no character appears twice, so each class must have enough distinct characters). Randomness: node:crypto.
import { randomInt } from "node:crypto";

export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const DIGITS = "0123456789";
/** ESO's default symbol set. */
export const DEFAULT_SYMBOLS = "~!@#$%^&*()_+`-={}|[]\\:\"<>?,./";

export interface PasswordPolicy {
  length: number;
  digits: number;
  symbols: number;
  symbolCharacters: string;
  noUpper: boolean;
  allowRepeat: boolean;
}

/** Why the policy cannot be met, or undefined. Checked before generating, so an impossible policy costs nothing. */
export function policyProblem(policy: PasswordPolicy): string | undefined {
  const letters = policy.length - policy.digits - policy.symbols;
  if (letters < 0) return `digits (${policy.digits}) + symbols (${policy.symbols}) exceed the length (${policy.length})`;
  const symbolSet = new Set(Array.from(policy.symbolCharacters));
  if (policy.symbols > 0 && symbolSet.size === 0) return "symbols are requested but symbolCharacters is empty";
  if (policy.allowRepeat) return undefined;
  const letterCount = policy.noUpper ? LOWER.length : LOWER.length + UPPER.length;
  if (letters > letterCount) return `${letters} letters without repeats need more than the ${letterCount} available (set allowRepeat or add digits/symbols)`;
  if (policy.digits > DIGITS.length) return `${policy.digits} digits without repeats need more than the ${DIGITS.length} available (set allowRepeat)`;
  if (policy.symbols > symbolSet.size) return `${policy.symbols} symbols without repeats need more than the ${symbolSet.size} symbolCharacters (set allowRepeat)`;
  // A symbol set that overlaps letters or digits: symbols are drawn first, and in the worst case they take the
  // overlapping characters, which the other classes then cannot repeat. Refuse unless even that case works.
  const letterSet = new Set(Array.from(policy.noUpper ? LOWER : LOWER + UPPER));
  const takes = (set: Set<string>) => Math.min(policy.symbols, [...symbolSet].filter((ch) => set.has(ch)).length);
  const digitSet = new Set(Array.from(DIGITS));
  if (policy.digits > digitSet.size - takes(digitSet) || letters > letterSet.size - takes(letterSet) || policy.digits + letters > digitSet.size + letterSet.size - takes(new Set([...digitSet, ...letterSet]))) {
    return "symbolCharacters overlap letters or digits too much to meet the policy without repeats (set allowRepeat)";
  }
  return undefined;
}

/** Draws `count` characters of `pool` into `out`; without repeats, never one already in `used`. */
function draw(pool: string[], count: number, allowRepeat: boolean, used: Set<string>, out: string[]): void {
  const available = allowRepeat ? pool : pool.filter((ch) => !used.has(ch));
  for (let i = 0; i < count; i++) {
    if (available.length === 0) throw new Error("character pool exhausted"); // unreachable after policyProblem
    const at = randomInt(available.length);
    const ch = available[at]!;
    out.push(ch);
    used.add(ch);
    if (!allowRepeat) available.splice(at, 1);
  }
}

/** A password meeting the policy; call policyProblem first (this throws a plain Error on an impossible one). */
export function randomPassword(policy: PasswordPolicy): string {
  const letters = Array.from(policy.noUpper ? LOWER : LOWER + UPPER);
  const symbols = [...new Set(Array.from(policy.symbolCharacters))];
  const chars: string[] = [];
  const used = new Set<string>();
  // Symbols and digits first: with an overlapping symbol set they are the scarcer classes.
  draw(symbols, policy.symbols, policy.allowRepeat, used, chars);
  draw(Array.from(DIGITS), policy.digits, policy.allowRepeat, used, chars);
  draw(letters, policy.length - policy.digits - policy.symbols, policy.allowRepeat, used, chars);
  // Fisher-Yates: every arrangement of the drawn characters equally likely.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}
