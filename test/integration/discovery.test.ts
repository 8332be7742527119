/** Discovery (legacy and aggregated), OpenAPI documents, authentication paths and the patch types over HTTPS. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import supertest from 'supertest';
import { startServer, type TestServer } from '../helpers/server.js';
import { issueClientCertificate } from '../../src/auth/pki.js';

let srv: TestServer;
let tokenDir: string;
before(async () => {
  tokenDir = mkdtempSync(join(tmpdir(), 'kubelevel-tokens-'));
  writeFileSync(join(tokenDir, 'tokens.csv'), 'alice-token,alice,1001,"dev,ops"\n');
  srv = await startServer({ flags: ['--token-auth-file', join(tokenDir, 'tokens.csv')] });
});
after(async () => {
  await srv.close();
  rmSync(tokenDir, { recursive: true, force: true });
});

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

test('legacy discovery: /api, /apis, /api/v1, /apis/<group>/<version>', async () => {
  const api = await srv.req('get', '/api').set('Accept', 'application/json');
  assert.equal(api.body.kind, 'APIVersions');
  assert.deepEqual(api.body.versions, ['v1']);
  const apis = await srv.req('get', '/apis');
  assert.equal(apis.body.kind, 'APIGroupList');
  const disc = apis.body.groups.find((g: any) => g.name === 'discovery.k8s.io');
  assert.deepEqual(disc.preferredVersion, { groupVersion: 'discovery.k8s.io/v1', version: 'v1' });
  const v1 = await srv.req('get', '/api/v1');
  assert.equal(v1.body.kind, 'APIResourceList');
  assert.equal(v1.body.groupVersion, 'v1');
  const pods = v1.body.resources.find((r: any) => r.name === 'pods');
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  assert.equal(pods.namespaced, true);
  assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  assert.ok(v1.body.resources.some((r: any) => r.name === 'pods/status'));
  assert.ok(v1.body.resources.some((r: any) => r.name === 'pods/binding'));
  const ns = v1.body.resources.find((r: any) => r.name === 'namespaces');
  assert.equal(ns.namespaced, false);
  assert.ok(!ns.verbs.includes('deletecollection'));
  const short = Object.fromEntries(v1.body.resources.filter((r: any) => r.shortNames).map((r: any) => [r.name, r.shortNames[0]]));
  assert.deepEqual({ pods: short.pods, services: short.services, endpoints: short.endpoints, namespaces: short.namespaces, nodes: short.nodes, events: short.events }, {
    pods: 'po', services: 'svc', endpoints: 'ep', namespaces: 'ns', nodes: 'no', events: 'ev',
  });
  const slices = await srv.req('get', '/apis/discovery.k8s.io/v1');
  assert.equal(slices.body.resources[0].name, 'endpointslices');
  const group = await srv.req('get', '/apis/discovery.k8s.io');
  assert.equal(group.body.kind, 'APIGroup');
  assert.equal((await srv.req('get', '/apis/nope.example.com/v1')).status, 404);
});

test('aggregated discovery only when asked for, with the exact content type', async () => {
  const v2 = await srv.req('get', '/api').set('Accept', `${V2},application/json`);
  assert.equal(v2.headers['content-type'], V2);
  assert.match(String(v2.headers.vary), /Accept/);
  const body = JSON.parse(v2.text);
  assert.equal(body.kind, 'APIGroupDiscoveryList');
  assert.equal(body.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.equal(body.items.length, 1);
  assert.equal(body.items[0].metadata.name, undefined);
  const svc = body.items[0].versions[0].resources.find((r: any) => r.resource === 'services');
  assert.deepEqual(svc.responseKind, { group: '', version: 'v1', kind: 'Service' });
  assert.equal(svc.scope, 'Namespaced');
  assert.deepEqual(svc.subresources.map((s: any) => s.subresource), ['status']);
  const beta = await srv.req('get', '/apis').set('Accept', `${V2BETA1},application/json`);
  assert.equal(beta.headers['content-type'], V2BETA1);
  const groups = JSON.parse(beta.text).items.map((i: any) => i.metadata.name);
  assert.ok(groups.includes('discovery.k8s.io'));
  const legacy = await srv.req('get', '/apis').set('Accept', 'application/json');
  assert.equal(legacy.body.kind, 'APIGroupList', 'a client that did not ask for v2 never gets it');
});

test('OpenAPI v3 index and documents with ETag; v2 as protobuf with a Go-parseable content type', async () => {
  const index = await srv.req('get', '/openapi/v3');
  const url = index.body.paths['api/v1'].serverRelativeURL as string;
  assert.match(url, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
  const doc = await srv.req('get', url);
  assert.equal(doc.status, 200);
  const patch = doc.body.paths['/api/v1/namespaces/{namespace}/services/{name}'].patch;
  assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation'));
  const etag = doc.headers.etag as string;
  const again = await srv.req('get', url).set('If-None-Match', etag);
  assert.equal(again.status, 304);
  const v2 = await srv.req('get', '/openapi/v2').set('Accept', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
  assert.equal(v2.status, 200);
  assert.equal(v2.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
});

test('token-auth-file users and client certificates are authenticated; whoami reports them', async () => {
  const whoami = (r: supertest.Test) =>
    r.set('Content-Type', 'application/json').send({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} });
  const alice = await whoami(supertest(srv.url).post('/apis/authentication.k8s.io/v1/selfsubjectreviews').ca(srv.ca).set('Authorization', 'Bearer alice-token'));
  assert.equal(alice.status, 201);
  assert.equal(alice.body.status.userInfo.username, 'alice');
  assert.deepEqual(alice.body.status.userInfo.groups, ['dev', 'ops', 'system:authenticated']);
  const cert = issueClientCertificate(srv.app.pki, { commonName: 'bob', organizations: ['qa'] });
  const bob = await new Promise<any>((resolve, reject) => {
    const req = https.request(
      `${srv.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
      { method: 'POST', ca: srv.ca, cert: cert.certPem, key: cert.keyPem, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(data) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} }));
  });
  assert.equal(bob.status, 201);
  assert.equal(bob.body.status.userInfo.username, 'bob');
  assert.ok(bob.body.status.userInfo.groups.includes('qa'));
  const can = await srv.req('post', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').send({
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'create', resource: 'pods' } },
  });
  assert.equal(can.status, 201);
  assert.equal(can.body.status.allowed, true);
  const list = await srv.req('get', '/apis/authentication.k8s.io/v1/selfsubjectreviews');
  assert.equal(list.status, 405);
  assert.equal(list.body.reason, 'MethodNotAllowed');
});

test('patch types: strategic merge by merge key, JSON merge, JSON patch, and their errors', async () => {
  await srv.req('post', '/api/v1/namespaces/default/services').send({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'pt' },
    spec: { selector: { app: 'pt' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }] },
  });
  const smp = await srv
    .req('patch', '/api/v1/namespaces/default/services/pt')
    .set('Content-Type', 'application/strategic-merge-patch+json')
    .send({ spec: { ports: [{ port: 80, targetPort: 9090 }] } });
  assert.equal(smp.status, 200);
  assert.deepEqual(smp.body.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]), [['http', 80, 9090], ['dns', 53, 53]]);
  const merge = await srv
    .req('patch', '/api/v1/namespaces/default/services/pt')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ spec: { ports: [{ name: 'only', port: 81 }] } });
  assert.deepEqual(merge.body.spec.ports.map((p: any) => p.port), [81], 'merge patch replaces lists');
  const json = await srv
    .req('patch', '/api/v1/namespaces/default/services/pt')
    .set('Content-Type', 'application/json-patch+json')
    .send([{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }]);
  assert.equal(json.body.metadata.labels.a, 'b');
  const failedTest = await srv
    .req('patch', '/api/v1/namespaces/default/services/pt')
    .set('Content-Type', 'application/json-patch+json')
    .send([{ op: 'test', path: '/metadata/labels/a', value: 'zzz' }]);
  assert.equal(failedTest.status, 422);
  const staleRV = await srv
    .req('patch', '/api/v1/namespaces/default/services/pt')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ metadata: { resourceVersion: '1', labels: { c: 'd' } } });
  assert.equal(staleRV.status, 409, 'a resourceVersion in the patch is a precondition');
  const noop = await srv
    .req('patch', '/api/v1/namespaces/default/services/pt')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ metadata: { labels: { a: 'b' } } });
  assert.equal(noop.body.metadata.resourceVersion, json.body.metadata.resourceVersion, 'a no-op patch keeps the resourceVersion');
  const status = await srv
    .req('patch', '/api/v1/namespaces/default/services/pt/status')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }, spec: { type: 'NodePort' } });
  assert.equal(status.status, 200);
  assert.equal(status.body.status.loadBalancer.ingress[0].ip, '1.2.3.4');
  assert.equal(status.body.spec.type, 'ClusterIP', 'a status patch cannot change the spec');
  const missing = await srv.req('patch', '/api/v1/namespaces/default/services/nope').set('Content-Type', 'application/merge-patch+json').send({});
  assert.equal(missing.status, 404);
});
