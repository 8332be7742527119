/** The only place where errors become HTTP responses: every failure is a metav1.Status. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, failure, internal, StatusError, tooLarge, unsupportedMediaType } from '../apimachinery/status.js';
import type { Status } from '../apimachinery/status.js';

/** Framework errors (body limit, bad content type…) rewritten as kube would answer them. */
function fromFramework(err: FastifyError): StatusError {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType('', ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest(err.message);
    default:
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return new StatusError(failure(err.statusCode, err.statusCode === 404 ? 'NotFound' : 'BadRequest', err.message));
      }
      return internal(err);
  }
}

export function sendStatus(reply: FastifyReply, status: Status, headers: Record<string, string> = {}): FastifyReply {
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(status.code).type('application/json').send(JSON.stringify(status));
}

export function installStatusErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const se = err instanceof StatusError ? err : fromFramework(err as FastifyError);
    if (se.code >= 500) req.log.error({ err }, 'request failed');
    return sendStatus(reply, se.status, se.headers);
  });
  app.setNotFoundHandler((_req, reply) => {
    return sendStatus(reply, failure(404, 'NotFound', 'the server could not find the requested resource', {}));
  });
}
