// Sprig's semverCompare on a port of Masterminds/semver v3.4.0 (the version ESO 2.9 builds with): NewVersion's
// coercing parser, NewConstraint (ranges "a - b", ||, comma or space AND, ^, ~, ~>, x-ranges, the prerelease
// rule) and Check. The library's own regexps run on src/regexp (RE2, linear time), so the grammar, and its
// quirks, are Go's to the byte.
import { GoRegexp } from "../regexp/index.ts";
import { budget } from "./budget.ts";
import { GoError } from "./func-types.ts";
import { fromBin } from "./gostr.ts";

export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  metadata: string;
}

const LOOSE = String.raw`v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;

const re = (pattern: string) => GoRegexp.compile(pattern, "latin1");
const looseVersion = () => re(`^${LOOSE}$`);
const constraintRe = () => re(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const rangeRe = () => re(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`);
const findRe = () => re(String.raw`(${OPS})\s*(${CV})`);
const validRe = () => re(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);

const firstSubmatch = (r: GoRegexp, s: string): string[] | undefined => r.findAllSubmatch(s, 1)[0];

const UINT64_MAX = (1n << 64n) - 1n;
const ALLOWED = /^[0-9A-Za-z-]*$/;

/** strconv.ParseUint(s, 10, 64) on digits the regexp already checked. */
function parseUint(digits: string): bigint {
  const n = BigInt(digits);
  if (n > UINT64_MAX) throw new GoError(`error parsing version segment: strconv.ParseUint: parsing "${digits}": value out of range`);
  return n;
}

export function validatePrerelease(p: string): void {
  for (const part of p.split(".")) {
    if (part === "") throw new GoError("invalid prerelease string");
    if (/^[0-9]+$/.test(part)) {
      if (part.length > 1 && part[0] === "0") throw new GoError("version segment starts with 0");
    } else if (!ALLOWED.test(part)) throw new GoError("invalid prerelease string");
  }
}

export function validateMetadata(m: string): void {
  for (const part of m.split(".")) if (part === "" || !ALLOWED.test(part)) throw new GoError("invalid metadata string");
}

/** semver.NewVersion with CoerceNewVersion (the default): leading zeros and missing parts allowed. */
export function newVersion(v: string): Version {
  const m = firstSubmatch(looseVersion(), v);
  if (!m) throw new GoError("invalid semantic version");
  const ver: Version = {
    major: parseUint(m[1]!),
    minor: m[2] ? parseUint(m[2].slice(1)) : 0n,
    patch: m[3] ? parseUint(m[3].slice(1)) : 0n,
    pre: m[5]!,
    metadata: m[8]!,
  };
  if (ver.pre !== "") validatePrerelease(ver.pre);
  if (ver.metadata !== "") validateMetadata(ver.metadata);
  return ver;
}

/** Version.String: the normalised form the library's error texts print. */
export const versionString = (v: Version): string =>
  `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ""}${v.metadata ? `+${v.metadata}` : ""}`;

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return -1;
  if (o === "") return 1;
  const sn = /^[0-9]+$/.test(s) && BigInt(s) <= UINT64_MAX;
  const on = /^[0-9]+$/.test(o) && BigInt(o) <= UINT64_MAX;
  if (!sn && !on) return s > o ? 1 : -1;
  if (!on) return -1; // o is a string and s a number
  if (!sn) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split(".");
  const op = o.split(".");
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? "", op[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

/** Version.Compare: metadata ignored, a prerelease below its release. */
export function compare(v: Version, o: Version): number {
  const d = cmp(v.major, o.major) || cmp(v.minor, o.minor) || cmp(v.patch, o.patch);
  if (d !== 0) return d;
  if (v.pre === "" && o.pre === "") return 0;
  if (v.pre === "") return 1;
  if (o.pre === "") return -1;
  return comparePrerelease(v.pre, o.pre);
}

interface Constraint {
  con: Version;
  orig: string;
  op: string;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (x: string): boolean => x === "x" || x === "*" || x === "X";

function parseConstraint(c: string): Constraint {
  if (c.length === 0) return { con: newVersion("0.0.0"), orig: c, op: "", minorDirty: false, patchDirty: false, dirty: true };
  const m = firstSubmatch(constraintRe(), c);
  if (!m) throw new GoError(`improper constraint: ${fromBin(c)}`);
  let ver = m[2]!;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(m[3]!) || m[3] === "") {
    ver = `0.0.0${m[6]}`;
    dirty = true;
  } else if (isX(m[4]!.replace(/^\./, "")) || m[4] === "") {
    minorDirty = dirty = true;
    ver = `${m[3]}.0.0${m[6]}`;
  } else if (isX(m[5]!.replace(/^\./, "")) || m[5] === "") {
    dirty = patchDirty = true;
    ver = `${m[3]}${m[4]}.0${m[6]}`;
  }
  let con: Version;
  try {
    con = newVersion(ver);
  } catch {
    throw new GoError("constraint parser error");
  }
  return { con, orig: m[2]!, op: m[1]!, minorDirty, patchDirty, dirty };
}

/** rewriteRange: each "a - b" becomes ">= a, <= b ", replacing the first occurrence of the matched text in the
 *  string rewritten so far, as Go's strings.Replace(o, match, t, 1) does (which may land in an earlier rewrite). */
function rewriteRange(i: string): string {
  let o = i;
  for (const v of rangeRe().findAllSubmatch(i, -1)) {
    budget().work(o.length);
    const at = o.indexOf(v[0]!);
    if (at < 0) continue;
    o = o.slice(0, at) + `>= ${v[1]}, <= ${v[11]} ` + o.slice(at + v[0]!.length);
  }
  return o;
}

type Group = { cs: Constraint[]; pre: boolean };

/** semver.NewConstraint. */
export function newConstraint(c: string): Group[] {
  return rewriteRange(c)
    .split("||")
    .map((v) => {
      if (!validRe().test(v)) throw new GoError(`improper constraint: ${fromBin(v)}`);
      const found = findRe().findAll(v, -1);
      const cs = (found.length > 0 ? found : [v]).map(parseConstraint);
      return { cs, pre: cs.some((pc) => pc.con.pre !== "") };
    });
}

const lt = (v: Version, o: Version) => compare(v, o) < 0;

function tilde(v: Version, c: Constraint): boolean {
  if (lt(v, c.con)) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return !(v.minor !== c.con.minor && !c.minorDirty);
}

function notEqual(v: Version, c: Constraint): boolean {
  if (c.dirty) {
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return (v.pre !== "" || c.con.pre !== "") && comparePrerelease(v.pre, c.con.pre) !== 0;
  }
  return compare(v, c.con) !== 0;
}

function greater(v: Version, c: Constraint): boolean {
  if (!c.dirty) return compare(v, c.con) === 1;
  if (v.major > c.con.major) return true;
  if (v.major < c.con.major || c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return compare(v, c.con) === 1;
}

function lessEqual(v: Version, c: Constraint): boolean {
  if (!c.dirty) return compare(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function caret(v: Version, c: Constraint): boolean {
  if (lt(v, c.con)) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (c.con.major === 0n && v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (c.con.minor === 0n && v.minor > 0n) return false;
  return c.con.patch === v.patch;
}

const OPS_CHECK: Record<string, (v: Version, c: Constraint) => boolean> = {
  "": (v, c) => (c.dirty ? tilde(v, c) : compare(v, c.con) === 0),
  "!=": notEqual,
  ">": greater,
  "<": (v, c) => compare(v, c.con) < 0,
  ">=": (v, c) => compare(v, c.con) >= 0,
  "<=": lessEqual,
  "~": tilde,
  "^": caret,
};
OPS_CHECK["="] = OPS_CHECK[""]!;
OPS_CHECK["=>"] = OPS_CHECK[">="]!;
OPS_CHECK["=<"] = OPS_CHECK["<="]!;
OPS_CHECK["~>"] = OPS_CHECK["~"]!;

/** Constraints.Check: some OR group whose every constraint holds; a prerelease version only matches a group
 *  that names a prerelease itself. */
export function check(groups: Group[], v: Version): boolean {
  return groups.some((g) => g.cs.every((c) => (v.pre === "" || g.pre) && OPS_CHECK[c.op]!(v, c)));
}

/** Sprig's semverCompare CONSTRAINT VERSION. */
export function semverCompare(constraint: string, version: string): boolean {
  const groups = newConstraint(constraint);
  return check(groups, newVersion(version));
}
