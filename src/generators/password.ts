// ESO's Password generator: one password per secretKeys entry (default "password"), ESO's defaults (length 24,
// digits and symbols 25% of the length each, rounded down), encoded as asked.
import { PasswordSpec } from "../api/generators.ts";
import { encodePassword } from "./encodings.ts";
import { DEFAULT_SYMBOLS, policyProblem, randomPassword, type PasswordPolicy } from "./password-policy.ts";
import { GeneratorError, utf8, type Generator } from "./types.ts";

const DEFAULT_LENGTH = 24;

/** The policy ESO derives from a spec (its defaults applied). */
export function passwordPolicy(spec: PasswordSpec): PasswordPolicy {
  const length = spec.length && spec.length > 0 ? spec.length : DEFAULT_LENGTH;
  const quarter = Math.floor(length * 0.25);
  return {
    length,
    digits: spec.digits ?? quarter,
    symbols: spec.symbols ?? quarter,
    symbolCharacters: spec.symbolCharacters ?? DEFAULT_SYMBOLS,
    noUpper: spec.noUpper ?? false,
    allowRepeat: spec.allowRepeat ?? false,
  };
}

export const password: Generator<PasswordSpec> = {
  kind: "Password",
  specKey: "passwordSpec",
  spec: PasswordSpec,
  problem(spec) {
    const keys = spec.secretKeys ?? [];
    if (new Set(keys).size !== keys.length) return "secretKeys must be non-empty and unique";
    return policyProblem(passwordPolicy(spec));
  },
  async generate(spec) {
    const problem = password.problem(spec);
    if (problem) throw new GeneratorError(`Password: ${problem}`);
    const policy = passwordPolicy(spec);
    const keys = spec.secretKeys ?? ["password"];
    return Object.fromEntries(keys.map((key) => [key, utf8(encodePassword(randomPassword(policy), spec.encoding ?? "raw"))]));
  },
};
