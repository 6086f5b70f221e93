// ESO's GeneratorState (generators.external-secrets.io/v1alpha1), field for field: what a generator made that must
// be cleaned up later (a Vault lease, a token's accessor), and the generator that made it. One is created per run
// of a stateful generator; older ones get a garbage-collection deadline and, once deleted, their finalizer revokes
// what they name (src/generators/state/, src/reconcilers/generator-state/).
import { z } from "zod";
import { Condition } from "./common.ts";
import type { ObjectMeta } from "./common.ts";

/** Names the ExternalSecret (and dataFrom index) a state belongs to: ESO's label. */
export const OWNER_KEY_LABEL = "generators.external-secrets.io/owner-key";
/** ESO's finalizer: taken over as it is, so states left by ESO are released by this operator after a swap. */
export const GENERATOR_STATE_FINALIZER = "generatorstate.externalsecrets.io/finalizer";
/** Which key signed the state and its MAC (src/generators/state/signature.ts): only signed states are cleaned up. */
export const SIGNATURE_ANNOTATION = "secrets-bridge.dev/generator-state-signature";
/** Which installation made the state (its key Secret, namespace/name): tells a lost key from another installation's. */
export const INSTALLATION_ANNOTATION = "secrets-bridge.dev/generator-state-installation";

export const GeneratorStateSpec = z
  .object({
    garbageCollectionDeadline: z
      .string()
      .optional()
      .describe("The time after which the generator state will be deleted (and what it names cleaned up). Set by the controller when a newer state replaces this one; absent: kept."),
    resource: z.unknown().describe("The generator manifest that produced the state, as it was then. Cleanup reruns the generator's auth from it."),
    state: z.unknown().describe("The state the generator produced: what cleanup revokes (a lease id, a token accessor)."),
  })
  .describe("GeneratorStateSpec defines the desired state of a generator state resource.");
export type GeneratorStateSpec = z.infer<typeof GeneratorStateSpec>;

export const GeneratorStateStatus = z
  .object({ conditions: z.array(Condition).optional().describe("Ready=False with a reason while cleanup fails.") })
  .describe("GeneratorStateStatus defines the observed state of a generator state resource.");

export interface GeneratorState {
  apiVersion: string;
  kind: "GeneratorState";
  metadata: ObjectMeta & { finalizers?: string[] };
  spec: { garbageCollectionDeadline?: string; resource: GeneratorResource; state: Record<string, string> };
  status?: z.infer<typeof GeneratorStateStatus>;
}

/** The generator snapshot kept in a state: the object the values came from (a ClusterGenerator stays one, scope and all). */
export interface GeneratorResource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: unknown;
}
