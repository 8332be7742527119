/** Starts the shared informers and every controller; stops them all on close. */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Controller } from './controller.js';
import type { InformerFactory } from './informer-factory.js';

export class ControllerManager {
  readonly #abort = new AbortController();
  readonly #running: Promise<void>[] = [];

  constructor(
    readonly controllers: Controller[],
    readonly informers: InformerFactory,
    readonly log: Logger,
  ) {}

  /** Starts everything; resolves once the informers have synced. */
  async start(): Promise<void> {
    const signal = this.#abort.signal;
    // every informer loop and every worker pool listens for the abort: more than node's default of 10
    setMaxListeners(0, signal);
    for (const c of this.controllers) {
      this.#running.push(
        c.run(signal).catch((err) => {
          this.log.error({ err, controller: c.name }, 'controller stopped with an error');
        }),
      );
    }
    this.informers.start(signal);
    await this.informers.waitForSync();
    this.log.info({ controllers: this.controllers.map((c) => c.name) }, 'controllers started');
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#running);
    await this.informers.stopped();
  }
}
