/**
 * The Fastify application: TLS, authentication, body handling, discovery, OpenAPI, version and
 * health endpoints, and the one resource handler behind /api and /apis.
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { Logger } from 'pino';
import type { Authenticator, UserInfo } from '../auth/authn.js';
import { unauthorized, notFound } from '../apimachinery/status.js';
import type { Registry } from '../registry/registry.js';
import { MAX_BODY_BYTES } from './body.js';
import { q, qBool, qInt, type Query } from './query.js';
import { installStatusErrors, sendStatus } from './status-errors.js';
import { parseRequestInfo } from './request-info.js';
import { ResourceHandler } from './resource-handler.js';
import { WatchStreams } from './watch-stream.js';
import { Discovery } from './discovery.js';
import { discoveryContentType, discoveryFormat, wantsTable } from './negotiation.js';
import type { OpenAPIServer } from './openapi-routes.js';
import { installOpenAPIRoutes } from './openapi-routes.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface ServerDeps {
  registry: Registry;
  logger: Logger;
  authenticator: Authenticator;
  version: VersionInfo;
  /** host:port advertised in /api's serverAddressByClientCIDRs. */
  serverAddress: string;
  /** Node https options; absent = plain HTTP (tests). */
  https?: Record<string, unknown>;
  openapi?: OpenAPIServer;
  bookmarkIntervalMs?: number;
  /** Extra routes (SelfSubjectReview…) installed on the same app. */
  extraRoutes?: (app: FastifyInstance) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: UserInfo;
  }
}

// paths served without credentials, as kube's system:public-info-viewer role allows
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export interface BuiltServer {
  app: FastifyInstance;
  watches: WatchStreams;
}

export async function buildServer(deps: ServerDeps): Promise<BuiltServer> {
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
    // watches live for up to an hour: no framework timeout may cut them
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: 72_000,
    bodyLimit: MAX_BODY_BYTES,
    ...(deps.https ? { https: deps.https } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  installStatusErrors(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
  await app.register(websocket);

  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?')[0]!;
    if (PUBLIC_PATHS.has(path) || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) return;
    const user = deps.authenticator.authenticate({ headers: req.headers, socket: req.raw.socket });
    if (!user) throw unauthorized();
    req.user = user;
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url, code: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const watches = new WatchStreams(deps.registry, {
    logger: deps.logger.child({ component: 'watch' }),
    bookmarkIntervalMs: deps.bookmarkIntervalMs,
    now: () => deps.registry.clock.now(),
    // as kube-apiserver: a watch without timeoutSeconds ends after a random 30–60 minutes
    defaultTimeoutSeconds: () => 1800 + Math.floor(Math.random() * 1800),
  });
  const handler = new ResourceHandler({ registry: deps.registry, watches });
  const discovery = new Discovery(deps.registry.resources().map((r) => r.def));

  app.get('/version', async (_req, reply) => reply.type('application/json').send(JSON.stringify(deps.version, null, 2)));
  for (const p of ['/healthz', '/livez', '/readyz']) {
    app.get(p, async (_req, reply) => reply.type('text/plain').send('ok'));
    app.get(`${p}/*`, async (_req, reply) => reply.type('text/plain').send('ok'));
  }

  const sendDiscovery = (req: FastifyRequest, reply: FastifyReply, core: boolean, legacy: () => object) => {
    reply.header('Vary', 'Accept');
    const format = discoveryFormat(req.headers.accept);
    if (format === 'legacy') return reply.type('application/json').send(JSON.stringify(legacy()));
    // a Buffer keeps Fastify from re-quoting the media type parameters
    return reply.header('Content-Type', discoveryContentType(format)).send(Buffer.from(JSON.stringify(discovery.aggregated(core, format))));
  };
  app.get('/api', async (req, reply) => sendDiscovery(req, reply, true, () => discovery.apiVersions(deps.serverAddress)));
  app.get('/apis', async (req, reply) => sendDiscovery(req, reply, false, () => discovery.apiGroupList()));

  const resourceRoute = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = req.url.split('?')[0]!;
    const info = parseRequestInfo(path);
    if (!info) {
      const parts = path.split('/').filter(Boolean);
      if (req.method === 'GET') {
        let doc: object | undefined;
        if (parts[0] === 'api' && parts.length === 2) doc = discovery.apiResourceList('', parts[1]!);
        else if (parts[0] === 'apis' && parts.length === 2) doc = discovery.apiGroup(parts[1]!);
        else if (parts[0] === 'apis' && parts.length === 3) doc = discovery.apiResourceList(parts[1]!, parts[2]!);
        if (doc) return reply.type('application/json').send(JSON.stringify(doc));
      }
      return sendStatus(reply, notFound({ group: '', resource: '' }, '').status);
    }
    return handler.handle(req, reply, info, req.user as UserInfo);
  };
  for (const prefix of ['/api/*', '/apis/*']) {
    app.route({
      method: ['GET'],
      url: prefix,
      handler: resourceRoute,
      wsHandler: (socket, req) => {
        const info = parseRequestInfo(req.url.split('?')[0]!);
        const rs = info && deps.registry.lookup(info.group, info.version, info.resource);
        if (!info || !rs) {
          socket.close();
          return;
        }
        const query = req.query as Query;
        let fieldSelector = q(query, 'fieldSelector');
        if (info.name) fieldSelector = fieldSelector ? `${fieldSelector},metadata.name=${info.name}` : `metadata.name=${info.name}`;
        watches.serveWebSocket(socket, rs, rs.def.namespaced ? info.namespace : undefined, {
          labelSelector: q(query, 'labelSelector'),
          fieldSelector,
          resourceVersion: q(query, 'resourceVersion'),
          allowWatchBookmarks: qBool(query, 'allowWatchBookmarks'),
          timeoutSeconds: qInt(query, 'timeoutSeconds'),
          table: wantsTable(req.headers.accept),
          includeObject: 'Metadata',
        });
      },
    });
    app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url: prefix, handler: resourceRoute });
  }
  if (deps.openapi) installOpenAPIRoutes(app, deps.openapi);
  deps.extraRoutes?.(app);

  // before the listener closes: open watches would otherwise keep it waiting
  app.addHook('preClose', async () => watches.closeAll());
  return { app, watches };
}
