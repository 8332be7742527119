/**
 * Name and metadata validation as k8s.io/apimachinery does it (pkg/util/validation/validation.go,
 * pkg/api/validation/objectmeta.go, pkg/apis/meta/v1/validation). The `is*` checks return upstream's
 * error strings; the `validate*` producers return FieldErrors at upstream's paths. Messages are the
 * 1.27–1.33 wording ("must be no more than 63 characters", "a qualified name …"), because that is
 * what the kubectl versions we serve print.
 */
import { isIPv6 } from 'node:net';
import type { FieldError } from './field-errors.js';
import { fieldErr } from './field-errors.js';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from './meta.js';

/** A name validator: `prefix` is true when checking a generateName prefix (upstream ValidateNameFunc). */
export type NameValidator = (name: string, prefix: boolean) => string[];

export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** RegexError: note upstream's double space before each " or". */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((ex, i) => {
    if (i > 0) s += ' or ';
    s += `'${ex}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

export function emptyError(): string {
  return 'must be non-empty';
}

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

const QNAME_CHAR_FMT = '[A-Za-z0-9]';
const QNAME_EXT_CHAR_FMT = '[-A-Za-z0-9_.]';
const QUALIFIED_NAME_FMT = `(${QNAME_CHAR_FMT}${QNAME_EXT_CHAR_FMT}*)?${QNAME_CHAR_FMT}`;
const QUALIFIED_NAME_ERR_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX_LENGTH = 63;
const qualifiedNameRe = new RegExp(`^${QUALIFIED_NAME_FMT}$`);

/** IsQualifiedName: label keys, annotation keys, finalizers. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else for (const msg of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!qualifiedNameRe.test(name)) {
    errs.push(`name part ${regexError(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_ERR_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const LABEL_VALUE_MAX_LENGTH = 63;
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`);

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_ERR_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const DNS1123_LABEL_MAX_LENGTH = 63;
const dns1123LabelRe = new RegExp(`^${DNS1123_LABEL_FMT}$`);

const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_ERR_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const dns1123SubdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(value)) {
    // a valid subdomain that is not a valid label (length already checked) must contain dots
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_ERR_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_ERR_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const DNS1035_LABEL_MAX_LENGTH = 63;
const dns1035LabelRe = new RegExp(`^${DNS1035_LABEL_FMT}$`);

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(DNS1035_LABEL_ERR_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

const C_IDENTIFIER_FMT = '[A-Za-z_][A-Za-z0-9_]*';
const C_IDENTIFIER_ERR_MSG =
  "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
const cIdentifierRe = new RegExp(`^${C_IDENTIFIER_FMT}$`);

export function isCIdentifier(value: string): string[] {
  if (!cIdentifierRe.test(value)) return [regexError(C_IDENTIFIER_ERR_MSG, C_IDENTIFIER_FMT, 'my_name', 'MY_NAME', 'MyName')];
  return [];
}

export function isValidPortNum(port: number): string[] {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return [];
  return [inclusiveRangeError(1, 65535)];
}

export function isInRange(value: number, min: number, max: number): string[] {
  if (value >= min && value <= max) return [];
  return [inclusiveRangeError(min, max)];
}

/** IsValidPortName: an IANA_SVC_NAME (RFC 6335), lower case only. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

const PERCENT_FMT = '[0-9]+%';
const PERCENT_ERR_MSG = "a valid percent string must be a numeric string followed by an ending '%'";

export function isValidPercent(percent: string): string[] {
  if (!/^[0-9]+%$/.test(percent)) return [regexError(PERCENT_ERR_MSG, PERCENT_FMT, '1%', '93%')];
  return [];
}

/** Go's net.ParseIP as netutils.ParseIPSloppy uses it: IPv4 octets may carry leading zeros (read as decimal). */
export function parseIPSloppy(value: string): { family: 4 | 6 } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
    return value.split('.').every((o) => Number(o) <= 255) ? { family: 4 } : undefined;
  }
  // zones ("fe80::1%eth0") are not IPs to Go's parser
  if (value.includes('%') || value.includes('/')) return undefined;
  if (isIPv6(value)) return { family: 6 };
  return undefined;
}

export function isValidIP(value: string): string[] {
  if (parseIPSloppy(value) === undefined) return ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
  return [];
}

export function isValidCIDR(value: string): string[] {
  const msg = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
  const slash = value.indexOf('/');
  if (slash < 0) return [msg];
  const ip = parseIPSloppy(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  if (ip === undefined || !/^\d{1,3}$/.test(bits)) return [msg];
  if (Number(bits) > (ip.family === 4 ? 32 : 128)) return [msg];
  return [];
}

/** Strip a generateName's trailing dash so the prefix checks like a finished name (upstream maskTrailingDash). */
function maskTrailingDash(name: string): string {
  if (name.length > 1 && name.endsWith('-')) return `${name.slice(0, -2)}a`;
  return name;
}

/** NameIsDNSSubdomain: Pods, Nodes, Endpoints, EndpointSlices, Events. */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

/** NameIsDNSLabel: Namespaces. */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** NameIsDNS1035Label: Services. */
export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** ValidateNamespaceName */
export const validateNamespaceName: NameValidator = nameIsDNSLabel;

/** path.IsValidPathSegmentName: what any name must satisfy to sit in a URL. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;
const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
const FIELD_MANAGER_MAX_LENGTH = 128;
const MAX_SUBRESOURCE_NAME_LENGTH = 256;

/** ValidateLabelName: every message at `path` (not keyed), as upstream. */
export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErr.invalid(path, name, msg));
}

/** v1validation.ValidateLabels */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(v)) errs.push(fieldErr.invalid(path, v, msg));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names compared case-insensitively; total size ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErr.invalid(path, k, msg));
    total += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(fieldErr.tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

function parseApiVersion(apiVersion: string): { group: string; version: string } {
  // schema.ParseGroupVersion; an unparsable value leaves the version empty
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: '', version: '' };
}

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const gv = parseApiVersion(ref.apiVersion ?? '');
  if (gv.version === '') errs.push(fieldErr.invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
  if (!ref.kind) errs.push(fieldErr.invalid(`${path}.kind`, ref.kind ?? '', 'must not be empty'));
  if (!ref.name) errs.push(fieldErr.invalid(`${path}.name`, ref.name ?? '', 'must not be empty'));
  if (!ref.uid) errs.push(fieldErr.invalid(`${path}.uid`, ref.uid ?? '', 'must not be empty'));
  // BannedOwners: core/v1 Event may not own anything
  if (gv.group === '' && gv.version === 'v1' && ref.kind === 'Event') {
    errs.push(fieldErr.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

/** ValidateOwnerReferences: errors sit at the list path, not an index, as upstream. */
export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController !== '') {
        errs.push(
          fieldErr.invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

/** ValidateFinalizers: qualified names; `orphan` and `foregroundDeletion` are mutually exclusive. */
export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) for (const msg of isQualifiedName(f)) errs.push(fieldErr.invalid(path, f, msg));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(fieldErr.invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (manager.length > FIELD_MANAGER_MAX_LENGTH) errs.push(fieldErr.tooLong(path, manager, FIELD_MANAGER_MAX_LENGTH));
  let i = 0;
  for (const ch of manager) {
    const cp = ch.codePointAt(0)!;
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      errs.push(fieldErr.invalid(path, manager, `invalid character U+${hex} (at position ${i})`));
    }
    i += Buffer.byteLength(ch);
  }
  return errs;
}

/** ValidateManagedFields */
export function validateManagedFields(entries: ManagedFieldsEntry[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(fieldErr.invalid(`${p}.operation`, e.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType !== undefined && e.fieldsType !== ('' as string) && e.fieldsType !== 'FieldsV1') {
      errs.push(fieldErr.invalid(`${p}.fieldsType`, e.fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(e.manager ?? '', `${p}.manager`));
    if ((e.subresource ?? '').length > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(fieldErr.tooLong(`${p}.subresource`, e.subresource, MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

/** The name half of ValidateObjectMetaAccessor: generateName (as a prefix), then name. */
export function validateObjectMetaName(
  name: string | undefined,
  generateName: string | undefined,
  nameFn: NameValidator,
  path = 'metadata',
): FieldError[] {
  const errs: FieldError[] = [];
  if (generateName) {
    for (const msg of nameFn(generateName, true)) errs.push(fieldErr.invalid(`${path}.generateName`, generateName, msg));
  }
  if (!name) {
    errs.push(fieldErr.required(`${path}.name`, 'name or generateName is required'));
  } else {
    for (const msg of nameFn(name, false)) errs.push(fieldErr.invalid(`${path}.name`, name, msg));
  }
  return errs;
}

export interface ObjectMetaValidationOptions {
  /** Namespaced kinds require metadata.namespace; cluster-scoped ones forbid it. */
  namespaced: boolean;
  nameFn: NameValidator;
  /** Field path of the metadata; `metadata` unless nested (e.g. a pod template). */
  path?: string;
}

/** ValidateObjectMeta on create. Expects generateName to have been turned into a name already. */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaValidationOptions): FieldError[] {
  const path = opts.path ?? 'metadata';
  const errs = validateObjectMetaName(meta.name, meta.generateName, opts.nameFn, path);
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(fieldErr.required(`${path}.namespace`, ''));
    else for (const msg of validateNamespaceName(meta.namespace, false)) {
      errs.push(fieldErr.invalid(`${path}.namespace`, meta.namespace, msg));
    }
  } else if (meta.namespace) {
    errs.push(fieldErr.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  if ((meta.generation ?? 0) < 0) errs.push(fieldErr.invalid(`${path}.generation`, meta.generation, IS_NEGATIVE_ERROR_MSG));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  errs.push(...validateManagedFields(meta.managedFields, `${path}.managedFields`));
  return errs;
}

function immutable(next: unknown, prev: unknown, path: string): FieldError[] {
  return next === prev ? [] : [fieldErr.invalid(path, next, FIELD_IMMUTABLE_ERROR_MSG)];
}

/**
 * ValidateObjectMetaUpdate. Like upstream it requires next.resourceVersion: the registry fills it in
 * for unconditional updates before validating.
 */
export function validateObjectMetaUpdate(next: ObjectMeta, prev: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (prev.deletionTimestamp) {
    const old = new Set(prev.finalizers ?? []);
    const added = [...new Set((next.finalizers ?? []).filter((f) => !old.has(f)))].sort();
    if (added.length > 0) {
      const list = `[]string{${added.map((f) => JSON.stringify(f)).join(', ')}}`;
      errs.push(
        fieldErr.forbidden(
          `${path}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers ${list}`,
        ),
      );
    }
  }
  if (!next.resourceVersion) {
    errs.push(fieldErr.invalid(`${path}.resourceVersion`, next.resourceVersion ?? '', 'must be specified for an update'));
  }
  if ((next.generation ?? 0) < (prev.generation ?? 0)) {
    errs.push(fieldErr.invalid(`${path}.generation`, next.generation ?? 0, 'must not be decremented'));
  }
  errs.push(...immutable(next.name ?? '', prev.name ?? '', `${path}.name`));
  errs.push(...immutable(next.namespace ?? '', prev.namespace ?? '', `${path}.namespace`));
  errs.push(...immutable(next.uid ?? '', prev.uid ?? '', `${path}.uid`));
  errs.push(...immutable(next.creationTimestamp ?? null, prev.creationTimestamp ?? null, `${path}.creationTimestamp`));
  errs.push(...immutable(next.deletionTimestamp ?? null, prev.deletionTimestamp ?? null, `${path}.deletionTimestamp`));
  errs.push(
    ...immutable(
      next.deletionGracePeriodSeconds ?? null,
      prev.deletionGracePeriodSeconds ?? null,
      `${path}.deletionGracePeriodSeconds`,
    ),
  );
  errs.push(...validateLabels(next.labels, `${path}.labels`));
  errs.push(...validateAnnotations(next.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(next.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateManagedFields(next.managedFields, `${path}.managedFields`));
  return errs;
}
