/** core/v1 Event columns, as kube-apiserver's printEvent (wide form). */
import type { KObject } from '../apimachinery/meta.js';
import { parseTimestamp, translateTimestampSince } from './duration.js';
import { column, nameColumn } from './table.js';
import type { Printer } from './table.js';

interface Event extends KObject {
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

/** source.component (else reportingComponent), then `, host` (else reportingInstance) when present. */
function sourceCell(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

function objectCell(ev: Event): string {
  const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
  return ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
}

export const eventPrinter: Printer<KObject> = {
  columns: [
    column('Last Seen', 'string', 'How long ago this event was most recently observed.'),
    column('Type', 'string', 'The event type: Normal or Warning.'),
    column('Reason', 'string', 'A short, machine-readable reason for the transition that produced the event.'),
    column('Object', 'string', 'The object this event is about.'),
    column('Subobject', 'string', 'The part of the object the event refers to, such as a container.', { priority: 1 }),
    column('Source', 'string', 'The component (and host) that reported the event.', { priority: 1 }),
    column('Message', 'string', 'A human-readable description of the event.'),
    column('First Seen', 'string', 'How long ago this event was first observed.', { priority: 1 }),
    column('Count', 'string', 'How many times this event has occurred.', { priority: 1 }),
    nameColumn(1),
  ],
  row(obj, now) {
    const ev = obj as Event;
    // events.k8s.io-style events only set eventTime
    const first = translateTimestampSince(parseTimestamp(ev.firstTimestamp) !== undefined ? ev.firstTimestamp : ev.eventTime, now);
    let last = parseTimestamp(ev.lastTimestamp) !== undefined ? translateTimestampSince(ev.lastTimestamp, now) : first;
    let count = ev.count ?? 0;
    if (ev.series) {
      last = translateTimestampSince(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) {
      // singleton events from the events.k8s.io API carry no count
      count = 1;
    }
    return [
      last,
      ev.type ?? '',
      ev.reason ?? '',
      objectCell(ev),
      ev.involvedObject?.fieldPath ?? '',
      sourceCell(ev),
      (ev.message ?? '').trim(),
      first,
      count,
      ev.metadata.name ?? '',
    ];
  },
};
