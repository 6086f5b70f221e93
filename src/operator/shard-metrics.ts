// Per-replica metrics of automatic shards, computed at scrape time from the membership's own counts.
import { Counter, Gauge, type Registry } from "prom-client";
import type { ShardStats } from "../controller/shards/membership.ts";

export function registerShardMetrics(registry: Registry, stats: () => ShardStats, externalSecretsWorked: () => number, externalSecretsReduced: () => number): void {
  new Gauge({
    name: "secretsbridge_shard_members",
    help: "Live members of the automatic-shards fleet, as this replica sees them (itself included).",
    registers: [registry],
    collect() {
      this.set(stats().members);
    },
  });
  new Gauge({
    name: "secretsbridge_shard_slots",
    help: "Slots (of 1024) this replica works now.",
    registers: [registry],
    collect() {
      this.set(stats().slots);
    },
  });
  new Gauge({
    name: "secretsbridge_shard_externalsecrets",
    help: "ExternalSecrets in the slots this replica works (its share of the work).",
    registers: [registry],
    collect() {
      this.set(externalSecretsWorked());
    },
  });
  new Gauge({
    name: "secretsbridge_shard_reduced_externalsecrets",
    help: "ExternalSecrets of other replicas' slots this replica caches reduced (what says where they belong, not their templates or status).",
    registers: [registry],
    collect() {
      this.set(externalSecretsReduced());
    },
  });
  new Counter({
    name: "secretsbridge_shard_handovers_total",
    help: "Slots this replica started (acquired) or gave up (released) since it began.",
    labelNames: ["direction"],
    registers: [registry],
    collect() {
      const { acquired, released } = stats();
      this.reset();
      this.inc({ direction: "acquired" }, acquired);
      this.inc({ direction: "released" }, released);
    },
  });
}
