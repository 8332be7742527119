import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderKubeconfig, writeKubeconfig } from './kubeconfig.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfakeCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfakeClient\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIBfakeKey\n-----END RSA PRIVATE KEY-----\n';

interface Kubeconfig {
  apiVersion: string;
  kind: string;
  'current-context': string;
  clusters: { name: string; cluster: Record<string, string> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  users: { name: string; user: Record<string, string> }[];
}

const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');

test('token kubeconfig: one cluster, context and user named kubelevel', () => {
  const cfg = parse(renderKubeconfig({ server: 'https://127.0.0.1:6443', caPem: CA, token: 's3cr3t' })) as Kubeconfig;
  assert.equal(cfg.apiVersion, 'v1');
  assert.equal(cfg.kind, 'Config');
  assert.equal(cfg['current-context'], 'kubelevel');
  assert.deepEqual(cfg.clusters.map((c) => c.name), ['kubelevel']);
  assert.equal(cfg.clusters[0]!.cluster['server'], 'https://127.0.0.1:6443');
  assert.equal(decode(cfg.clusters[0]!.cluster['certificate-authority-data']), CA);
  assert.deepEqual(cfg.contexts, [{ name: 'kubelevel', context: { cluster: 'kubelevel', user: 'kubelevel' } }]);
  assert.deepEqual(cfg.users, [{ name: 'kubelevel', user: { token: 's3cr3t' } }]);
});

test('client-certificate kubeconfig embeds base64 cert and key on single lines', () => {
  const text = renderKubeconfig({ server: 'https://localhost:6443', caPem: CA, clientCertPem: CERT, clientKeyPem: KEY, name: 'dev' });
  const cfg = parse(text) as Kubeconfig;
  assert.equal(cfg['current-context'], 'dev');
  const user = cfg.users[0]!.user;
  assert.equal(decode(user['client-certificate-data']), CERT);
  assert.equal(decode(user['client-key-data']), KEY);
  assert.equal(user['token'], undefined);
  assert.match(text, /^ {6}client-key-data: [A-Za-z0-9+/=]+$/m);
});

test('an http server kubeconfig has no CA; half a client certificate is an error', () => {
  const cfg = parse(renderKubeconfig({ server: 'http://127.0.0.1:8080' })) as Kubeconfig;
  assert.deepEqual(cfg.clusters[0]!.cluster, { server: 'http://127.0.0.1:8080' });
  assert.deepEqual(cfg.users[0]!.user, {});
  assert.throws(() => renderKubeconfig({ server: 'https://x', caPem: CA, clientCertPem: CERT }), /must be given together/);
});

test('writeKubeconfig writes the rendered file with mode 0600, creating the directory', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelevel-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'nested', 'kubeconfig');
  const opts = { server: 'https://127.0.0.1:6443', caPem: CA, token: 't' };
  await writeKubeconfig(path, opts);
  assert.equal(await readFile(path, 'utf8'), renderKubeconfig(opts));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  await writeKubeconfig(path, { ...opts, token: 'u' });
  assert.equal((parse(await readFile(path, 'utf8')) as Kubeconfig).users[0]!.user['token'], 'u');
});
