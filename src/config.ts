/**
 * Server configuration and command-line flag parsing. Pure: no I/O, no process access.
 * Flag names, syntaxes and range rules follow kube-apiserver (pflag), so a command line
 * written for it keeps working for the flags we support.
 */
import ipaddr from 'ipaddr.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A port range as k8s.io/apimachinery's utilnet.PortRange: ports base .. base+size-1. */
export interface PortRange {
  readonly base: number;
  readonly size: number;
}

/** An inclusive range of addresses of one IP family, both ends in canonical text form. */
export interface IPRange {
  readonly first: string;
  readonly last: string;
  readonly family: 'ipv4' | 'ipv6';
}

/** Everything the server needs from its command line. Frozen once parsed. */
export interface Config {
  /** HTTPS port; 0 asks the OS for a free port (unlike kube-apiserver, handy for tests). */
  readonly securePort: number;
  readonly bindAddress: string;
  /** Address advertised to clients (the `kubernetes` Service endpoint); undefined = derive from bindAddress. */
  readonly advertiseAddress?: string;
  readonly dataDir: string;
  /** Service CIDRs in network form, primary first; two entries means dual-stack (one per family). */
  readonly serviceClusterIPRanges: readonly string[];
  readonly serviceNodePortRange: PortRange;
  /** Pod CIDRs in network form, primary first; at most one per family. */
  readonly clusterCIDRs: readonly string[];
  /** Pool for LoadBalancer ingress IPs; undefined when disabled with an empty value. */
  readonly loadBalancerIPRange?: IPRange;
  /** Number of simulated nodes. */
  readonly nodes: number;
  /**
   * `--controllers` as kube-controller-manager reads it, aliases resolved to canonical names:
   * `*`, `name` or `-name`; the first entry naming a controller decides. See isControllerEnabled.
   */
  readonly controllers: readonly string[];
  readonly tokenAuthFile?: string;
  readonly clientCAFile?: string;
  readonly tlsCertFile?: string;
  readonly tlsPrivateKeyFile?: string;
  readonly logLevel: LogLevel;
}

export type ParseFlagsResult = { config: Config } | { help: string };

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// Mirrors kube-apiserver's limit: a Service CIDR may hold at most 2^20 addresses.
const MAX_SERVICE_CIDR_BITS = 20;

interface FlagSpec {
  readonly name: string;
  readonly shorthand?: string;
  readonly placeholder: string;
  readonly defaultValue: string;
  readonly usage: string;
  readonly isBool?: boolean;
  /** pflag stringSlice: a comma list; a repeated flag appends instead of replacing. */
  readonly isSlice?: boolean;
}

/**
 * The in-process controllers `--controllers` can name, with kube-controller-manager's canonical
 * names (cmd/kube-controller-manager/names; service-lb-controller is k8s.io/cloud-provider's).
 * The simulated nodes (kubelet, scheduler) are not controllers here: --nodes governs them.
 */
export const KNOWN_CONTROLLERS = [
  'namespace-controller',
  'service-lb-controller',
  'endpoints-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
] as const;

export type ControllerName = (typeof KNOWN_CONTROLLERS)[number];

/** The pre-1.28 names kube-controller-manager still accepts for them. */
const CONTROLLER_ALIASES: Readonly<Record<string, ControllerName>> = {
  namespace: 'namespace-controller',
  service: 'service-lb-controller',
  endpoint: 'endpoints-controller',
  endpointslice: 'endpointslice-controller',
  endpointslicemirroring: 'endpointslice-mirroring-controller',
};

/**
 * As kube-controller-manager's IsControllerEnabled: the first entry that names the controller
 * (`name` or `-name`) decides; otherwise it runs only when the list holds `*` (none of ours is
 * off by default).
 */
export function isControllerEnabled(controllers: readonly string[], name: ControllerName): boolean {
  let star = false;
  for (const entry of controllers) {
    if (entry === name) return true;
    if (entry === `-${name}`) return false;
    if (entry === '*') star = true;
  }
  return star;
}

const FLAGS: readonly FlagSpec[] = [
  { name: 'secure-port', placeholder: 'int', defaultValue: '6443', usage: 'The port on which to serve HTTPS with authentication and authorization (0 picks a free port).' },
  { name: 'bind-address', placeholder: 'ip', defaultValue: '127.0.0.1', usage: 'The IP address on which to listen for the --secure-port port.' },
  { name: 'advertise-address', placeholder: 'ip', defaultValue: '', usage: 'The IP address on which to advertise the apiserver to members of the cluster; unset means --bind-address.' },
  { name: 'data-dir', placeholder: 'string', defaultValue: './data', usage: 'Directory holding the LevelDB database, the PKI and the admin token.' },
  { name: 'service-cluster-ip-range', placeholder: 'string', defaultValue: '10.96.0.0/12', usage: 'A CIDR notation IP range from which to assign service cluster IPs; a comma-separated pair of CIDRs enables dual-stack.' },
  { name: 'service-node-port-range', placeholder: 'portRange', defaultValue: '30000-32767', usage: "A port range to reserve for services with NodePort visibility, e.g. '30000-32767' or '30000+2767'. Inclusive at both ends." },
  { name: 'cluster-cidr', placeholder: 'string', defaultValue: '10.244.0.0/16', usage: 'CIDR range from which simulated nodes assign pod IPs; a comma-separated pair of CIDRs enables dual-stack.' },
  { name: 'load-balancer-ip-range', placeholder: 'string', defaultValue: '172.18.255.200-172.18.255.250', usage: "Addresses for LoadBalancer Services, as 'first-last' or a CIDR; an empty value disables LoadBalancer IP assignment." },
  { name: 'nodes', placeholder: 'int', defaultValue: '1', usage: 'Number of simulated nodes to register (each runs a kubelet, and pods are scheduled onto them); 0 turns the simulation off.' },
  {
    name: 'controllers', placeholder: 'strings', defaultValue: '*', isSlice: true,
    usage: "A list of controllers to enable. '*' enables all on-by-default controllers, 'foo' enables the controller named 'foo', '-foo' disables the controller named 'foo'; "
      + "an empty value runs none of them (the API server alone). "
      + `All controllers: ${KNOWN_CONTROLLERS.join(', ')}. Disabled-by-default controllers: none.`,
  },
  { name: 'token-auth-file', placeholder: 'string', defaultValue: '', usage: 'If set, the file that will be used to secure the secure port of the API server via token authentication (CSV: token,user,uid[,"group1,group2"]).' },
  { name: 'client-ca-file', placeholder: 'string', defaultValue: '', usage: "If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate." },
  { name: 'tls-cert-file', placeholder: 'string', defaultValue: '', usage: 'File containing the default x509 certificate for HTTPS; unset means one generated under --data-dir/pki.' },
  { name: 'tls-private-key-file', placeholder: 'string', defaultValue: '', usage: 'File containing the default x509 private key matching --tls-cert-file.' },
  { name: 'v', shorthand: 'v', placeholder: 'Level', defaultValue: '0', usage: 'Number for the log level verbosity (0-10): 0-1 info, 2-4 debug, 5+ trace.' },
  { name: 'log-level', placeholder: 'string', defaultValue: '', usage: `Log level by name, overriding -v: one of ${LOG_LEVELS.join(', ')}.` },
  { name: 'help', shorthand: 'h', placeholder: '', defaultValue: 'false', usage: 'Print this help and exit.', isBool: true },
];

/**
 * Parses kube-apiserver style flags (`--flag=value`, `--flag value`, `-v 4`, `-v=4`, `-v4`).
 * Returns the help text when `-h`/`--help` is present; throws an Error naming the flag on bad input.
 */
export function parseFlags(argv: readonly string[]): ParseFlagsResult {
  const raw = collectRawValues(argv);
  if (raw.has('help') && raw.get('help') !== 'false') return { help: renderHelp() };
  const valueOf = (name: string): string => raw.get(name) ?? specOf(name).defaultValue;

  const advertiseAddress = valueOf('advertise-address');
  const tokenAuthFile = valueOf('token-auth-file');
  const clientCAFile = valueOf('client-ca-file');
  const tlsCertFile = valueOf('tls-cert-file');
  const tlsPrivateKeyFile = valueOf('tls-private-key-file');
  if ((tlsCertFile === '') !== (tlsPrivateKeyFile === '')) {
    throw new Error('--tls-cert-file and --tls-private-key-file must be set together');
  }
  const dataDir = valueOf('data-dir');
  if (dataDir === '') throw new Error('invalid value "" for flag --data-dir: must not be empty');

  const config: Config = {
    securePort: parseSecurePort(valueOf('secure-port')),
    bindAddress: parseIP('bind-address', valueOf('bind-address')),
    ...(advertiseAddress !== '' ? { advertiseAddress: parseAdvertiseAddress(advertiseAddress) } : {}),
    dataDir,
    serviceClusterIPRanges: Object.freeze(parseServiceCIDRs(valueOf('service-cluster-ip-range'))),
    serviceNodePortRange: parsePortRange('service-node-port-range', valueOf('service-node-port-range')),
    clusterCIDRs: Object.freeze(parseDualStackCIDRs('cluster-cidr', valueOf('cluster-cidr')).map(cidrText)),
    ...optionalRange(parseLoadBalancerRange(valueOf('load-balancer-ip-range'))),
    nodes: parseNonNegativeInt('nodes', valueOf('nodes')),
    controllers: Object.freeze(parseControllers(valueOf('controllers'))),
    ...(tokenAuthFile !== '' ? { tokenAuthFile } : {}),
    ...(clientCAFile !== '' ? { clientCAFile } : {}),
    ...(tlsCertFile !== '' ? { tlsCertFile, tlsPrivateKeyFile } : {}),
    logLevel: parseLogLevel(raw.get('log-level'), valueOf('v')),
  };
  return { config: Object.freeze(config) };
}

/** The `--help` text: every flag with its default and a one-line description. */
export function renderHelp(): string {
  const lines = ['Usage: kubelevel [flags]', '', 'A Kubernetes API server for service discovery, backed by LevelDB.', '', 'Flags:'];
  const heads = FLAGS.map((f) => {
    const short = f.shorthand ? `-${f.shorthand}, ` : '    ';
    return `  ${short}--${f.name}${f.placeholder ? ` ${f.placeholder}` : ''}`;
  });
  const width = Math.max(...heads.map((h) => h.length)) + 3;
  FLAGS.forEach((f, i) => {
    const dflt = f.isBool ? '' : f.defaultValue === '' ? ' (default: unset)' : ` (default ${JSON.stringify(f.defaultValue)})`;
    lines.push(`${heads[i]!.padEnd(width)}${f.usage}${dflt}`);
  });
  return `${lines.join('\n')}\n`;
}

function specOf(name: string): FlagSpec {
  const spec = FLAGS.find((f) => f.name === name);
  if (!spec) throw new Error(`unknown flag: --${name}`);
  return spec;
}

function findSpec(token: string): FlagSpec | undefined {
  if (token.startsWith('--')) return FLAGS.find((f) => f.name === token.slice(2));
  return FLAGS.find((f) => f.shorthand !== undefined && f.shorthand === token.slice(1));
}

/** Splits argv into flag name → raw string value; repeated flags: last one wins, as pflag. */
function collectRawValues(argv: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-' || arg === '--') {
      throw new Error(`unexpected argument ${JSON.stringify(arg)}: kubelevel takes flags only`);
    }
    const eq = arg.indexOf('=');
    let token = eq >= 0 ? arg.slice(0, eq) : arg;
    let inline: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    // pflag shorthand with attached value: -v4
    if (!arg.startsWith('--') && inline === undefined && token.length > 2) {
      inline = token.slice(2);
      token = token.slice(0, 2);
    }
    const spec = findSpec(token);
    if (!spec) throw new Error(`unknown flag: ${token}`);
    if (spec.isBool) {
      values.set(spec.name, inline ?? 'true');
      continue;
    }
    let value: string;
    if (inline !== undefined) value = inline;
    else if (i + 1 >= argv.length) throw new Error(`flag needs an argument: ${token}`);
    else value = argv[++i]!;
    const previous = values.get(spec.name);
    values.set(spec.name, spec.isSlice && previous !== undefined ? [previous, value].filter((v) => v !== '').join(',') : value);
  }
  return values;
}

function invalid(flag: string, value: string, why: string): Error {
  return new Error(`invalid value ${JSON.stringify(value)} for flag --${flag}: ${why}`);
}

function parseNonNegativeInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw invalid(flag, value, 'must be a non-negative integer');
  return Number(value.trim());
}

/**
 * `--controllers`: entries checked against our controllers and their aliases (kube-controller-
 * manager's wording for an unknown one), aliases replaced by canonical names keeping the `-`.
 */
function parseControllers(value: string): string[] {
  if (value === '') return [];
  return value.split(',').map((raw) => {
    const entry = raw.trim();
    if (entry === '*') return entry;
    const disable = entry.startsWith('-');
    const bare = disable ? entry.slice(1) : entry;
    const known = (KNOWN_CONTROLLERS as readonly string[]).includes(bare) ? bare : Object.hasOwn(CONTROLLER_ALIASES, bare) ? CONTROLLER_ALIASES[bare] : undefined;
    if (known === undefined) throw invalid('controllers', value, `${JSON.stringify(bare)} is not in the list of known controllers`);
    return disable ? `-${known}` : known;
  });
}

function parseSecurePort(value: string): number {
  const port = parseNonNegativeInt('secure-port', value);
  if (port > 65535) throw invalid('secure-port', value, 'must be between 0 and 65535, inclusive');
  return port;
}

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** Strict address parsing: dotted-quad IPv4 (no `10.1` shorthand) or IPv6 without a zone. */
function parseAddr(value: string): Addr | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (ipaddr.IPv6.isValid(value)) {
    const v6 = ipaddr.IPv6.parse(value);
    return v6.zoneId === undefined ? v6 : undefined;
  }
  return undefined;
}

function canonical(addr: Addr): string {
  return addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString();
}

function parseIP(flag: string, value: string): string {
  const addr = parseAddr(value.trim());
  if (!addr) throw invalid(flag, value, 'must be an IP address');
  return canonical(addr);
}

function parseAdvertiseAddress(value: string): string {
  const ip = parseIP('advertise-address', value);
  if (ipaddr.parse(ip).range() === 'unspecified') throw invalid('advertise-address', value, 'must not be an unspecified address');
  return ip;
}

interface Cidr {
  readonly network: Addr;
  readonly prefix: number;
}

function parseCidr(flag: string, value: string): Cidr {
  const slash = value.indexOf('/');
  const addr = slash > 0 ? parseAddr(value.slice(0, slash)) : undefined;
  const prefixText = value.slice(slash + 1);
  const bits = addr?.kind() === 'ipv6' ? 128 : 32;
  if (!addr || !/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    throw invalid(flag, value, 'must be a CIDR such as 10.96.0.0/12 or fd00::/108');
  }
  const prefix = Number(prefixText);
  // like Go's net.ParseCIDR, keep only the network part (10.96.0.1/12 -> 10.96.0.0/12)
  const network = addr.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${prefix}`);
  return { network, prefix };
}

function cidrText(c: Cidr): string {
  return `${canonical(c.network)}/${c.prefix}`;
}

function parseDualStackCIDRs(flag: string, value: string): Cidr[] {
  const parts = value.split(',').map((s) => s.trim());
  if (value.trim() === '') throw invalid(flag, value, 'must contain at least one valid cidr');
  if (parts.length > 2) throw invalid(flag, value, 'must not contain more than two entries');
  const cidrs = parts.map((p) => parseCidr(flag, p));
  if (cidrs.length === 2 && cidrs[0]!.network.kind() === cidrs[1]!.network.kind()) {
    throw invalid(flag, value, 'dual-stack entries must be of different IP families (one IPv4 and one IPv6)');
  }
  return cidrs;
}

function parseServiceCIDRs(value: string): string[] {
  const flag = 'service-cluster-ip-range';
  return parseDualStackCIDRs(flag, value).map((c) => {
    const bits = c.network.kind() === 'ipv6' ? 128 : 32;
    if (bits - c.prefix > MAX_SERVICE_CIDR_BITS) {
      // kube-apiserver's wording
      throw invalid(flag, value, `specified --${flag} is too large; for ${bits}-bit addresses, the mask must be >= ${bits - MAX_SERVICE_CIDR_BITS}`);
    }
    return cidrText(c);
  });
}

/** As utilnet.PortRange.Set: "port", "min-max" or "min+offset", inclusive at both ends. */
function parsePortRange(flag: string, value: string): PortRange {
  const v = value.trim();
  const m = /^(\d+)(?:([-+])(\d+))?$/.exec(v);
  if (!m) throw invalid(flag, value, "must be a port range such as '30000-32767' or '30000+2767'");
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : m[2] === '-' ? Number(m[3]) : low + Number(m[3]);
  if (low > 65535 || high > 65535) throw invalid(flag, value, `the port range cannot be greater than 65535: ${v}`);
  if (low < 1) throw invalid(flag, value, 'ports must be at least 1');
  if (high < low) throw invalid(flag, value, `end port cannot be less than start port: ${v}`);
  return { base: low, size: high - low + 1 };
}

function addrToBigInt(addr: Addr): bigint {
  return addr.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function bigIntToAddr(n: bigint, family: 'ipv4' | 'ipv6'): Addr {
  const len = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let i = 0; i < len; i++) bytes.unshift(Number((n >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes);
}

/**
 * `first-last` or a CIDR. For an IPv4 CIDR of /30 or wider the network and broadcast addresses
 * are left out, since nothing can use them as a LoadBalancer ingress IP.
 */
function parseLoadBalancerRange(value: string): IPRange | undefined {
  const flag = 'load-balancer-ip-range';
  const v = value.trim();
  if (v === '') return undefined;
  if (v.includes('/')) {
    const c = parseCidr(flag, v);
    const family = c.network.kind();
    const bits = family === 'ipv4' ? 32 : 128;
    let first = addrToBigInt(c.network);
    let last = first + (1n << BigInt(bits - c.prefix)) - 1n;
    if (family === 'ipv4' && c.prefix <= 30) {
      first += 1n;
      last -= 1n;
    }
    return { first: canonical(bigIntToAddr(first, family)), last: canonical(bigIntToAddr(last, family)), family };
  }
  const dash = v.indexOf('-');
  const a = dash > 0 ? parseAddr(v.slice(0, dash).trim()) : undefined;
  const b = dash > 0 ? parseAddr(v.slice(dash + 1).trim()) : undefined;
  if (!a || !b) throw invalid(flag, value, "must be a range 'first-last' of IP addresses or a CIDR");
  if (a.kind() !== b.kind()) throw invalid(flag, value, 'both ends must be of the same IP family');
  if (addrToBigInt(b) < addrToBigInt(a)) throw invalid(flag, value, 'last address must not be lower than first address');
  return { first: canonical(a), last: canonical(b), family: a.kind() };
}

function optionalRange(range: IPRange | undefined): { loadBalancerIPRange?: IPRange } {
  return range ? { loadBalancerIPRange: range } : {};
}

/** `--log-level` wins; otherwise klog verbosity: 0-1 info, 2-4 debug, 5+ trace. */
function parseLogLevel(logLevel: string | undefined, verbosity: string): LogLevel {
  const v = parseNonNegativeInt('v', verbosity);
  if (v > 10) throw invalid('v', verbosity, 'must be between 0 and 10');
  if (logLevel !== undefined && logLevel !== '') {
    const level = LOG_LEVELS.find((l) => l === logLevel.trim().toLowerCase());
    if (!level) throw invalid('log-level', logLevel, `must be one of ${LOG_LEVELS.join(', ')}`);
    return level;
  }
  return v <= 1 ? 'info' : v <= 4 ? 'debug' : 'trace';
}
