// `validate` checks for ESO 2.9's spec.syncWindows and dataFrom[].rewrite[].merge beyond what the CRD says.
// A schedule robfig cannot parse is a warning, not an error: ESO accepts the manifest and ignores that window
// at run time, and so do we, so refusing it would reject manifests that run. But it is almost always a typo,
// and under `kind: allow` an ignored window silently stops periodic refreshes, so it is worth a line in CI.
// A JSON merge without `into` fails on every sync (ESO's "missing 'into' field"): an error.
import { parseWindows, windowOpen, type SyncWindowsSpec } from "../reconcilers/external-secret/sync-windows.ts";
import { lineOf, where, type Finding, type Located } from "./render-manifests.ts";
import { pathText } from "./validate-rules.ts";

type Path = (string | number)[];
type Obj = Record<string, unknown>;
const get = (o: unknown, ...path: Path): unknown => path.reduce<unknown>((acc, k) => (acc && typeof acc === "object" ? (acc as Obj)[k as string] : undefined), o);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function checkSyncWindows(m: Located, root: Path, findings: Finding[]): void {
  const spec = get(m.obj, ...root, "syncWindows") as SyncWindowsSpec | undefined;
  const windows = list(spec?.windows).filter((w): w is { schedule: string; duration: string } => typeof get(w, "schedule") === "string" && typeof get(w, "duration") === "string");
  if (!spec || windows.length !== list(spec.windows).length) return; // a wrong shape the schema check reports
  const { windows: valid, ignored } = parseWindows({ kind: spec.kind, windows });
  for (const { index, why } of ignored) {
    const path = [...root, "syncWindows", "windows", index, "schedule"];
    findings.push({ file: m.file, line: lineOf(m, path), severity: "warning", message: `${where(m)}: ${pathText(path)}: ${why}; this window is ignored (as ESO ignores it)` });
  }
  // `@every D` reads like "a window every D", but ESO's check has no anchor for it: it is open at every moment
  // or at none, depending only on D and the duration. Worth saying, since the manifest suggests otherwise.
  windows.forEach((w, index) => {
    const [every] = parseWindows({ kind: spec.kind, windows: [w] }).windows;
    if (every?.schedule.kind !== "every") return;
    const path = [...root, "syncWindows", "windows", index, "schedule"];
    const open = windowOpen(every, 0);
    findings.push({ file: m.file, line: lineOf(m, path), severity: "warning", message: `${where(m)}: ${pathText(path)}: ${JSON.stringify(w.schedule)} has no fixed start time: as in ESO, this window is ${open ? "open at every moment" : "never open"} (it is open always when 2s <= interval <= duration + 1s)` });
  });
  if (spec.kind === "allow" && valid.length === 0 && ignored.length > 0) {
    const path = [...root, "syncWindows"];
    findings.push({ file: m.file, line: lineOf(m, path), severity: "warning", message: `${where(m)}: ${pathText(path)}: no window of kind allow can open; this ExternalSecret will never refresh periodically` });
  }
}

function checkMerges(m: Located, root: Path, findings: Finding[]): void {
  list(get(m.obj, ...root, "dataFrom")).forEach((entry, i) =>
    list(get(entry, "rewrite")).forEach((rule, j) => {
      const merge = get(rule, "merge");
      if (get(merge, "strategy") !== "JSON" || get(merge, "into")) return;
      const path = [...root, "dataFrom", i, "rewrite", j, "merge"];
      findings.push({ file: m.file, line: lineOf(m, path), severity: "error", message: `${where(m)}: ${pathText(path)}.into: required with strategy JSON; every sync would fail with "merge failed with missing 'into' field"` });
    }),
  );
}

export function checkWindowsAndMerges(m: Located, root: Path, findings: Finding[]): void {
  checkSyncWindows(m, root, findings);
  checkMerges(m, root, findings);
}
