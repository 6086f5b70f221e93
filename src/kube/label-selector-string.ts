// Kubernetes' label selector strings (`a=b,c!=d,e in (f,g),h notin (i),j,!k`), as `kubectl -l` and the API's
// `labelSelector` parameter take them: parsed once to fail early with a clear message (a selector the apiserver
// rejects would otherwise surface as a watch that never starts), and turned into a LabelSelector so the matching
// is kube/label-selector.ts's, the one every selector in the operator goes through. Written by hand: client-node
// has no parser, and the grammar is a handful of forms; the parser is a single pass over operator configuration
// (never tenant input).
import type { LabelSelector } from "../api/common.ts";
import { matchesSelector } from "./label-selector.ts";

export type Requirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!exists" };

export class LabelSelectorError extends Error {}

// Label keys (optional DNS prefix + name) and values, as apimachinery validates them.
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?)$/;

function checkKey(key: string, selector: string): string {
  const slash = key.indexOf("/");
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  const ok = NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && PREFIX.test(prefix)));
  if (!ok) throw new LabelSelectorError(`label selector ${JSON.stringify(selector)}: invalid label key ${JSON.stringify(key)}`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!VALUE.test(value)) throw new LabelSelectorError(`label selector ${JSON.stringify(selector)}: invalid label value ${JSON.stringify(value)}`);
  return value;
}

/** Splits at the commas outside parentheses. */
function clauses(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((part) => part.trim());
}

/** The requirements of `selector` (all must hold); throws LabelSelectorError naming what is wrong. An empty selector matches everything. */
export function parseLabelSelector(selector: string): Requirement[] {
  if (selector.trim() === "") return [];
  return clauses(selector).map((clause): Requirement => {
    if (clause === "") throw new LabelSelectorError(`label selector ${JSON.stringify(selector)}: empty requirement`);
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(clause);
    if (set) {
      const values = set[3]!.split(",").map((value) => checkValue(value.trim(), selector));
      return { key: checkKey(set[1]!, selector), op: set[2] as "in" | "notin", values };
    }
    const compare = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(clause);
    if (compare) return { key: checkKey(compare[1]!, selector), op: compare[2] === "!=" ? "!=" : "=", value: checkValue(compare[3]!, selector) };
    if (clause.startsWith("!")) return { key: checkKey(clause.slice(1).trim(), selector), op: "!exists" };
    return { key: checkKey(clause, selector), op: "exists" };
  });
}

/** The requirements as a LabelSelector (= is In of one value, != NotIn of one), for kube/label-selector.ts to match. */
export function asLabelSelector(requirements: readonly Requirement[]): LabelSelector {
  const operators = { "=": "In", "!=": "NotIn", in: "In", notin: "NotIn", exists: "Exists", "!exists": "DoesNotExist" } as const;
  return {
    matchExpressions: requirements.map((req) => ({
      key: req.key,
      operator: operators[req.op],
      ...("value" in req ? { values: [req.value] } : "values" in req ? { values: req.values } : {}),
    })),
  };
}

/** Whether `labels` satisfy every requirement (Kubernetes semantics: != and notin also match a missing key). */
export function matchesRequirements(requirements: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  return matchesSelector(asLabelSelector(requirements), labels);
}
