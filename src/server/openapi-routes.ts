/** /openapi/v2 (protobuf, as kubectl reads it) and /openapi/v3 (index + one document per group-version). */
import type { FastifyInstance } from 'fastify';
import { sendStatus } from './status-errors.js';
import { notFound } from '../apimachinery/status.js';

export interface OpenAPIServer {
  v3Index(): object;
  /** `api/v1`, `apis/discovery.k8s.io/v1` → the document and its ETag. */
  v3Document(groupVersionPath: string): { body: string; etag: string } | undefined;
  v2Protobuf(): Buffer;
}

// Go's mime parser must accept it: no '@' in the subtype (kubectl would fail to parse it)
const V2_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export function installOpenAPIRoutes(app: FastifyInstance, api: OpenAPIServer): void {
  const v2 = async (_req: unknown, reply: import('fastify').FastifyReply) => reply.type(V2_CONTENT_TYPE).send(api.v2Protobuf());
  app.get('/openapi/v2', v2);
  app.get('/swagger-2.0.0.pb-v1', v2);
  app.get('/openapi/v3', async (_req, reply) => reply.type('application/json').send(JSON.stringify(api.v3Index())));
  app.get('/openapi/v3/*', async (req, reply) => {
    const path = req.url.split('?')[0]!.slice('/openapi/v3/'.length);
    const doc = api.v3Document(path);
    if (!doc) return sendStatus(reply, notFound({ group: '', resource: '' }, '').status);
    reply.header('ETag', `"${doc.etag}"`);
    reply.header('Cache-Control', 'public, immutable');
    if (req.headers['if-none-match'] === `"${doc.etag}"`) return reply.code(304).send();
    return reply.type('application/json').send(doc.body);
  });
}
