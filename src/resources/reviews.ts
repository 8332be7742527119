/**
 * The self-review resources kubectl asks about its own identity: SelfSubjectReview
 * (`kubectl auth whoami`), SelfSubjectAccessReview and SelfSubjectRulesReview (`kubectl auth
 * can-i`). Nothing is stored; every authenticated user may do everything (always-allow).
 */
import type { KObject } from '../apimachinery/meta.js';
import type { ResourceDefinition, RequestContext } from '../registry/resource-definition.js';
import { defaultPrinter } from '../printers/table.js';

function userInfoOf(ctx: RequestContext): Record<string, unknown> {
  const u: Record<string, unknown> = { username: ctx.user.username, groups: ctx.user.groups };
  if (ctx.user.uid) u.uid = ctx.user.uid;
  if (ctx.user.extra) u.extra = ctx.user.extra;
  return u;
}

function review(group: string, kind: string, plural: string, namespaced: boolean, answer: (body: KObject, ctx: RequestContext) => unknown): ResourceDefinition {
  return {
    group,
    version: 'v1',
    kind,
    plural,
    singular: '',
    shortNames: [],
    categories: [],
    namespaced,
    verbs: ['create'],
    strategy: {},
    printer: defaultPrinter,
    createOnly: (body, ctx) => ({
      kind,
      apiVersion: `${group}/v1`,
      metadata: { ...body.metadata, creationTimestamp: null },
      ...(body.spec !== undefined ? { spec: body.spec } : {}),
      status: answer(body, ctx),
    }),
  };
}

export const reviewResources: ResourceDefinition[] = [
  review('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews', false, (_b, ctx) => ({ userInfo: userInfoOf(ctx) })),
  // the authorizer is always-allow, so every question gets a yes
  review('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, () => ({ allowed: true, reason: 'kubelevel allows every authenticated user' })),
  review('authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  })),
];
