// Sprig's `semver VERSION`: a *semver.Version (Masterminds/semver v3.4.0, as ESO 2.9 builds it) that a template
// reads through its methods: `(semver "1.2.3").Major`, `$v.LessThan $w`, `$v.IncPatch`, printed as its String.
// The parser and the ordering are semver.ts's (the ones semverCompare uses).
import { GoError, fn, perByte, type FuncMap, type GoFunc } from "./func-types.ts";
import { compare, newVersion, validateMetadata, validatePrerelease, versionString, type Version } from "./semver.ts";
import { GoStruct, Uint64, intOf, type GoValue, type StructType } from "./values.ts";

const PTR = "*semver.Version";

const fieldsOf = (s: GoStruct): Version => ({
  major: intOf(s.values[0] as Uint64),
  minor: intOf(s.values[1] as Uint64),
  patch: intOf(s.values[2] as Uint64),
  pre: s.values[3] as string,
  metadata: s.values[4] as string,
});
const originalOf = (s: GoStruct): string => s.values[5] as string;

function versionValue(v: Version, original: string, pointer: boolean): GoStruct {
  return new GoStruct(VERSION, [new Uint64(v.major), new Uint64(v.minor), new Uint64(v.patch), v.pre, v.metadata, original], pointer);
}

/** What the Inc and Set methods return: a Version (not a pointer), its original keeping only a leading "v". */
function next(s: GoStruct, change: Partial<Version>): GoStruct {
  const v = { ...fieldsOf(s), ...change };
  return versionValue(v, (originalOf(s).startsWith("v") ? "v" : "") + versionString(v), false);
}

/** The nil *Version a template can pass (`$v.LessThan nil`) dereferenced, as Go's runtime reports it. */
function deref(o: GoValue): Version {
  if (!(o instanceof GoStruct)) throw new GoError("runtime error: invalid memory address or nil pointer dereference");
  return fieldsOf(o);
}

const cmp = (s: GoStruct, o: GoValue): number => compare(fieldsOf(s), deref(o));
const method = (params: GoFunc["params"], impl: (s: GoStruct, ...a: never[]) => GoValue): GoFunc => fn(params, impl as (...a: never[]) => GoValue);
/** Methods that take or return []byte or mutate the version in place: no template use, and no []byte value here. */
const unsupported = (name: string): GoFunc =>
  method([], () => {
    throw new GoError(`semver.Version.${name} is not supported by this engine`);
  });

const VERSION: StructType = {
  name: "semver.Version",
  fields: ["major", "minor", "patch", "pre", "metadata", "original"].map((name) => ({ name, exported: false })),
  stringer: (s) => versionString(fieldsOf(s)),
  json: (s) => versionString(fieldsOf(s)),
  methods: {
    String: method([], (s) => versionString(fieldsOf(s))),
    Major: method([], (s) => s.values[0]!),
    Minor: method([], (s) => s.values[1]!),
    Patch: method([], (s) => s.values[2]!),
    Prerelease: method([], (s) => s.values[3]!),
    Metadata: method([], (s) => s.values[4]!),
    // A prerelease or metadata is dropped first; only a plain version's patch moves on.
    IncPatch: method([], (s) => {
      const v = fieldsOf(s);
      return next(s, { pre: "", metadata: "", patch: v.pre !== "" ? v.patch : BigInt.asUintN(64, v.patch + 1n) });
    }),
    IncMinor: method([], (s) => next(s, { pre: "", metadata: "", patch: 0n, minor: BigInt.asUintN(64, fieldsOf(s).minor + 1n) })),
    IncMajor: method([], (s) => next(s, { pre: "", metadata: "", patch: 0n, minor: 0n, major: BigInt.asUintN(64, fieldsOf(s).major + 1n) })),
    SetPrerelease: method(["string"], (s, pre: string) => {
      if (pre !== "") validatePrerelease(pre);
      return next(s, { pre });
    }),
    SetMetadata: method(["string"], (s, metadata: string) => {
      if (metadata !== "") validateMetadata(metadata);
      return next(s, { metadata });
    }),
    Value: method([], (s) => versionString(fieldsOf(s))),
    MarshalJSON: unsupported("MarshalJSON"),
    MarshalText: unsupported("MarshalText"),
  },
  pointerMethods: {
    Original: method([], (s) => originalOf(s)),
    Compare: method([PTR], (s, o: GoValue) => BigInt(cmp(s, o))),
    LessThan: method([PTR], (s, o: GoValue) => cmp(s, o) < 0),
    LessThanEqual: method([PTR], (s, o: GoValue) => cmp(s, o) <= 0),
    GreaterThan: method([PTR], (s, o: GoValue) => cmp(s, o) > 0),
    GreaterThanEqual: method([PTR], (s, o: GoValue) => cmp(s, o) >= 0),
    Equal: method([PTR], (s, o: GoValue) => s === o || (o instanceof GoStruct && cmp(s, o) === 0)),
    Scan: unsupported("Scan"),
    UnmarshalJSON: unsupported("UnmarshalJSON"),
    UnmarshalText: unsupported("UnmarshalText"),
  },
};

/** Sprig's semver: semver.NewVersion (coercing: "v1.2", "01.02.03" parse), its error texts. */
export const semverValue = (version: string): GoStruct => versionValue(newVersion(version), version, true);

export const semverFuncs: FuncMap = {
  // One pass of Go's regexp over the version (regexMatch costs 32 steps a byte).
  semver: perByte(32, fn(["string"], semverValue)),
};
