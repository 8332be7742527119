/**
 * metav1.Status and the one catalogue of API errors. Messages follow k8s.io/apimachinery's
 * errors package word for word, because kubectl prints them verbatim.
 */
import type { FieldError } from './field-errors.js';
import { fieldErrorBody, fieldErrorString } from './field-errors.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | '';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A group-qualified resource as kube prints it: `pods`, `endpointslices.discovery.k8s.io`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A group-qualified kind: `Service`, `EndpointSlice.discovery.k8s.io`. */
export interface GroupKind {
  group: string;
  kind: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

export function qualifiedKind(gk: GroupKind): string {
  return gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
}

/** Thrown anywhere; the server turns it into the HTTP response unchanged. */
export class StatusError extends Error {
  readonly status: Status;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'StatusError';
    this.status = status;
    this.headers = headers;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason | undefined {
    return this.status.reason;
  }
}

export function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details !== undefined) s.details = details;
  return s;
}

function gDetails(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { name };
  if (gr.group !== '') d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(failure(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, gDetails(gr, name)));
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(
    failure(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, gDetails(gr, name)),
  );
}

export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, why: string = OBJECT_MODIFIED): StatusError {
  return new StatusError(
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, gDetails(gr, name)),
  );
}

/** A 409 Conflict with a free-form message (server-side apply conflicts). */
export function conflictWithCauses(gr: GroupResource, name: string, message: string, causes: StatusCause[]): StatusError {
  return new StatusError(failure(409, 'Conflict', message, { ...gDetails(gr, name), causes }));
}

export function invalid(gk: GroupKind, name: string, errs: FieldError[]): StatusError {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const uniq = [...new Set(errs.map(fieldErrorString))];
  const agg = uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`;
  const details: StatusDetails = { name };
  if (gk.group !== '') details.group = gk.group;
  details.kind = gk.kind;
  details.causes = causes;
  return new StatusError(failure(422, 'Invalid', `${qualifiedKind(gk)} "${name}" is invalid: ${agg}`, details));
}

export function badRequest(message: string): StatusError {
  return new StatusError(failure(400, 'BadRequest', message));
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(failure(401, 'Unauthorized', message));
}

export function forbidden(gr: GroupResource, name: string, why: string): StatusError {
  const subject = name === '' ? qualifiedResource(gr) : `${qualifiedResource(gr)} "${name}"`;
  return new StatusError(failure(403, 'Forbidden', `${subject} is forbidden: ${why}`, gDetails(gr, name)));
}

export function methodNotSupported(gr: GroupResource, verb: string): StatusError {
  return new StatusError(
    failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedResource(gr)}"`, {
      ...(gr.group !== '' ? { group: gr.group } : {}),
      kind: gr.resource,
    }),
  );
}

export function notAcceptable(message: string): StatusError {
  return new StatusError(failure(406, 'NotAcceptable', message));
}

/** 410 Expired: a watch or continue token older than the retained history. */
export function expired(message: string): StatusError {
  return new StatusError(failure(410, 'Expired', message));
}

export function gone(message: string): StatusError {
  return new StatusError(failure(410, 'Gone', message));
}

export function tooLarge(message = 'the request entity is too large'): StatusError {
  return new StatusError(failure(413, 'RequestEntityTooLarge', message));
}

export function unsupportedMediaType(contentType: string, supported: string[]): StatusError {
  return new StatusError(
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`,
    ),
  );
  void contentType;
}

export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError(failure(429, 'TooManyRequests', message, { retryAfterSeconds }), {
    'Retry-After': String(retryAfterSeconds),
  });
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError(failure(503, 'ServiceUnavailable', message));
}

export function internal(err: unknown): StatusError {
  const msg = err instanceof Error ? err.message : String(err);
  return new StatusError(
    failure(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] }),
  );
}

/** Any thrown value as a Status: StatusErrors pass through, everything else is a 500. */
export function toStatus(err: unknown): Status {
  if (err instanceof StatusError) return err.status;
  return internal(err).status;
}

export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return s;
}

export function isStatusError(err: unknown, reason?: StatusReason): err is StatusError {
  return err instanceof StatusError && (reason === undefined || err.status.reason === reason);
}
