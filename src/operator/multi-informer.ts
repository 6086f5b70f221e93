// Several informers (one per watched namespace) behind the one interface the operator uses, so
// `--namespace a,b` watches exactly those namespaces (RBAC may grant nothing more).
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ResilientInformer } from "../controller/informer.ts";

export type InformerLike<T extends KubernetesObject> = Pick<
  ResilientInformer<T>,
  "onAdd" | "onUpdate" | "onDelete" | "onRestart" | "start" | "stop" | "hasSynced" | "list" | "get" | "fill" | "refill"
>;

export class MultiInformer<T extends KubernetesObject> implements InformerLike<T> {
  readonly #parts: ResilientInformer<T>[];

  constructor(parts: ResilientInformer<T>[]) {
    this.#parts = parts;
  }

  onAdd(fn: (obj: T) => void): void {
    for (const part of this.#parts) part.onAdd(fn);
  }
  onUpdate(fn: (obj: T, old: T | undefined) => void): void {
    for (const part of this.#parts) part.onUpdate(fn);
  }
  onDelete(fn: (obj: T) => void): void {
    for (const part of this.#parts) part.onDelete(fn);
  }
  onRestart(fn: () => void): void {
    for (const part of this.#parts) part.onRestart(fn);
  }
  async start(): Promise<void> {
    await Promise.all(this.#parts.map((part) => part.start()));
  }
  async stop(): Promise<void> {
    await Promise.all(this.#parts.map((part) => part.stop()));
  }
  hasSynced(): boolean {
    return this.#parts.every((part) => part.hasSynced());
  }
  list(namespace?: string): T[] {
    return this.#parts.flatMap((part) => part.list(namespace));
  }
  fill(obj: T, when: (cached: T) => boolean): boolean {
    // Each part watches one namespace: only the one holding the object can swap it.
    return this.#parts.some((part) => part.get(obj.metadata?.name ?? "", obj.metadata?.namespace) !== undefined && part.fill(obj, when));
  }
  async refill(when: (cached: T) => boolean): Promise<number> {
    return (await Promise.all(this.#parts.map((part) => part.refill(when)))).reduce((a, b) => a + b, 0);
  }
  get(name: string, namespace?: string): T | undefined {
    for (const part of this.#parts) {
      const found = part.get(name, namespace);
      if (found) return found;
    }
    return undefined;
  }
}
