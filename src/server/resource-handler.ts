/**
 * One handler for every resource URL: it maps (method, RequestInfo) to a registry verb. No
 * resource is named here; what a resource can do comes from its definition.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KObject } from '../apimachinery/meta.js';
import { badRequest, methodNotSupported, notFound, StatusError } from '../apimachinery/status.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceStore, FieldValidation } from '../registry/store.js';
import type { DeleteOptions, RequestContext } from '../registry/resource-definition.js';
import { patchResource, patchTypeOf } from '../registry/patch.js';
import { buildTable } from '../printers/table.js';
import { encodeResponse } from '../registry/encoding.js';
import type { UserInfo } from '../auth/authn.js';
import { decodeObjectBody } from './body.js';
import { wantsTable } from './negotiation.js';
import type { RequestInfo } from './request-info.js';
import type { WatchStreams } from './watch-stream.js';
import { q, qBool, qInt, type Query } from './query.js';

function fieldValidationOf(query: Query): FieldValidation | undefined {
  const v = q(query, 'fieldValidation');
  if (v === undefined || v === '') return undefined;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter is invalid: ${v}, must be one of: Strict, Warn, Ignore`);
}

function dryRunOf(query: Query): boolean {
  const raw = query.dryRun;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  for (const v of values) {
    if (v !== 'All' && v !== '') throw badRequest(`Invalid dry run value "${v}", only "All" is supported`);
  }
  return values.includes('All');
}

export interface HandlerDeps {
  registry: Registry;
  watches: WatchStreams;
}

export class ResourceHandler {
  readonly #deps: HandlerDeps;

  constructor(deps: HandlerDeps) {
    this.#deps = deps;
  }

  async handle(req: FastifyRequest, reply: FastifyReply, info: RequestInfo, user: UserInfo): Promise<unknown> {
    const rs = this.#deps.registry.lookup(info.group, info.version, info.resource);
    if (!rs) throw notFound({ group: info.group, resource: info.resource }, info.name ?? '');
    const def = rs.def;
    if (info.namespace !== undefined && !def.namespaced) {
      throw notFound({ group: info.group, resource: info.resource }, info.name ?? '');
    }
    const query = (req.query ?? {}) as Query;
    const clock = this.#deps.registry.clock;
    const ctx: RequestContext = { user, dryRun: dryRunOf(query), now: clock.now(), randomSuffix: (n) => clock.randomSuffix(n), warnings: [] };
    ctx.fieldManager = q(query, 'fieldManager') || undefined;
    ctx.userAgent = req.headers['user-agent'] ?? '';
    if (def.warning) ctx.warnings.push(def.warning);
    const sub = info.subresource;
    const custom = def.customSubresources?.find((c) => c.name === sub);
    if (custom && info.name !== undefined) {
      const verb = req.method === 'POST' ? 'create' : req.method === 'PUT' ? 'update' : req.method === 'GET' ? 'get' : '';
      if (!custom.verbs.includes(verb as 'create')) throw methodNotSupported({ group: def.group, resource: `${def.plural}/${sub}` }, req.method.toLowerCase());
      const body = decodeObjectBody(req.headers['content-type'], req.body as Buffer | undefined);
      const res = await custom.handle({ store: rs, namespace: def.namespaced ? info.namespace : undefined, name: info.name, body, ctx });
      return reply.code(res.code).type('application/json').send(JSON.stringify(res.body));
    }
    if (sub !== undefined && sub !== 'status') {
      throw notFound({ group: info.group, resource: `${info.resource}/${sub}` }, info.name ?? '');
    }
    if (sub === 'status' && !def.statusStrategy) {
      throw notFound({ group: info.group, resource: `${info.resource}/status` }, info.name ?? '');
    }
    const method = req.method;
    const writeOpts = { fieldManager: q(query, 'fieldManager'), fieldValidation: fieldValidationOf(query) };
    const ns = def.namespaced ? info.namespace : undefined;

    /** JSON text, or a large one in pieces (a list's encodeChunks), written one after another. */
    const sendText = (code: number, text: string | string[]) => {
      for (const w of ctx.warnings) reply.header('Warning', `299 - ${JSON.stringify(w)}`);
      reply.code(code).type('application/json');
      if (typeof text === 'string') return reply.send(text);
      if (text.length === 1) return reply.send(text[0]);
      let length = 0;
      for (const piece of text) length += Buffer.byteLength(piece);
      return reply.header('Content-Length', length).send(Readable.from(text));
    };
    const send = (code: number, body: unknown) => sendText(code, encodeResponse(body));

    if (def.createOnly) {
      if (method !== 'POST' || info.name !== undefined) throw methodNotSupported({ group: def.group, resource: def.plural }, method.toLowerCase());
      const body = rs.decodeBody(decodeObjectBody(req.headers['content-type'], req.body as Buffer | undefined), writeOpts, ctx);
      return send(201, def.createOnly(body, ctx));
    }
    if (method === 'GET' && (info.watchPath || qBool(query, 'watch'))) {
      for (const w of ctx.warnings) reply.header('Warning', `299 - ${JSON.stringify(w)}`);
      const selectors = this.#selectors(query, info.name);
      return this.#deps.watches.serve(req, reply, rs, ns, {
        ...selectors,
        resourceVersion: q(query, 'resourceVersion'),
        allowWatchBookmarks: qBool(query, 'allowWatchBookmarks'),
        timeoutSeconds: qInt(query, 'timeoutSeconds'),
        table: wantsTable(req.headers.accept),
        includeObject: this.#includeObject(query),
      });
    }
    if (info.watchPath) throw methodNotSupported({ group: def.group, resource: def.plural }, 'watch');

    if (info.name === undefined) {
      if (def.namespaced && info.namespace === undefined && method !== 'GET') {
        throw methodNotSupported({ group: def.group, resource: def.plural }, method === 'POST' ? 'create' : method.toLowerCase());
      }
      switch (method) {
        case 'GET': {
          const { list, encodeChunks } = await rs.list(ns, {
            ...this.#selectors(query),
            limit: qInt(query, 'limit'),
            continue: q(query, 'continue'),
            resourceVersion: q(query, 'resourceVersion'),
            resourceVersionMatch: q(query, 'resourceVersionMatch'),
            forEncoding: !wantsTable(req.headers.accept),
          });
          if (wantsTable(req.headers.accept)) {
            return send(200, this.#table(rs, list.items, query, ctx, list.metadata));
          }
          return sendText(200, encodeChunks());
        }
        case 'POST': {
          const body = decodeObjectBody(req.headers['content-type'], req.body as Buffer | undefined);
          const obj = await rs.createDecoded(ns, rs.decodeBody(body, writeOpts, ctx, 'take'), ctx);
          return send(201, obj);
        }
        case 'DELETE': {
          const opts = this.#deleteOptions(req, query, ctx);
          const list = await rs.deleteCollection(ns, this.#selectors(query), opts, ctx);
          return send(200, list);
        }
        default:
          throw methodNotSupported({ group: def.group, resource: def.plural }, method.toLowerCase());
      }
    }

    const name = info.name;
    switch (method) {
      case 'GET': {
        if (!wantsTable(req.headers.accept)) return sendText(200, await rs.getEncoded(ns, name));
        const obj = await rs.get(ns, name);
        return send(200, this.#table(rs, [obj], query, ctx, { resourceVersion: obj.metadata.resourceVersion }));
      }
      case 'PUT': {
        const body = decodeObjectBody(req.headers['content-type'], req.body as Buffer | undefined);
        const res = await rs.update(ns, name, body, writeOpts, ctx, sub === 'status' ? 'status' : undefined);
        return send(res.created ? 201 : 200, res.obj);
      }
      case 'PATCH': {
        const type = patchTypeOf(req.headers['content-type']);
        const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        if (raw.trim() === '') throw badRequest('the body of the request was empty');
        const res = await patchResource(rs, ns, name, type, raw, { ...writeOpts, force: qBool(query, 'force') }, ctx, sub === 'status' ? 'status' : undefined);
        return send(res.created ? 201 : 200, res.obj);
      }
      case 'DELETE': {
        if (sub !== undefined) throw methodNotSupported({ group: def.group, resource: `${def.plural}/${sub}` }, 'delete');
        const opts = this.#deleteOptions(req, query, ctx);
        const res = await rs.delete(ns, name, opts, ctx);
        return send(200, res.response);
      }
      case 'POST':
        throw methodNotSupported({ group: def.group, resource: def.plural }, 'create');
      default:
        throw methodNotSupported({ group: def.group, resource: def.plural }, method.toLowerCase());
    }
  }

  #selectors(query: Query, name?: string): { labelSelector?: string; fieldSelector?: string } {
    let fieldSelector = q(query, 'fieldSelector');
    // a watch on /watch/…/<name> is a watch of that one object
    if (name !== undefined) fieldSelector = fieldSelector ? `${fieldSelector},metadata.name=${name}` : `metadata.name=${name}`;
    return { labelSelector: q(query, 'labelSelector'), fieldSelector };
  }

  #includeObject(query: Query): 'None' | 'Metadata' | 'Object' {
    const v = q(query, 'includeObject');
    if (v === undefined || v === '' || v === 'Metadata') return 'Metadata';
    if (v === 'None' || v === 'Object') return v;
    throw badRequest(`includeObject parameter is invalid: ${v}`);
  }

  #table(rs: ResourceStore, items: KObject[], query: Query, ctx: RequestContext, meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number }): unknown {
    return buildTable(rs.def.printer, items, {
      now: ctx.now,
      includeObject: this.#includeObject(query),
      resourceVersion: meta.resourceVersion,
      continue: meta.continue,
      remainingItemCount: meta.remainingItemCount,
    });
  }

  #deleteOptions(req: FastifyRequest, query: Query, ctx: RequestContext): DeleteOptions {
    const body = decodeObjectBody(req.headers['content-type'], req.body as Buffer | undefined) as DeleteOptions | undefined;
    const opts: DeleteOptions = body && typeof body === 'object' ? { ...body } : {};
    const grace = qInt(query, 'gracePeriodSeconds');
    if (grace !== undefined) opts.gracePeriodSeconds = grace;
    const policy = q(query, 'propagationPolicy');
    if (policy) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
    if (opts.dryRun?.includes('All')) ctx.dryRun = true;
    if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw new StatusError(
        badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`).status,
      );
    }
    return opts;
  }
}
