// The provider registry: name -> adapter. Filled by main/cli from providers/index.ts (src never imports adapters).
import type { Provider } from "./types.ts";
import { ConfigError } from "./errors.ts";

export class ProviderRegistry {
  readonly #providers = new Map<string, Provider<any>>();

  constructor(providers: Iterable<Provider<any>> = []) {
    for (const provider of providers) this.register(provider);
  }

  register(provider: Provider<any>): void {
    if (this.#providers.has(provider.name)) throw new Error(`provider ${provider.name} registered twice`);
    this.#providers.set(provider.name, provider);
  }

  names(): string[] {
    return [...this.#providers.keys()].sort();
  }

  /**
   * Picks the provider named by the single key of `spec.provider` and parses its slice.
   * Throws ConfigError naming the problem (never echoing values).
   */
  resolve(providerSpec: Record<string, unknown> | undefined): { provider: Provider<any>; spec: unknown } {
    const keys = Object.keys(providerSpec ?? {});
    if (keys.length !== 1) throw new ConfigError(`spec.provider must set exactly one provider, found ${keys.length}`);
    const name = keys[0]!;
    const provider = this.#providers.get(name);
    if (!provider) throw new ConfigError(`provider "${name}" is not supported (supported: ${this.names().join(", ")})`);
    const parsed = provider.schema.safeParse(providerSpec![name]);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `spec.provider.${name}.${issue.path.join(".")}: ${issue.message}`);
      throw new ConfigError(`invalid provider spec: ${issues.join("; ")}`);
    }
    return { provider, spec: parsed.data };
  }
}
