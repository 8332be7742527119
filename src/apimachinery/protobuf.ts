/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies (kubectl 1.32+ typed clients).
 *
 * Wire format (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): the 4 bytes `k8s\0`, then a
 * runtime.Unknown { 1: TypeMeta{1: apiVersion, 2: kind}, 2: raw object bytes, 3: contentEncoding,
 * 4: contentType }. The object is decoded with the real field numbers (protobuf-schema.ts) and
 * turned into exactly the JSON Go's encoding/json would have produced from the same struct, so the
 * rest of the server handles it as if JSON had been posted: proto2 writes empty strings and zeros
 * explicitly, and they are dropped where the Go JSON tag says `omitempty`.
 */
import protobuf from 'protobufjs';
import { badRequest } from './status.js';
import { MESSAGES, SPECIAL_MESSAGES, isScalar, parseFields } from './protobuf-schema.js';
import type { FieldSpec } from './protobuf-schema.js';

export const KUBERNETES_PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** `k8s\0`, the prefix of every Kubernetes protobuf payload. */
export const KUBERNETES_PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** A decoded body: the JSON object the client would have sent, with its type meta. */
export interface DecodedObject {
  apiVersion: string;
  kind: string;
  [field: string]: unknown;
}

/** Kinds we can decode, with the message that carries them and the apiVersions they may come with. */
const KINDS: Readonly<Record<string, { message: string; apiVersions?: readonly string[] }>> = {
  Namespace: { message: 'Namespace', apiVersions: ['v1'] },
  Service: { message: 'Service', apiVersions: ['v1'] },
  Pod: { message: 'Pod', apiVersions: ['v1'] },
  Endpoints: { message: 'Endpoints', apiVersions: ['v1'] },
  Node: { message: 'Node', apiVersions: ['v1'] },
  Event: { message: 'Event', apiVersions: ['v1'] },
  Binding: { message: 'Binding', apiVersions: ['v1'] },
  ResourceQuota: { message: 'ResourceQuota', apiVersions: ['v1'] },
  LimitRange: { message: 'LimitRange', apiVersions: ['v1'] },
  EndpointSlice: { message: 'EndpointSlice', apiVersions: ['discovery.k8s.io/v1'] },
  Eviction: { message: 'Eviction', apiVersions: ['policy/v1', 'policy/v1beta1'] },
  // DeleteOptions is registered in every group version.
  DeleteOptions: { message: 'DeleteOptions' },
  SelfSubjectAccessReview: { message: 'SelfSubjectAccessReview', apiVersions: ['authorization.k8s.io/v1'] },
  SelfSubjectReview: {
    message: 'SelfSubjectReview',
    apiVersions: ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1', 'authentication.k8s.io/v1alpha1'],
  },
};

export const PROTOBUF_KINDS: readonly string[] = Object.keys(KINDS);

const FIELDS: ReadonlyMap<string, readonly FieldSpec[]> = new Map(
  Object.entries(MESSAGES).map(([name, spec]) => [name, parseFields(spec)]),
);
const SPECIAL = new Set<string>(SPECIAL_MESSAGES);

const PROTO_SCALAR: Readonly<Record<string, string>> = { s: 'string', i32: 'int32', i64: 'int64', b: 'bool', bytes: 'bytes' };

function buildRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const [name, fields] of FIELDS) {
    const type = new protobuf.Type(name);
    for (const f of fields) {
      const t = PROTO_SCALAR[f.type] ?? f.type;
      type.add(f.map ? new protobuf.MapField(f.name, f.id, 'string', t) : new protobuf.Field(f.name, f.id, t, f.repeated ? 'repeated' : 'optional'));
    }
    root.add(type);
  }
  root.resolveAll();
  return root;
}

// Built once: a read-only table of message types, never mutated after this line.
const ROOT = buildRoot();

/** The protobufjs type for one of our messages (e.g. `Service`, `ObjectMeta`); used to encode in tests. */
export function protobufMessageType(name: string): protobuf.Type {
  if (!FIELDS.has(name)) throw new Error(`unknown protobuf message ${name}`);
  return ROOT.lookupType(name);
}

/** Wraps encoded object bytes into the `k8s\0` + runtime.Unknown envelope, as client-go does. */
export function encodeKubernetesProtobuf(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const unknown = ROOT.lookupType('Unknown');
  const body = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  const out = new Uint8Array(KUBERNETES_PROTOBUF_MAGIC.length + body.length);
  out.set(KUBERNETES_PROTOBUF_MAGIC, 0);
  out.set(body, KUBERNETES_PROTOBUF_MAGIC.length);
  return out;
}

/**
 * Decodes a Kubernetes protobuf request body into the JSON object Go would have produced.
 * Throws a 400 BadRequest StatusError for a wrong prefix, malformed protobuf, or a kind we do not know.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedObject {
  const magic = KUBERNETES_PROTOBUF_MAGIC;
  if (body.length < magic.length || magic.some((b, i) => body[i] !== b)) {
    throw badRequest(`provided data does not appear to be a protobuf message, expected prefix [${magic.join(' ')}]`);
  }
  const envelope = decodeMessage('Unknown', body.subarray(magic.length));
  const typeMeta = (envelope.typeMeta ?? {}) as Record<string, unknown>;
  const apiVersion = typeof typeMeta.apiVersion === 'string' ? typeMeta.apiVersion : '';
  const kind = typeof typeMeta.kind === 'string' ? typeMeta.kind : '';
  if (typeof envelope.contentEncoding === 'string' && envelope.contentEncoding !== '') {
    throw badRequest(`unsupported protobuf content encoding "${envelope.contentEncoding}"`);
  }
  if (kind === '') throw badRequest("Object 'Kind' is missing in protobuf body");
  const entry = KINDS[kind];
  if (entry === undefined || (entry.apiVersions !== undefined && !entry.apiVersions.includes(apiVersion))) {
    throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/runtime/scheme.go:100"`);
  }
  const raw = envelope.raw instanceof Uint8Array ? envelope.raw : new Uint8Array();
  const object = toJSONObject(entry.message, decodeMessage(entry.message, raw));
  return { apiVersion, kind, ...object };
}

type Message = Record<string, unknown>;

function decodeMessage(name: string, bytes: Uint8Array): Message {
  try {
    return ROOT.lookupType(name).decode(bytes) as unknown as Message;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw badRequest(`failed to decode protobuf ${name}: ${why}`);
  }
}

function fieldsOf(type: string): readonly FieldSpec[] {
  const fields = FIELDS.get(type);
  if (fields === undefined) throw new Error(`unknown protobuf message ${type}`);
  return fields;
}

/** The Go JSON object for a (possibly absent) message of a non-special type. */
function toJSONObject(type: string, m: Message | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(type)) {
    const present = m !== undefined && Object.prototype.hasOwnProperty.call(m, f.name) && m[f.name] != null;
    const value = present ? m[f.name] : undefined;
    if (f.map) {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      if (entries.length > 0) out[f.name] = Object.fromEntries(entries.map(([k, v]) => [k, toJSONValue(f.type, v)]));
      else if (f.mode === 'always') out[f.name] = null;
    } else if (f.repeated) {
      const items = (value ?? []) as unknown[];
      if (items.length > 0) out[f.name] = items.map((v) => toJSONValue(f.type, v));
      else if (f.mode === 'always') out[f.name] = null;
    } else if (f.mode === 'inline') {
      Object.assign(out, toJSONObject(f.type, value as Message | undefined));
    } else if (f.mode === 'pointer') {
      if (present) out[f.name] = toJSONValue(f.type, value);
    } else if (isScalar(f.type)) {
      const v = present ? scalarJSON(f.type, value) : zeroScalar(f.type);
      if (f.mode === 'always' || !isZeroScalar(v)) out[f.name] = v;
    } else {
      // A Go struct value: omitempty never drops it.
      out[f.name] = toJSONValue(f.type, value);
    }
  }
  return out;
}

function toJSONValue(type: string, v: unknown): unknown {
  if (isScalar(type)) return scalarJSON(type, v);
  const m = v as Message | undefined;
  if (!SPECIAL.has(type)) return toJSONObject(type, m);
  switch (type) {
    case 'Time':
      return timeJSON(m, false);
    case 'MicroTime':
      return timeJSON(m, true);
    case 'IntOrString':
      // intstr.IntOrString marshals as a string when type is 1 (String), else as a number.
      return toNumber(m?.type) === 1 ? String(m?.strVal ?? '') : toNumber(m?.intVal);
    case 'Quantity': {
      // resource.Quantity marshals its canonical string; the zero Quantity is "0".
      const s = m?.string;
      return typeof s === 'string' && s !== '' ? s : '0';
    }
    case 'FieldsV1':
      return fieldsV1JSON(m);
    case 'ExtraValue':
      // authentication ExtraValue is a []string on the JSON side.
      return ((m?.items ?? []) as unknown[]).map(String);
    default:
      throw new Error(`unhandled special message ${type}`);
  }
}

function scalarJSON(type: string, v: unknown): unknown {
  switch (type) {
    case 's':
      return typeof v === 'string' ? v : '';
    case 'b':
      return v === true;
    case 'i32':
    case 'i64':
      return toNumber(v);
    case 'bytes':
      return v instanceof Uint8Array ? Buffer.from(v).toString('base64') : '';
    default:
      throw new Error(`unknown scalar ${type}`);
  }
}

function zeroScalar(type: string): unknown {
  return type === 's' || type === 'bytes' ? '' : type === 'b' ? false : 0;
}

function isZeroScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/** int64 fields decode to Long; Kubernetes int64 values (seconds, generations) fit in a double. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'toNumber' in v && typeof v.toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return 0;
}

/** Seconds of Go's zero time.Time (0001-01-01T00:00:00Z) since the Unix epoch. */
const GO_ZERO_TIME_SECONDS = -62135596800;

/**
 * metav1.Time: RFC 3339 in UTC with whole seconds (its protobuf Unmarshal drops nanos), null when
 * zero, and an empty message is the zero time. MicroTime keeps microseconds.
 */
function timeJSON(m: Message | undefined, micro: boolean): string | null {
  const hasSeconds = m !== undefined && Object.prototype.hasOwnProperty.call(m, 'seconds');
  const hasNanos = m !== undefined && Object.prototype.hasOwnProperty.call(m, 'nanos');
  if (!hasSeconds && !hasNanos) return null;
  const seconds = toNumber(m?.seconds);
  const nanos = micro ? toNumber(m?.nanos) : 0;
  if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return null;
  const date = new Date((seconds + Math.floor(nanos / 1e9)) * 1000);
  if (Number.isNaN(date.getTime())) throw badRequest(`invalid protobuf timestamp ${seconds}`);
  const base = date.toISOString().replace(/\.\d{3}Z$/, '');
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor((nanos % 1e9) / 1000)).padStart(6, '0')}Z`;
}

/** FieldsV1 carries its JSON verbatim in Raw; a nil Raw marshals as null. */
function fieldsV1JSON(m: Message | undefined): unknown {
  const raw = m?.Raw;
  if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
  } catch {
    throw badRequest('invalid JSON in managedFields fieldsV1');
  }
}
