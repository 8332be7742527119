/**
 * Authorization: decides whether an authenticated user may perform a request, given the
 * request's attributes (as k8s.io/apiserver's authorizer.Attributes). Denials become 403
 * Forbidden Statuses in the HTTP layer.
 */
import type { UserInfo } from './authn.js';

/** What is being attempted. Resource requests carry resource/namespace/name; others carry path. */
export interface AuthorizationAttributes {
  /** API verb (get, list, watch, create, update, patch, delete, deletecollection) or, for non-resource requests, the lower-case HTTP method. */
  readonly verb: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** API group; '' for the core group. */
  readonly group?: string;
  /** URL path of a non-resource request, e.g. /healthz. */
  readonly path?: string;
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** Why, for logs and for the Forbidden message when denied. */
  readonly reason?: string;
}

/** Must be synchronous, side-effect free and never throw. */
export interface Authorizer {
  authorize(user: UserInfo, attrs: AuthorizationAttributes): AuthorizationDecision;
}

/** Allows everything to every authenticated user, as kube-apiserver's --authorization-mode=AlwaysAllow. */
export const alwaysAllow: Authorizer = Object.freeze({
  authorize: (): AuthorizationDecision => ({ allowed: true }),
});
