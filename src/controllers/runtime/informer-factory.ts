/** Shared informers: one list+watch per resource, however many controllers read it. */
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import { Informer } from './informer.js';

export class InformerFactory {
  readonly #registry: Registry;
  readonly #log: Logger;
  readonly #informers = new Map<string, Informer>();
  #started: AbortSignal | undefined;
  readonly #running: Promise<void>[] = [];

  constructor(registry: Registry, log: Logger) {
    this.#registry = registry;
    this.#log = log;
  }

  /** The shared informer for a resource (created on first use, started if the factory runs). */
  for(group: string, plural: string): Informer {
    const key = `${group}/${plural}`;
    let inf = this.#informers.get(key);
    if (!inf) {
      inf = new Informer(this.#registry, this.#registry.resource(group, plural), this.#log);
      this.#informers.set(key, inf);
      if (this.#started) this.#running.push(inf.run(this.#started));
    }
    return inf;
  }

  start(signal: AbortSignal): void {
    this.#started = signal;
    for (const inf of this.#informers.values()) this.#running.push(inf.run(signal));
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.waitForSync()));
  }

  /** Resolves when every informer loop has returned (after the signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.#running);
  }
}
