/** core/v1 Event: what happened to an object, found by describe through involvedObject selectors. */
import type { KObject } from '../apimachinery/meta.js';
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { eventPrinter } from '../printers/events.js';

interface Event extends KObject {
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const involvedNs = ev.involvedObject?.namespace;
  if (involvedNs && involvedNs !== ev.metadata.namespace && ev.metadata.namespace !== 'default') {
    errs.push(fieldErr.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  }
  if (ev.type && ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(fieldErr.notSupported('type', ev.type, ['Normal', 'Warning']));
  return errs;
}

export const eventsResource: ResourceDefinition<Event> = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  categories: [],
  namespaced: true,
  storageVersionHash: 'r2yiGXH7wu8=',
  strategy: { validate: validateEvent, validateUpdate: validateEvent, allowUnconditionalUpdate: true },
  printer: eventPrinter,
  fieldSelectors: {
    'involvedObject.kind': (e) => e.involvedObject?.kind,
    'involvedObject.namespace': (e) => e.involvedObject?.namespace,
    'involvedObject.name': (e) => e.involvedObject?.name,
    'involvedObject.uid': (e) => e.involvedObject?.uid,
    'involvedObject.apiVersion': (e) => e.involvedObject?.apiVersion,
    'involvedObject.resourceVersion': (e) => e.involvedObject?.resourceVersion,
    'involvedObject.fieldPath': (e) => e.involvedObject?.fieldPath,
    reason: (e) => e.reason,
    reportingComponent: (e) => e.reportingComponent,
    source: (e) => e.source?.component ?? e.reportingComponent,
    type: (e) => e.type,
  },
};
