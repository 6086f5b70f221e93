// Carries out a fan-out plan: creates, replaces and deletes children in parallel (bounded), remembering created
// children until the watch delivers them, and sorting failures into per-namespace reasons, transient ones (retry
// with backoff) and conflicts (a stale cache: look again in a moment, not a failure).
import pLimit from "p-limit";
import type { KubeClients } from "../../kube/clients.ts";
import { isConflict, kubeErrorSummary, statusCode } from "../../kube/errors.ts";
import type { Child } from "./children.ts";
import type { FanOutPlan } from "./plan.ts";
import { createChild, deleteChild, replaceChild, type ChildResource } from "./writes.ts";

/** How long a child we created counts as existing while the watch has not delivered it yet. */
const EXPECTATION_MS = 60_000;

/**
 * Children created but not yet seen by the watch ("ns/name" -> the object and when), so the reconcile that their
 * own add events trigger does not create them a second time (controller-runtime's expectations).
 */
export class Expectations<T extends Child> {
  readonly #pending = new Map<string, { child: T; at: number }>();
  readonly #cached: (namespace: string, name: string) => T | undefined;

  constructor(cached: (namespace: string, name: string) => T | undefined) {
    this.#cached = cached;
  }

  /** The child of that name in that namespace: the watch's copy, else the one we just created. */
  existing(namespace: string, name: string): T | undefined {
    const key = `${namespace}/${name}`;
    const seen = this.#cached(namespace, name);
    const pending = this.#pending.get(key);
    if (seen || (pending && performance.now() - pending.at > EXPECTATION_MS)) this.#pending.delete(key);
    return seen ?? (this.#pending.has(key) ? pending?.child : undefined);
  }

  created(child: T): void {
    this.#pending.set(`${child.metadata.namespace}/${child.metadata.name}`, { child, at: performance.now() });
  }
}

/** Server errors and transport failures go away by themselves; a refused child (422, 403) does not. */
const transient = (err: unknown): boolean => statusCode(err) === undefined || (statusCode(err) ?? 0) >= 500 || statusCode(err) === 429;

export interface ApplyOutcome {
  /** namespace -> why its write failed. */
  failures: Map<string, string>;
  /** Some failure was transient: the reconcile should fail and back off. */
  retry: boolean;
  /** Some write met a conflict: reconcile again soon. */
  conflicted: boolean;
}

/** A write of the owner's own besides the children (ESO's finalizers), failing its namespace like a child would. */
export interface ExtraWrite {
  namespace: string;
  failure: string;
  write(): Promise<void>;
}

export async function applyPlan<T extends Child>(
  deps: { clients: KubeClients; resource: ChildResource & { kind: string }; expectations: Expectations<T>; concurrency: number },
  plan: Pick<FanOutPlan<T>, "create" | "update" | "remove">,
  extra: ExtraWrite[] = [],
): Promise<ApplyOutcome> {
  const { clients, resource, expectations } = deps;
  const outcome: ApplyOutcome = { failures: new Map(), retry: false, conflicted: false };
  const limit = pLimit(deps.concurrency);
  const attempt = (namespace: string, failure: string, write: () => Promise<void>) =>
    limit(async () => {
      try {
        await write();
      } catch (err) {
        if (isConflict(err)) outcome.conflicted = true;
        else {
          outcome.retry ||= transient(err);
          outcome.failures.set(namespace, `${failure}: ${kubeErrorSummary(err)}`);
        }
      }
    });
  await Promise.all([
    ...plan.create.map((child) =>
      attempt(child.metadata.namespace!, `could not create ${resource.kind}`, async () => {
        await createChild(clients, resource, child);
        expectations.created(child);
      }),
    ),
    ...plan.update.map((child) => attempt(child.metadata.namespace!, `could not update ${resource.kind}`, () => replaceChild(clients, resource, child))),
    ...plan.remove.map((child) => attempt(child.metadata.namespace!, `could not delete ${resource.kind}`, () => deleteChild(clients, resource, child))),
    ...extra.map((each) => attempt(each.namespace, each.failure, each.write)),
  ]);
  return outcome;
}
