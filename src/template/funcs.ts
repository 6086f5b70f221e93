// The engine's function map, as ESO builds it: text/template's built-ins, then Sprig (minus env and
// expandenv), then ESO's own functions; later entries override earlier ones (Sprig's slice wins).
import { builtins } from "./builtins.ts";
import { wordFuncs } from "./funcs-words.ts";
import type { FuncMap } from "./func-types.ts";
import { cryptoFuncs } from "./funcs-crypto.ts";
import { dateFuncs } from "./funcs-date.ts";
import { dictFuncs } from "./funcs-dicts.ts";
import { encodingFuncs } from "./funcs-encoding.ts";
import { esoFuncs } from "./funcs-eso.ts";
import { listFuncs } from "./funcs-lists.ts";
import { mathFuncs } from "./funcs-math.ts";
import { pathFuncs } from "./funcs-paths.ts";
import { regexFuncs } from "./funcs-regex.ts";
import { stringFuncs } from "./funcs-strings.ts";
import { semverCompare } from "./semver.ts";
import { semverFuncs } from "./funcs-semver.ts";
import { certFuncs } from "./funcs-certs.ts";
import { urlFuncs } from "./go-url.ts";
import { fn, lookup, perByte } from "./func-types.ts";
import { goKind, goType, type GoValue } from "./values.ts";

const reflectFuncs: FuncMap = {
  typeOf: lookup(fn(["any"], (v: GoValue) => goType(v))),
  kindOf: lookup(fn(["any"], (v: GoValue) => goKind(v))),
  typeIs: lookup(fn(["string", "any"], (t: string, v: GoValue) => goType(v) === t)),
  typeIsLike: lookup(fn(["string", "any"], (t: string, v: GoValue) => goType(v) === t || goType(v) === `*${t}`)),
  kindIs: lookup(fn(["string", "any"], (k: string, v: GoValue) => goKind(v) === k)),
  hello: fn([], () => "Hello!"),
};

const versionFuncs: FuncMap = {
  // Four or five passes of Go's regexp over the constraint (regexMatch costs 32 steps a byte for one).
  semverCompare: perByte(128, fn(["string", "string"], semverCompare)),
};

export const templateFuncs: FuncMap = {
  ...builtins,
  ...stringFuncs,
  ...wordFuncs,
  ...listFuncs,
  ...dictFuncs,
  ...encodingFuncs,
  ...regexFuncs,
  ...mathFuncs,
  ...cryptoFuncs,
  ...certFuncs,
  ...dateFuncs,
  ...pathFuncs,
  ...reflectFuncs,
  ...versionFuncs,
  ...semverFuncs,
  ...urlFuncs,
  ...esoFuncs,
};

export const hasTemplateFunc = (name: string): boolean => Object.hasOwn(templateFuncs, name);

