/** Request bodies: raw bytes in, a decoded object out, by Content-Type (JSON, YAML, protobuf). */
import { parse as parseYaml } from 'yaml';
import { badRequest, unsupportedMediaType } from '../apimachinery/status.js';
import { decodeKubernetesProtobuf } from '../apimachinery/protobuf.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Decodes an object body (create, update, delete options). Empty body → undefined. The result is
 * a fresh JSON value the caller owns (YAML and protobuf decodings are made JSON values too).
 */
export function decodeObjectBody(contentType: string | undefined, raw: Buffer | undefined): unknown {
  if (!raw || raw.length === 0) return undefined;
  const media = mediaTypeOf(contentType);
  if (media === 'application/json' || media === '') {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
    }
  }
  if (media === 'application/yaml') {
    let doc: unknown;
    try {
      doc = parseYaml(raw.toString('utf8'));
    } catch (err) {
      throw badRequest(`couldn't get version/kind; yaml parse error: ${(err as Error).message}`);
    }
    return asJSON(doc);
  }
  if (media === 'application/vnd.kubernetes.protobuf') return asJSON(decodeKubernetesProtobuf(raw));
  throw unsupportedMediaType(media, OBJECT_MEDIA_TYPES);
}

/** The value as JSON has it (no undefined, NaN or class instances). */
function asJSON(v: unknown): unknown {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}
