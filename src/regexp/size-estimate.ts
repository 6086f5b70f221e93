// How large a pattern's compiled program can get, estimated from its text before compiling. Compiling is
// the one step of RE2 that is not linear in the pattern: counted repeats expand (`a{1000}` is a thousand
// instructions, `(a{100}b){100}` ten thousand), and re2js spends about 1.5 ms per thousand instructions on
// the operator's main thread. Go accepts programs up to millions of instructions; tenants' patterns are a
// few dozen characters, so we refuse anything estimated over MAX_PROGRAM with Go's own "expression too
// large" (deliberately stricter than Go, and said so in the README).

export const MAX_PROGRAM = 50_000;

/** Upper-bound weight of a pattern: one per atom, counted repeats multiply what they repeat. */
export function estimateProgramSize(pattern: string): number {
  const stack: Array<{ sum: number }> = [];
  let sum = 0;
  let last = 0; // weight of the atom or group a following repeat applies to
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      i = skipEscape(pattern, i);
      sum += 1;
      last = 1;
    } else if (ch === "[") {
      i = skipClass(pattern, i);
      sum += 1;
      last = 1;
    } else if (ch === "(") {
      stack.push({ sum });
      sum = 0;
      last = 0;
    } else if (ch === ")") {
      const group = sum + 1;
      sum = (stack.pop()?.sum ?? 0) + group;
      last = group;
    } else if (ch === "{") {
      const repeat = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 16));
      if (!repeat) {
        sum += 1;
        last = 1;
        continue;
      }
      const max = repeat[2] === undefined ? Number(repeat[1]) : repeat[3] ? Number(repeat[3]) : Number(repeat[1]) + 1;
      sum += last * Math.max(0, max - 1) + 1;
      last = last * Math.max(1, max);
      i += repeat[0].length - 1;
    } else if (ch === "|") {
      sum += 1;
      last = 0;
    } else {
      sum += 1;
      last = ch === "*" || ch === "+" || ch === "?" ? last : 1;
    }
    if (sum > MAX_PROGRAM * 16) return sum; // far over: stop counting
  }
  while (stack.length > 0) sum += stack.pop()!.sum;
  return sum;
}

/** Index of the last character of the escape at `i` (`\x`, `\x{...}`, `\p{...}`, `\Q...\E` counted as one atom). */
function skipEscape(pattern: string, i: number): number {
  const next = pattern[i + 1];
  if ((next === "p" || next === "P" || next === "x") && pattern[i + 2] === "{") {
    const close = pattern.indexOf("}", i + 3);
    return close < 0 ? pattern.length - 1 : close;
  }
  if (next === "Q") {
    const end = pattern.indexOf("\\E", i + 2);
    return end < 0 ? pattern.length - 1 : end + 1;
  }
  return i + 1;
}

/** Index of the `]` closing the class opened at `i` (a `]` first in the class is literal; `[:name:]` inside). */
function skipClass(pattern: string, i: number): number {
  let j = i + 1;
  if (pattern[j] === "^") j++;
  if (pattern[j] === "]") j++;
  for (; j < pattern.length; j++) {
    if (pattern[j] === "\\") j++;
    else if (pattern[j] === "[" && pattern[j + 1] === ":") {
      const close = pattern.indexOf(":]", j + 2);
      if (close >= 0) j = close + 1;
    } else if (pattern[j] === "]") return j;
  }
  return pattern.length - 1;
}
