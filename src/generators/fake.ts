// ESO's Fake generator: returns spec.data as it is. Bounded, since the data ends up in a Secret (1 MiB at most).
import { FakeSpec } from "../api/generators.ts";
import { GeneratorError, utf8, type Generator } from "./types.ts";

export const MAX_FAKE_ENTRIES = 1000;
export const MAX_FAKE_BYTES = 1024 * 1024;

export const fake: Generator<FakeSpec> = {
  kind: "Fake",
  specKey: "fakeSpec",
  spec: FakeSpec,
  problem(spec) {
    const entries = Object.entries(spec.data ?? {});
    if (entries.length > MAX_FAKE_ENTRIES) return `${entries.length} data entries, more than the ${MAX_FAKE_ENTRIES} allowed`;
    const bytes = entries.reduce((sum, [, value]) => sum + Buffer.byteLength(value, "utf8"), 0);
    if (bytes > MAX_FAKE_BYTES) return `data is larger than the ${MAX_FAKE_BYTES} bytes a Secret can hold`;
    return undefined;
  },
  async generate(spec) {
    const problem = fake.problem(spec);
    if (problem) throw new GeneratorError(`Fake: ${problem}`);
    return Object.fromEntries(Object.entries(spec.data ?? {}).map(([key, value]) => [key, utf8(value)]));
  },
};
