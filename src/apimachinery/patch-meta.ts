/**
 * What strategic merge patch (and server-side apply) need to know about a field: its patch
 * strategy and merge key, as the OpenAPI extensions `x-kubernetes-patch-strategy`,
 * `x-kubernetes-patch-merge-key`, `x-kubernetes-list-type` and `x-kubernetes-list-map-keys`
 * declare them. The schema layer implements it from openapi/; the patch code only reads it.
 */
export interface PatchMeta {
  /** `merge`, `replace`, `retainKeys`, or a comma list such as `merge,retainKeys`. */
  readonly patchStrategy?: string;
  /** For lists merged element-wise: the key field (`name`, `port`, `containerPort`, `type`…). */
  readonly patchMergeKey?: string;
  /** `atomic`, `set` or `map` (x-kubernetes-list-type). */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** Keys of a `map` list (x-kubernetes-list-map-keys), e.g. ['port', 'protocol']. */
  readonly listMapKeys?: readonly string[];
  /** `atomic` or `granular` (x-kubernetes-map-type). */
  readonly mapType?: 'atomic' | 'granular';
  /** Meta of a named property of this object (or of map values for a map). Unknown → empty meta. */
  field(name: string): PatchMeta;
  /** Meta of the elements of this list. */
  items(): PatchMeta;
}

/** A PatchMeta that knows nothing: every list is replaced, every map merged. */
export const EMPTY_PATCH_META: PatchMeta = {
  field: () => EMPTY_PATCH_META,
  items: () => EMPTY_PATCH_META,
};
