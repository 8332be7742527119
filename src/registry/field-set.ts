/**
 * Sets of field paths, as sigs.k8s.io/structured-merge-diff's fieldpath.Set: what a field
 * manager owns, serialized in metadata.managedFields as FieldsV1 (`f:spec`, `k:{"port":80}`,
 * `v:"x"`, `i:0`, with `.` marking a node that is itself a member as well as a parent).
 *
 * A path element is kept in its serialized form (`f:name`, `k:{...}` with sorted keys, `v:json`,
 * `i:n`), so sets are plain string-keyed trees; elements are ordered as upstream orders them.
 */

/** One step of a path, serialized as FieldsV1 writes it. */
export type PathElement = string;

/**
 * Field elements already made, so the same string is used each time: a string used as a property
 * key is internalized once, and a FieldsV1 object built from fresh strings costs twice as much.
 * Bounded (field names include label and annotation keys): it starts over when full.
 */
const fieldElements = new Map<string, PathElement>();
const MAX_FIELD_ELEMENTS = 8192;

export function fieldElement(name: string): PathElement {
  let pe = fieldElements.get(name);
  if (pe === undefined) {
    if (fieldElements.size >= MAX_FIELD_ELEMENTS) fieldElements.clear();
    fieldElements.set(name, (pe = `f:${name}`));
  }
  return pe;
}

/** A map-list item by its key fields (sorted by name, as upstream's KeyValue). */
export function keyElement(fields: Record<string, unknown>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(fields).sort(compareStrings)) sorted[k] = fields[k];
  return `k:${JSON.stringify(sorted)}`;
}

/** A set-list item by its value. */
export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(canonicalValue(value))}`;
}

export function indexElement(i: number): PathElement {
  return `i:${i}`;
}

function canonicalValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort(compareStrings)) out[k] = canonicalValue((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/**
 * Canonical forms of key and value elements already read: every update decodes the stored
 * managedFields, whose elements recur. Bounded: it starts over when full.
 */
const canonicalElements = new Map<string, PathElement>();
const MAX_CANONICAL_ELEMENTS = 4096;

/** The canonical form of an element read from a client's FieldsV1; throws on a malformed one. */
export function canonicalElement(raw: string): PathElement {
  if (raw.charCodeAt(0) === F_CODE && raw.charCodeAt(1) === COLON) return raw;
  let pe = canonicalElements.get(raw);
  if (pe === undefined) {
    pe = canonicalUncached(raw);
    if (canonicalElements.size >= MAX_CANONICAL_ELEMENTS) canonicalElements.clear();
    canonicalElements.set(raw, pe);
  }
  return pe;
}

function canonicalUncached(raw: string): PathElement {
  const kind = raw.slice(0, 2);
  const rest = raw.slice(2);
  switch (kind) {
    case 'f:':
      return raw;
    case 'k:': {
      const parsed = JSON.parse(rest) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`invalid key element ${raw}`);
      return keyElement(parsed as Record<string, unknown>);
    }
    case 'v:':
      return valueElement(JSON.parse(rest));
    case 'i:':
      if (!/^\d+$/.test(rest)) throw new Error(`invalid index element ${raw}`);
      return raw;
    default:
      throw new Error(`unexpected path element ${JSON.stringify(raw)}`);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const TYPE_RANK: Record<string, number> = { number: 0, string: 1, boolean: 2, array: 3, object: 4, null: 5 };

function rankOf(v: unknown): number {
  if (v === null || v === undefined) return TYPE_RANK.null!;
  if (Array.isArray(v)) return TYPE_RANK.array!;
  return TYPE_RANK[typeof v] ?? TYPE_RANK.null!;
}

/** Ordering of JSON values, as structured-merge-diff's value.Compare (numbers, strings, bools, lists, maps, null). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a)) {
    const bl = b as unknown[];
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValues(a[i], bl[i]);
      if (c !== 0) return c;
    }
    return a.length - bl.length;
  }
  if (a !== null && typeof a === 'object') {
    return compareFieldLists(a as Record<string, unknown>, b as Record<string, unknown>);
  }
  return 0;
}

function compareFieldLists(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ak = Object.keys(a).sort(compareStrings);
  const bk = Object.keys(b).sort(compareStrings);
  for (let i = 0; ; i++) {
    if (i >= ak.length && i >= bk.length) return 0;
    if (i >= ak.length) return -1;
    if (i >= bk.length) return 1;
    const c = compareStrings(ak[i]!, bk[i]!) || compareValues(a[ak[i]!], b[bk[i]!]);
    if (c !== 0) return c;
  }
}

const KIND_RANK: Record<string, number> = { 'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3 };
const F_CODE = 'f'.charCodeAt(0);
const COLON = ':'.charCodeAt(0);

/**
 * Parsed bodies of key and value elements, which sorting compares again and again (the same few
 * list keys recur across objects). Bounded: it starts over when full. Values are frozen.
 */
const parsedBodies = new Map<string, unknown>();
const MAX_PARSED_BODIES = 4096;

function parsedBody(body: string): unknown {
  let v = parsedBodies.get(body);
  if (v === undefined) {
    v = Object.freeze(JSON.parse(body) as unknown);
    if (parsedBodies.size >= MAX_PARSED_BODIES) parsedBodies.clear();
    parsedBodies.set(body, v);
  }
  return v;
}

/** Upstream's PathElement.Compare: field names, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  // most elements are field names: same kind, so the whole strings order them
  if (a.charCodeAt(0) === F_CODE && b.charCodeAt(0) === F_CODE) return compareStrings(a, b);
  const ka = a.slice(0, 2);
  const kb = b.slice(0, 2);
  if (ka !== kb) return (KIND_RANK[ka] ?? 9) - (KIND_RANK[kb] ?? 9);
  const ra = a.slice(2);
  const rb = b.slice(2);
  switch (ka) {
    case 'k:':
      return compareFieldLists(parsedBody(ra) as Record<string, unknown>, parsedBody(rb) as Record<string, unknown>);
    case 'v:':
      return compareValues(parsedBody(ra), parsedBody(rb));
    case 'i:':
      return Number(ra) - Number(rb);
    default:
      return compareStrings(ra, rb);
  }
}

function valueString(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
}

/** A path as upstream prints it in conflicts: `.spec.ports[port=80,protocol="TCP"].targetPort`. */
export function pathString(path: readonly PathElement[]): string {
  let out = '';
  for (const pe of path) {
    const rest = pe.slice(2);
    switch (pe.slice(0, 2)) {
      case 'f:':
        out += `.${rest}`;
        break;
      case 'k:': {
        const fields = JSON.parse(rest) as Record<string, unknown>;
        out += `[${Object.entries(fields).map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
        break;
      }
      case 'v:':
        out += `[=${valueString(JSON.parse(rest))}]`;
        break;
      default:
        out += `[${rest}]`;
    }
  }
  return out;
}

/** A set of paths: `members` end here, `children` continue. Mutable while built, then treated as a value. */
export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: PathElement[][]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Parses FieldsV1 JSON (`{"f:spec":{"f:replicas":{}}}`); throws on malformed input. */
  static fromFieldsV1(json: unknown): FieldSet {
    const s = new FieldSet();
    if (json === null || json === undefined) return s;
    if (typeof json !== 'object' || Array.isArray(json)) throw new Error('FieldsV1 must be an object');
    for (const [raw, sub] of Object.entries(json as Record<string, unknown>)) {
      if (raw === '.') continue;
      const pe = canonicalElement(raw);
      const isObject = sub !== null && typeof sub === 'object' && !Array.isArray(sub);
      const entries = isObject ? Object.keys(sub as object) : [];
      if (entries.length === 0 || entries.includes('.')) s.members.add(pe);
      if (entries.some((k) => k !== '.')) {
        const child = FieldSet.fromFieldsV1(sub);
        if (!child.isEmpty()) s.childFor(pe).#unionInPlace(child);
      }
    }
    return s;
  }

  /** FieldsV1 JSON, elements in upstream order, `.` first where a parent is also a member. */
  toFieldsV1(): Record<string, unknown> {
    return this.#fieldsV1(false);
  }

  #fieldsV1(self: boolean): Record<string, unknown> {
    let all: PathElement[];
    if (this.children.size === 0) all = [...this.members];
    else {
      all = [...this.members];
      for (const pe of this.children.keys()) if (!this.members.has(pe)) all.push(pe);
    }
    if (all.length > 1) all.sort(compareElements);
    const out: Record<string, unknown> = {};
    if (self) out['.'] = {};
    for (const pe of all) {
      const child = this.children.get(pe);
      out[pe] = child === undefined ? {} : child.#fieldsV1(this.members.has(pe));
    }
    return out;
  }

  /** The child set under `pe`, made if missing. */
  childFor(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (c === undefined) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  /** Adds `path`; returns the set holding its last element as a member. */
  insert(path: readonly PathElement[]): FieldSet {
    if (path.length === 0) return this;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.childFor(path[i]!);
    node.members.add(path[path.length - 1]!);
    return node;
  }

  has(path: readonly PathElement[]): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(path[i]!);
    return node !== undefined && path.length > 0 && node.members.has(path[path.length - 1]!);
  }

  child(pe: PathElement): FieldSet | undefined {
    return this.children.get(pe);
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  clone(): FieldSet {
    return new FieldSet().#unionInPlace(this);
  }

  #unionInPlace(o: FieldSet): FieldSet {
    for (const m of o.members) this.members.add(m);
    for (const [pe, c] of o.children) this.childFor(pe).#unionInPlace(c);
    return this;
  }

  union(o: FieldSet): FieldSet {
    return this.clone().#unionInPlace(o);
  }

  /** union() in place: adds `o`'s paths to this set; returns this. */
  addAll(o: FieldSet): this {
    this.#unionInPlace(o);
    return this;
  }

  /** difference() in place: removes `o`'s paths from this set (emptied children go too); returns this. */
  deleteAll(o: FieldSet): this {
    for (const m of o.members) this.members.delete(m);
    for (const [pe, oc] of o.children) {
      const c = this.children.get(pe);
      if (c === undefined) continue;
      c.deleteAll(oc);
      if (c.isEmpty()) this.children.delete(pe);
    }
    return this;
  }

  /** Paths of this set that are not paths of `o` (a member of `o` does not remove descendants). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      const d = oc === undefined ? c.clone() : c.difference(oc);
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (oc === undefined) continue;
      const i = c.intersection(oc);
      if (!i.isEmpty()) out.children.set(pe, i);
    }
    return out;
  }

  /** Like difference, but a member of `o` also removes everything below it (upstream's RecursiveDifference). */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      if (o.members.has(pe)) continue;
      const oc = o.children.get(pe);
      const d = oc === undefined ? c.clone() : c.recursiveDifference(oc);
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).isEmpty() && o.difference(this).isEmpty();
  }

  /** Every member path, members of a node before its children's, in upstream order (Set.Iterate). */
  paths(prefix: PathElement[] = []): PathElement[][] {
    const out: PathElement[][] = [];
    for (const m of [...this.members].sort(compareElements)) out.push([...prefix, m]);
    for (const pe of [...this.children.keys()].sort(compareElements)) out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    return out;
  }
}
