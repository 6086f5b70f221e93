// Manual shards (--watch-label-selector), as Flux does them: each replica (or installation) is given a label
// selector and works only the objects it admits; by convention `sharding.secrets-bridge.dev/key=<shard>` on the
// objects, `!sharding.secrets-bridge.dev/key` on the replica that takes everything unlabelled.
import { asLabelSelector, parseLabelSelector } from "../kube/label-selector-string.ts";
import { matchesSelector } from "../kube/label-selector.ts";

export const SHARD_LABEL = "sharding.secrets-bridge.dev/key";

export interface ShardFilter {
  /** The selector as given (sent to the apiserver as labelSelector). */
  selector: string;
  admits(labels: Record<string, string> | undefined): boolean;
}

/** Throws LabelSelectorError for a selector Kubernetes would refuse, before any watch starts. */
export function shardFilter(selector: string): ShardFilter {
  const parsed = asLabelSelector(parseLabelSelector(selector));
  return { selector, admits: (labels) => matchesSelector(parsed, labels) };
}
