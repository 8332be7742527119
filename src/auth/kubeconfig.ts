/**
 * kubeconfig files for kubectl and client libraries: one cluster, one user and one context,
 * all named `kubelevel` unless told otherwise.
 */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** API server URL, e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** CA that signed the serving certificate; omit only for an `http://` server. */
  readonly caPem?: string;
  /** Bearer token; kubectl sends it only over https. */
  readonly token?: string;
  /** Client certificate and key (both or neither): CN = user, O = groups. */
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
  /** Name of the cluster, user and context; defaults to `kubelevel`. */
  readonly name?: string;
}

const DEFAULT_NAME = 'kubelevel';

/** Renders a kubeconfig (YAML) with embedded, base64-encoded credentials. Throws on half a client cert. */
export function renderKubeconfig(opts: KubeconfigOptions): string {
  if ((opts.clientCertPem === undefined) !== (opts.clientKeyPem === undefined)) {
    throw new Error('clientCertPem and clientKeyPem must be given together');
  }
  const name = opts.name ?? DEFAULT_NAME;
  const cluster: Record<string, string> = { server: opts.server };
  if (opts.caPem !== undefined) cluster['certificate-authority-data'] = base64(opts.caPem);
  const user: Record<string, string> = {};
  if (opts.token !== undefined) user['token'] = opts.token;
  if (opts.clientCertPem !== undefined && opts.clientKeyPem !== undefined) {
    user['client-certificate-data'] = base64(opts.clientCertPem);
    user['client-key-data'] = base64(opts.clientKeyPem);
  }
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
    users: [{ name, user }],
  };
  // long base64 values must stay on one line for readers that split naively
  return stringify(doc, { lineWidth: 0 });
}

/** Renders and writes a kubeconfig with mode 0600 (it holds credentials), replacing any existing file atomically. */
export async function writeKubeconfig(path: string, opts: KubeconfigOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, renderKubeconfig(opts), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
