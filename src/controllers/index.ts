/** Every in-process controller, in start order. Adding a controller = one line here. */
import type { Logger } from 'pino';
import type { Registry } from '../registry/registry.js';
import type { Client } from '../client/client.js';
import type { Config } from '../config.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import type { Controller } from './runtime/controller.js';
import { NamespaceLifecycleController } from './namespace-lifecycle.js';
import { LoadBalancerController } from './load-balancer.js';

export interface ControllerDeps {
  registry: Registry;
  client: Client;
  informers: InformerFactory;
  logger: Logger;
  config: Config;
  /** Milliseconds since the epoch; injected for tests. */
  now: () => number;
}

export function buildControllers(deps: ControllerDeps): Controller[] {
  const controllers: Controller[] = [];
  controllers.push(new NamespaceLifecycleController(deps));
  // without a pool, LoadBalancer services stay <pending>, as on a cluster without a cloud
  if (deps.config.loadBalancerIPRange) controllers.push(new LoadBalancerController({ ...deps, range: deps.config.loadBalancerIPRange }));
  return controllers;
}
