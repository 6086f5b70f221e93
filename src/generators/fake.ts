// ESO's Fake generator: returns spec.data as it is. Bounded, since the data ends up in a Secret (1 MiB at most).
import { FakeSpec } from "../api/generators.ts";
import { GeneratorError, utf8, type Generator } from "./types.ts";

export const MAX_FAKE_ENTRIES = 1000;
export const MAX_FAKE_BYTES = 1024 * 1024;

export const fake: Generator<FakeSpec> = {
  kind: "Fake",
  specKey: "fakeSpec",
  spec: FakeSpec,
  async generate(spec) {
    const entries = Object.entries(spec.data ?? {});
    if (entries.length > MAX_FAKE_ENTRIES) throw new GeneratorError(`Fake: ${entries.length} data entries, more than the ${MAX_FAKE_ENTRIES} allowed`);
    const out = Object.fromEntries(entries.map(([key, value]) => [key, utf8(value)]));
    const bytes = Object.values(out).reduce((sum, value) => sum + value.length, 0);
    if (bytes > MAX_FAKE_BYTES) throw new GeneratorError(`Fake: data is larger than the ${MAX_FAKE_BYTES} bytes a Secret can hold`);
    return out;
  },
};
