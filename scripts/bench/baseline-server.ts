/**
 * The request-path baseline: a bare Fastify HTTPS server with kubelevel's own certificate,
 * answering fixed paths with bytes held in memory (no authn, no registry, no serialization).
 * Forked by run.ts; receives its routes over IPC and replies with the port it listens on.
 */
import Fastify from 'fastify';

export interface BaselineSetup {
  certPem: string;
  keyPem: string;
  /** path → response body (JSON text) */
  routes: Record<string, string>;
}

process.once('message', (setup: BaselineSetup) => {
  const app = Fastify({ https: { cert: setup.certPem, key: setup.keyPem }, logger: false });
  for (const [path, body] of Object.entries(setup.routes)) {
    const bytes = Buffer.from(body);
    app.get(path, (_req, reply) => {
      void reply.type('application/json').send(bytes);
    });
  }
  app.listen({ host: '127.0.0.1', port: 0 }).then(
    () => {
      const addr = app.server.address();
      process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
    },
    (err: unknown) => {
      process.stderr.write(`baseline server failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
});
