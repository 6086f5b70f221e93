// ESO's UUID generator: a random (version 4) UUID under the key "uuid".
import { randomUUID } from "node:crypto";
import { UUIDSpec } from "../api/generators.ts";
import { utf8, type Generator } from "./types.ts";

export const uuid: Generator<UUIDSpec> = {
  kind: "UUID",
  specKey: "uuidSpec",
  spec: UUIDSpec,
  problem: () => undefined,
  async generate() {
    return { uuid: utf8(randomUUID()) };
  },
};
