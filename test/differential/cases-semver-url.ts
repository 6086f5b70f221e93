// Differential cases for Sprig's semverCompare (Masterminds/semver v3 constraints: ranges, ^, ~, ~>, x-ranges,
// || and comma/space AND, the prerelease rule, the library's error texts) against Go itself.
import type { Case } from "./go-render.ts";

const t = (name: string, template: string, data: Record<string, string> = {}): Case => ({ name, template, data });

/** Every constraint against every version, one line per constraint. */
const grid = (constraints: string[], versions: string[]): string =>
  `{{ range $c := list ${constraints.map((c) => JSON.stringify(c)).join(" ")} }}{{ $c }}:{{ range $v := list ${versions
    .map((v) => JSON.stringify(v))
    .join(" ")} }} {{ semverCompare $c $v }}{{ end }}\n{{ end }}`;

const VERSIONS = ["0.0.0", "0.0.3", "0.0.4", "0.1.0", "0.2.3", "0.3.0", "1.0.0", "1.2.0", "1.2.3", "1.2.4-beta.1", "1.3.0", "1.3.0-rc.1", "2.0.0", "2.0.0-alpha", "v2.1", "3", "10.0.0", "1.2.3+build.5", "01.02.03"];

export const semverCases: Case[] = [
  t("semverCompare operators", grid(["1.2.3", "=1.2.3", "!=1.2.3", ">1.2.3", "<1.2.3", ">=1.2.3", "=>1.2.3", "<=1.2.3", "=<1.2.3", "v1.2.3", "1.2.3+meta"], VERSIONS)),
  t("semverCompare caret", grid(["^1.2.3", "^1.2", "^1", "^0.2.3", "^0.2", "^0.0.3", "^0.0", "^0", "^*", "^1.x", "^0.x", "^0.0.x", "^1.2.4-alpha"], VERSIONS)),
  t("semverCompare tilde", grid(["~1.2.3", "~>1.2.3", "~1.2", "~1", "~2.x", "~1.2.x", "~*", "~0.0.0", "~0", "~>0.2", "~1.3.0-rc.0"], VERSIONS)),
  t("semverCompare x-ranges", grid(["*", "x", "X", "1.x", "1.2.x", "1.*", "1.X.x", "!=1.x", "!=1.2.x", ">1.x", ">1.2.x", "<=1.x", "<=1.2.x", "<1.x", ">=2.x", "2", "1.2"], VERSIONS)),
  t("semverCompare AND and OR", grid([">=1.0, <2.0", ">=1.0 <2.0", ">= 1.0 , < 2.0", ">1.2.3,<=2", "<1 || >=3", "^1.2 || ^0.2", "1.2.3 || 2.x || 10", ">=1.2.4-beta.0 <1.3", "<2.0.0-0"], VERSIONS)),
  t("semverCompare hyphen ranges", grid(["1.2 - 2", "1.2.3 - 1.3.0", "1 - 2 || 3", "0.0.3 - 0.1", "1.x - 2.x", "1.2.3 - 2.0.0-alpha", " 1 - 2 ", "1 -  2,3 - 4"], VERSIONS)),
  t("semverCompare chained hyphens", '{{ semverCompare "1 - 2 - 3" "1.5.0" }}'),
  t("semverCompare rewritten range replaced in an earlier rewrite", '{{ semverCompare "1 - 2 - 3 || 2 - 3" "2.5.0" }}'),
  t("semverCompare prereleases", grid([">1.0.0-alpha", ">=1.3.0-rc.0", "<1.3.0-rc.2", "1.3.0-rc.1", "!=1.3.0-rc.1", "~1.2.4-beta", ">=2.0.0-alpha <2.1", "^1.2.4-beta.0"], ["1.2.4-beta.1", "1.2.4-beta.10", "1.2.4-beta.2", "1.3.0-rc.1", "1.3.0-rc.1+x", "1.3.0-RC.1", "2.0.0-alpha", "2.0.0-alpha.1", "2.0.0-beta", "2.0.0-1", "2.0.0-a-b", "1.3.0", "2.0.0"])),
  t("semverCompare data", '{{ semverCompare .c .v }}|{{ .v | semverCompare .c }}', { c: ">= 1.19.0-0", v: "v1.21.3-gke.1100" }),
  t("semverCompare improper constraint", '{{ semverCompare "junk" "1.0.0" }}'),
  t("semverCompare empty constraint", '{{ semverCompare "" "1.0.0" }}'),
  t("semverCompare empty OR branch", '{{ semverCompare "1 ||" "1.0.0" }}'),
  t("semverCompare improper second clause", '{{ semverCompare ">=1, foo" "1.0.0" }}'),
  t("semverCompare constraint parser error", '{{ semverCompare "1|2.3.4" "1.0.0" }}'),
  t("semverCompare constraint with a leading zero pre", '{{ semverCompare ">=1.0.0-01" "1.0.0" }}'),
  t("semverCompare invalid version", '{{ semverCompare "*" "x.y" }}'),
  t("semverCompare empty version", '{{ semverCompare "*" "" }}'),
  t("semverCompare version out of range", '{{ semverCompare "*" "18446744073709551616.0.0" }}'),
  t("semverCompare version at uint64 max", '{{ semverCompare ">=18446744073709551615" "18446744073709551615.0.0" }}'),
  t("semverCompare version minor out of range", '{{ semverCompare "*" "1.99999999999999999999" }}'),
  t("semverCompare prerelease with leading zero", '{{ semverCompare "*" "1.0.0-01" }}'),
  t("semverCompare prerelease empty part", '{{ semverCompare "*" "1.0.0-a..b" }}'),
  t("semverCompare metadata empty part", '{{ semverCompare "*" "1.0.0+a..b" }}'),
  t("semverCompare trailing junk", '{{ semverCompare "*" "1.0.0 " }}|{{ semverCompare "*" " 1.0.0" }}'),
  t("semverCompare numeric prerelease beyond uint64", '{{ semverCompare ">1.0.0-18446744073709551616" "1.0.0-18446744073709551617" }}|{{ semverCompare ">1.0.0-99999999999999999999" "1.0.0-a" }}'),
  t("semverCompare wrong type", '{{ semverCompare 1 "1.0.0" }}'),
  t("semverCompare non-ASCII constraint", '{{ semverCompare "≥1.0" "1.0.0" }}'),
];
