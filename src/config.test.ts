import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isControllerEnabled, KNOWN_CONTROLLERS, parseFlags } from './config.js';
import type { Config } from './config.js';

function configOf(argv: string[]): Config {
  const res = parseFlags(argv);
  if (!('config' in res)) throw new Error('expected a config, got help');
  return res.config;
}

test('defaults', () => {
  assert.deepEqual(configOf([]), {
    securePort: 6443,
    bindAddress: '127.0.0.1',
    dataDir: './data',
    serviceClusterIPRanges: ['10.96.0.0/12'],
    serviceNodePortRange: { base: 30000, size: 2768 },
    clusterCIDRs: ['10.244.0.0/16'],
    loadBalancerIPRange: { first: '172.18.255.200', last: '172.18.255.250', family: 'ipv4' },
    nodes: 1,
    controllers: ['*'],
    logLevel: 'info',
  });
  assert.ok(Object.isFrozen(configOf([])));
});

const FLAG_CASES: { flag: string; value: string; expect: Partial<Config> }[] = [
  { flag: '--secure-port', value: '8443', expect: { securePort: 8443 } },
  { flag: '--secure-port', value: '0', expect: { securePort: 0 } },
  { flag: '--bind-address', value: '0.0.0.0', expect: { bindAddress: '0.0.0.0' } },
  { flag: '--bind-address', value: '0:0::0', expect: { bindAddress: '::' } },
  { flag: '--advertise-address', value: '192.168.1.10', expect: { advertiseAddress: '192.168.1.10' } },
  { flag: '--data-dir', value: '/var/lib/kubelevel', expect: { dataDir: '/var/lib/kubelevel' } },
  { flag: '--service-cluster-ip-range', value: '10.0.0.0/16', expect: { serviceClusterIPRanges: ['10.0.0.0/16'] } },
  { flag: '--service-cluster-ip-range', value: '10.0.0.7/24', expect: { serviceClusterIPRanges: ['10.0.0.0/24'] } },
  {
    flag: '--service-cluster-ip-range', value: '10.96.0.0/16,FD00:0::/108',
    expect: { serviceClusterIPRanges: ['10.96.0.0/16', 'fd00::/108'] },
  },
  { flag: '--service-cluster-ip-range', value: 'fd00::/112, 10.96.0.0/16', expect: { serviceClusterIPRanges: ['fd00::/112', '10.96.0.0/16'] } },
  { flag: '--service-node-port-range', value: '20000-20099', expect: { serviceNodePortRange: { base: 20000, size: 100 } } },
  { flag: '--service-node-port-range', value: '30000+2767', expect: { serviceNodePortRange: { base: 30000, size: 2768 } } },
  { flag: '--service-node-port-range', value: '31000', expect: { serviceNodePortRange: { base: 31000, size: 1 } } },
  { flag: '--cluster-cidr', value: '10.1.0.0/16,fd10::/56', expect: { clusterCIDRs: ['10.1.0.0/16', 'fd10::/56'] } },
  {
    flag: '--load-balancer-ip-range', value: '192.168.50.0/24',
    expect: { loadBalancerIPRange: { first: '192.168.50.1', last: '192.168.50.254', family: 'ipv4' } },
  },
  {
    flag: '--load-balancer-ip-range', value: 'fd00:1::10-fd00:1::20',
    expect: { loadBalancerIPRange: { first: 'fd00:1::10', last: 'fd00:1::20', family: 'ipv6' } },
  },
  { flag: '--load-balancer-ip-range', value: '', expect: { loadBalancerIPRange: undefined } },
  { flag: '--nodes', value: '3', expect: { nodes: 3 } },
  { flag: '--nodes', value: '0', expect: { nodes: 0 } },
  { flag: '--token-auth-file', value: '/etc/tokens.csv', expect: { tokenAuthFile: '/etc/tokens.csv' } },
  { flag: '--client-ca-file', value: '/etc/ca.crt', expect: { clientCAFile: '/etc/ca.crt' } },
  { flag: '--controllers', value: '*,-endpointslice-controller', expect: { controllers: ['*', '-endpointslice-controller'] } },
  { flag: '--controllers', value: 'endpoint, -endpointslice,*', expect: { controllers: ['endpoints-controller', '-endpointslice-controller', '*'] } },
  {
    flag: '--controllers', value: 'namespace,service,endpointslicemirroring',
    expect: { controllers: ['namespace-controller', 'service-lb-controller', 'endpointslice-mirroring-controller'] },
  },
  { flag: '--controllers', value: '', expect: { controllers: [] } },
  { flag: '--v', value: '1', expect: { logLevel: 'info' } },
  { flag: '--v', value: '2', expect: { logLevel: 'debug' } },
  { flag: '-v', value: '4', expect: { logLevel: 'debug' } },
  { flag: '-v', value: '5', expect: { logLevel: 'trace' } },
  { flag: '-v', value: '10', expect: { logLevel: 'trace' } },
  { flag: '--log-level', value: 'WARN', expect: { logLevel: 'warn' } },
  { flag: '--log-level', value: 'silent', expect: { logLevel: 'silent' } },
];

for (const { flag, value, expect } of FLAG_CASES) {
  for (const [syntax, argv] of [['=', [`${flag}=${value}`]], ['space', [flag, value]]] as const) {
    test(`${flag} ${JSON.stringify(value)} (${syntax} syntax)`, () => {
      const config = configOf([...argv]);
      for (const [key, want] of Object.entries(expect)) {
        assert.deepEqual(config[key as keyof Config], want, key);
      }
    });
  }
}

test('tls cert and key files are taken together', () => {
  const config = configOf(['--tls-cert-file', '/a.crt', '--tls-private-key-file=/a.key']);
  assert.equal(config.tlsCertFile, '/a.crt');
  assert.equal(config.tlsPrivateKeyFile, '/a.key');
});

test('-v with attached value, repeated flags (last wins) and --log-level overriding -v', () => {
  assert.equal(configOf(['-v3']).logLevel, 'debug');
  assert.equal(configOf(['--nodes=2', '--nodes', '5']).nodes, 5);
  assert.equal(configOf(['-v=6', '--log-level=error']).logLevel, 'error');
});

test('--controllers: the first entry naming a controller decides; * covers the rest; a repeated flag appends', () => {
  const enabled = (argv: string[]) => KNOWN_CONTROLLERS.filter((n) => isControllerEnabled(configOf(argv).controllers, n));
  assert.deepEqual(enabled([]), [...KNOWN_CONTROLLERS]);
  assert.deepEqual(enabled(['--controllers=*,-endpoints-controller,-endpointslice']), [
    'namespace-controller', 'service-lb-controller', 'endpointslice-mirroring-controller',
  ]);
  // no * = only those listed, as kube-controller-manager
  assert.deepEqual(enabled(['--controllers=endpoints-controller']), ['endpoints-controller']);
  assert.deepEqual(enabled(['--controllers=']), []);
  assert.deepEqual(enabled(['--controllers=-namespace,namespace,*']), [
    'service-lb-controller', 'endpoints-controller', 'endpointslice-controller', 'endpointslice-mirroring-controller',
  ]);
  assert.deepEqual(configOf(['--controllers=*', '--controllers', '-service']).controllers, ['*', '-service-lb-controller']);
  assert.deepEqual(enabled(['--controllers=', '--controllers=namespace']), ['namespace-controller']);
});

const BAD_CASES: { argv: string[]; message: RegExp }[] = [
  { argv: ['--secure-port=https'], message: /--secure-port/ },
  { argv: ['--secure-port=70000'], message: /--secure-port: must be between 0 and 65535/ },
  { argv: ['--bind-address=localhost'], message: /--bind-address: must be an IP address/ },
  { argv: ['--bind-address=10.1'], message: /--bind-address/ },
  { argv: ['--advertise-address=0.0.0.0'], message: /--advertise-address: must not be an unspecified/ },
  { argv: ['--service-cluster-ip-range=10.96.0.0'], message: /--service-cluster-ip-range: must be a CIDR/ },
  { argv: ['--service-cluster-ip-range=10.96.0.0/33'], message: /--service-cluster-ip-range/ },
  { argv: ['--service-cluster-ip-range=10.0.0.0/8'], message: /too large; for 32-bit addresses, the mask must be >= 12/ },
  { argv: ['--service-cluster-ip-range=fd00::/64'], message: /too large; for 128-bit addresses, the mask must be >= 108/ },
  { argv: ['--service-cluster-ip-range=10.96.0.0/16,10.97.0.0/16'], message: /different IP families/ },
  { argv: ['--service-cluster-ip-range=10.96.0.0/16,fd00::/108,10.1.0.0/16'], message: /more than two entries/ },
  { argv: ['--service-cluster-ip-range='], message: /at least one valid cidr/ },
  { argv: ['--service-node-port-range=32767-30000'], message: /--service-node-port-range: end port cannot be less than start port/ },
  { argv: ['--service-node-port-range=30000-70000'], message: /cannot be greater than 65535/ },
  { argv: ['--service-node-port-range=30000:32767'], message: /--service-node-port-range/ },
  { argv: ['--service-node-port-range=0-10'], message: /--service-node-port-range/ },
  { argv: ['--cluster-cidr=banana'], message: /--cluster-cidr/ },
  { argv: ['--load-balancer-ip-range=10.0.0.9-10.0.0.1'], message: /--load-balancer-ip-range: last address/ },
  { argv: ['--load-balancer-ip-range=10.0.0.1-fd00::1'], message: /--load-balancer-ip-range: both ends/ },
  { argv: ['--load-balancer-ip-range=10.0.0.1'], message: /--load-balancer-ip-range/ },
  { argv: ['--nodes=-1'], message: /--nodes/ },
  { argv: ['--nodes=1.5'], message: /--nodes/ },
  { argv: ['--controllers=*,deployment-controller'], message: /^invalid value "\*,deployment-controller" for flag --controllers: "deployment-controller" is not in the list of known controllers$/ },
  { argv: ['--controllers=-nope'], message: /"nope" is not in the list of known controllers/ },
  { argv: ['--controllers=-*'], message: /"\*" is not in the list of known controllers/ },
  { argv: ['--controllers=constructor'], message: /"constructor" is not in the list of known controllers/ },
  { argv: ['-v=11'], message: /flag --v: must be between 0 and 10/ },
  { argv: ['--log-level=loud'], message: /--log-level: must be one of/ },
  { argv: ['--tls-cert-file=/a.crt'], message: /--tls-cert-file and --tls-private-key-file must be set together/ },
  { argv: ['--data-dir='], message: /--data-dir/ },
  { argv: ['--etcd-servers=http://x'], message: /^unknown flag: --etcd-servers$/ },
  { argv: ['--nodes'], message: /^flag needs an argument: --nodes$/ },
  { argv: ['serve'], message: /unexpected argument "serve"/ },
];

for (const { argv, message } of BAD_CASES) {
  test(`rejects ${argv.join(' ')}`, () => {
    assert.throws(() => parseFlags(argv), { message });
  });
}

test('--help and -h list every flag with its default', () => {
  for (const argv of [['--help'], ['-h'], ['--nodes=3', '--help']]) {
    const res = parseFlags(argv);
    assert.ok('help' in res, argv.join(' '));
  }
  const res = parseFlags(['-h']);
  if (!('help' in res)) throw new Error('expected help');
  const flags = [
    'secure-port', 'bind-address', 'advertise-address', 'data-dir', 'service-cluster-ip-range',
    'service-node-port-range', 'cluster-cidr', 'load-balancer-ip-range', 'nodes', 'token-auth-file',
    'client-ca-file', 'tls-cert-file', 'tls-private-key-file', 'v', 'log-level', 'help', 'controllers',
  ];
  for (const flag of flags) assert.match(res.help, new RegExp(`--${flag}\\b`), flag);
  assert.match(res.help, /--secure-port int\s+.*\(default "6443"\)/);
  assert.match(res.help, /--service-node-port-range portRange\s+.*\(default "30000-32767"\)/);
  assert.match(res.help, /--load-balancer-ip-range string\s+.*\(default "172\.18\.255\.200-172\.18\.255\.250"\)/);
  assert.match(res.help, /-v, --v Level/);
  assert.match(res.help, /--controllers strings\s+.*All controllers: namespace-controller, service-lb-controller, endpoints-controller, .*\(default "\*"\)/);
});
