/** Every served resource, in discovery order. Adding a resource = one line here. */
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { namespacesResource } from './namespaces.js';
import { podsResource } from './pods.js';
import { servicesResource } from './services.js';
import { endpointsResource } from './endpoints.js';
import { nodesResource } from './nodes.js';
import { eventsResource } from './events.js';
import { endpointSlicesResource } from './endpointslices.js';
import { leasesResource } from './leases.js';
import type { ServiceAllocators } from './service-allocation.js';
import { reviewResources } from './reviews.js';
import { resourceQuotasResource } from './resourcequotas.js';
import { limitRangesResource } from './limitranges.js';

export interface ResourceDeps {
  allocators: ServiceAllocators;
}

export function servedResources(deps: ResourceDeps): ResourceDefinition[] {
  return [
    namespacesResource,
    podsResource,
    servicesResource(deps.allocators),
    endpointsResource,
    nodesResource,
    eventsResource,
    endpointSlicesResource,
    leasesResource,
    ...reviewResources,
    resourceQuotasResource,
    limitRangesResource,
  ] as ResourceDefinition[];
}
