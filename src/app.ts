/**
 * Composition root: wires logger, PKI, storage, allocators, registry, controllers and the HTTPS
 * server from a Config. The only place that knows every part.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { ensurePki, type Pki } from './auth/pki.js';
import { createAuthenticator, tlsServerOptions } from './auth/authn.js';
import { writeKubeconfig } from './auth/kubeconfig.js';
import { openLevelStore } from './storage/leveldb/level-store.js';
import { decodeStoredObject } from './registry/stored-objects.js';
import type { Store } from './storage/storage.js';
import { IPAllocator } from './allocators/ip-allocator.js';
import { PortAllocator } from './allocators/port-allocator.js';
import { Registry } from './registry/registry.js';
import { defaultClock, type RegistryClock } from './registry/object-meta.js';
import { servedResources } from './resources/index.js';
import { markAllocated, type ServiceAllocators } from './resources/service-allocation.js';
import type { Service } from './resources/service-types.js';
import { buildServer } from './server/server.js';
import { bootstrap } from './controllers/bootstrap.js';
import { buildControllers } from './controllers/index.js';
import { ControllerManager } from './controllers/runtime/manager.js';
import { InformerFactory } from './controllers/runtime/informer-factory.js';
import { Client } from './client/client.js';
import { loadSchemas, schemaChecks } from './registry/schema.js';
import type { SchemaChecks } from './registry/schema-checks.js';
import type { KObject } from './apimachinery/meta.js';
import { OpenAPIDocuments } from './server/openapi.js';
import { servedResourceOf } from './server/discovery.js';
import { VERSION_INFO } from './version.js';

export interface AppOptions {
  logger?: Logger;
  clock?: RegistryClock;
  /** How often idle watches with allowWatchBookmarks get a BOOKMARK (tests shorten it). */
  bookmarkIntervalMs?: number;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly store: Store;
  readonly server: FastifyInstance;
  readonly pki: Pki;
  /** https://host:port the server listens on. */
  readonly url: string;
  readonly kubeconfigPath: string;
  close(): Promise<void>;
}

function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

export async function buildApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const logger = opts.logger ?? pino({ level: config.logLevel });
  const clock = opts.clock ?? defaultClock();
  await mkdir(config.dataDir, { recursive: true });

  const ipAllocators = config.serviceClusterIPRanges.map((cidr) => new IPAllocator(cidr));
  const serviceIP = ipAllocators[0]!.firstAddress();
  const advertise = config.advertiseAddress ?? (config.bindAddress === '0.0.0.0' || config.bindAddress === '::' ? '127.0.0.1' : config.bindAddress);
  const pki = await ensurePki(config.dataDir, {
    ips: [serviceIP, advertise],
    hosts: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
  });

  const store = await openLevelStore({ path: join(config.dataDir, 'db'), logger: logger.child({ component: 'storage' }), decode: decodeStoredObject });
  const allocators: ServiceAllocators = { ips: ipAllocators, nodePorts: new PortAllocator(config.serviceNodePortRange) };
  const schemas = loadSchemas();
  const schema = schemaChecks(schemas);
  const registry = new Registry(servedResources({ allocators }), { store, clock, schema });

  // repair: rebuild the allocators from the stored Services before anything allocates
  const services = await registry.resource('', 'services').list(undefined);
  const report = markAllocated(services.list.items as Service[], allocators);
  if (report.duplicates.length > 0 || report.outOfRange.length > 0) {
    logger.warn({ duplicates: report.duplicates, outOfRange: report.outOfRange }, 'service allocations need attention');
  }

  const tls = tlsServerOptions(
    {
      caPem: pki.caPem,
      certPem: config.tlsCertFile ? await readFile(config.tlsCertFile, 'utf8') : pki.certPem,
      keyPem: config.tlsPrivateKeyFile ? await readFile(config.tlsPrivateKeyFile, 'utf8') : pki.keyPem,
    },
    config.clientCAFile ? { clientCaPem: await readFile(config.clientCAFile, 'utf8') } : {},
  );
  const authenticator = createAuthenticator({
    adminToken: pki.adminToken,
    ...(config.tokenAuthFile ? { tokenFile: config.tokenAuthFile } : {}),
  });
  const { app: server } = await buildServer({
    registry,
    logger,
    authenticator,
    version: VERSION_INFO,
    serverAddress: `${urlHost(advertise)}:${config.securePort}`,
    https: tls as unknown as Record<string, unknown>,
    openapi: new OpenAPIDocuments(registry.resources().map((r) => servedResourceOf(r.def)), schemas),
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
  });

  await server.listen({ host: config.bindAddress, port: config.securePort });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.securePort;
  const url = `https://${urlHost(advertise)}:${port}`;

  await bootstrap(registry, { serviceIP, endpointIP: advertise, endpointPort: port }, logger.child({ component: 'bootstrap' }));

  const kubeconfigPath = join(config.dataDir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, { server: url, caPem: pki.caPem, token: pki.adminToken });
  logger.info({ url, kubeconfig: kubeconfigPath }, 'kubelevel is serving');
  warmUpSchemaChecks(registry, schema);

  const informers = new InformerFactory(registry, logger.child({ component: 'informer' }));
  const controllers = new ControllerManager(
    buildControllers({ registry, client: new Client(registry), informers, logger, config, now: () => clock.now() }),
    informers,
    logger.child({ component: 'controller-manager' }),
  );
  // the API is ready before the controllers' first list completes (as kube-apiserver does not wait for
  // kube-controller-manager); each controller waits for its own informers before acting
  controllers.start().catch((err) => logger.error({ err }, 'controllers failed to start'));

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    registry,
    store,
    server,
    pki,
    url,
    kubeconfigPath,
    close() {
      closing ??= (async () => {
        await server.close();
        await controllers.stop();
        await store.close();
      })();
      return closing;
    },
  };
}

/**
 * Compiles every kind's schema checks in the background, one kind per event-loop turn, so that the
 * first write of a kind does not pay for it (compiling a kind's validator takes tens of ms).
 */
function warmUpSchemaChecks(registry: Registry, schema: SchemaChecks): void {
  const stores = registry.resources();
  const next = (i: number): void => {
    const rs = stores[i];
    if (rs === undefined) return;
    const probe = { apiVersion: rs.apiVersion, kind: rs.def.kind, metadata: {} } as KObject;
    schema.decodeError(probe, rs.def);
    schema.unknownFields(probe, rs.def);
    schema.patchMeta(rs.def);
    setImmediate(next, i + 1).unref();
  };
  setImmediate(next, 0).unref();
}
