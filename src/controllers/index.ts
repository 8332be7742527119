/** Every in-process controller, in start order. Adding a controller = one line here. */
import type { Logger } from 'pino';
import type { Registry } from '../registry/registry.js';
import type { Client } from '../client/client.js';
import { isControllerEnabled, type Config, type ControllerName } from '../config.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import type { Controller } from './runtime/controller.js';
import { NamespaceLifecycleController } from './namespace-lifecycle.js';
import { LoadBalancerController } from './load-balancer.js';
import { EndpointsController } from './endpoints.js';
import { EndpointSliceController } from './endpointslices.js';
import { EndpointSliceMirroringController } from './endpointslice-mirroring.js';
import { EventRecorder, EventTTL } from './event-recorder.js';
import { NodeController } from './nodes.js';
import { PodLifecycleController } from './pod-lifecycle.js';
import { simulatedNodes } from './node-objects.js';

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
  // --controllers, with kube-controller-manager's names (config.ts KNOWN_CONTROLLERS)
  const enabled = (name: ControllerName) => isControllerEnabled(deps.config.controllers, name);
  if (enabled('namespace-controller')) controllers.push(new NamespaceLifecycleController(deps));
  // without a pool, LoadBalancer services stay <pending>, as on a cluster without a cloud
  const lbRange = deps.config.loadBalancerIPRange;
  if (lbRange && enabled('service-lb-controller')) controllers.push(new LoadBalancerController({ ...deps, range: lbRange }));
  if (enabled('endpoints-controller')) controllers.push(new EndpointsController(deps));
  if (enabled('endpointslice-controller')) controllers.push(new EndpointSliceController(deps));
  if (enabled('endpointslice-mirroring-controller')) controllers.push(new EndpointSliceMirroringController(deps));
  // the simulated nodes: their kubelets, the scheduler, and the events they all record;
  // --nodes 0 turns the simulation off (pods stay as written, as on a cluster without a scheduler)
  const recorder = new EventRecorder({ events: deps.client.events, now: deps.now, log: deps.logger });
  if (deps.config.nodes > 0) {
    const nodes = simulatedNodes(deps.config.nodes, deps.config.clusterCIDRs);
    controllers.push(new NodeController({ ...deps, recorder, nodes }));
    controllers.push(new PodLifecycleController({ ...deps, recorder, simulatedNodes: nodes.map((n) => n.name) }));
  }
  // --event-ttl is kube-apiserver's (etcd leases), not a controller: always on
  controllers.push(new EventTTL({ events: deps.client.events, now: deps.now, log: deps.logger }));
  return controllers;
}
