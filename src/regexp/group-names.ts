// Go accepts a capture name used twice (`(?P<n>a)|(?P<n>b)`: $n expands to the first of them that took
// part); re2js, like C++ RE2, rejects it. For such a pattern the repeated names are replaced by unique ones
// before compiling, and the Go name of every group is kept by index for Expand. Only this fallback reads
// the pattern's text, so a scanning mistake here can only affect patterns with a repeated name.

const NAMED_GROUP = /\(\?P?<([A-Za-z0-9_]+)>/y; // Go's isValidCaptureName: ASCII letters, digits, '_'

/** Index of the `]` closing the class opened at `open`, following Go's parseClass (a `]` right after `[` or `[^` is literal). */
function classEnd(pattern: string, open: number, posixCloses: { none: boolean }): number {
  let at = open + 1;
  if (pattern[at] === "^") at++;
  for (let first = true; at < pattern.length; at++, first = false) {
    if (pattern[at] === "]" && !first) return at;
    if (pattern[at] === "\\") at++;
    else if (!posixCloses.none && pattern.startsWith("[:", at)) {
      // [:alpha:] runs to the next ":]" anywhere after it, as in Go; remember when there is none.
      const close = pattern.indexOf(":]", at + 2);
      if (close < 0) posixCloses.none = true;
      else at = close + 1;
    }
  }
  return pattern.length;
}

/** Every `(?P<name>` / `(?<name>` outside escapes, \Q...\E and classes: the name and where it starts. */
function namedGroups(pattern: string): { name: string; at: number }[] {
  const out: { name: string; at: number }[] = [];
  const posixCloses = { none: false };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && pattern[i + 1] === "Q") {
      const end = pattern.indexOf("\\E", i + 2);
      if (end < 0) break; // the rest is literal
      i = end + 1;
    } else if (c === "\\") i++;
    else if (c === "[") i = classEnd(pattern, i, posixCloses);
    else if (c === "(") {
      NAMED_GROUP.lastIndex = i;
      const m = NAMED_GROUP.exec(pattern);
      if (m) out.push({ name: m[1]!, at: i + m[0].length - 1 - m[1]!.length });
    }
  }
  return out;
}

/** The pattern with each repeated group name replaced by an unused one, and the Go name each replacement stands for. */
export function uniqueGroupNames(pattern: string): { pattern: string; aliases: Map<string, string> } {
  const groups = namedGroups(pattern);
  const taken = new Set(groups.map((g) => g.name));
  const seen = new Set<string>();
  const aliases = new Map<string, string>();
  let out = "";
  let last = 0;
  let n = 0;
  for (const { name, at } of groups) {
    if (!seen.has(name)) {
      seen.add(name);
      continue;
    }
    let alias: string;
    do alias = `${name}_${++n}`;
    while (taken.has(alias));
    taken.add(alias);
    aliases.set(alias, name);
    out += pattern.slice(last, at) + alias;
    last = at + name.length;
  }
  return { pattern: out + pattern.slice(last), aliases };
}
