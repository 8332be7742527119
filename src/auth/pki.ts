/**
 * The server's own PKI: a CA, a serving certificate with SANs (kubectl rejects CN-only
 * certificates) and the admin bearer token, generated on first start under `<dataDir>/`
 * and reused afterwards. Keys come from node's native RSA keygen; node-forge only builds
 * and signs the X.509 structures (its pure-JS keygen is far too slow).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import ipaddr from 'ipaddr.js';

/** PEM material the server and its kubeconfig need. */
export interface Pki {
  readonly caPem: string;
  readonly caKeyPem: string;
  /** Serving certificate and key for the HTTPS listener. */
  readonly certPem: string;
  readonly keyPem: string;
  readonly adminToken: string;
}

export interface EnsurePkiOptions {
  /** Extra DNS names for the serving certificate (IP literals are moved to `ips`). */
  readonly hosts?: readonly string[];
  /** Extra IP SANs for the serving certificate, e.g. the advertise address and the first Service IP. */
  readonly ips?: readonly string[];
  /** Clock, injectable so tests can exercise expiry. */
  readonly now?: () => Date;
}

export interface ClientCertificateRequest {
  readonly commonName: string;
  /** Become the user's groups (subject O), as kube-apiserver's x509 authenticator reads them. */
  readonly organizations?: readonly string[];
  readonly validityDays?: number;
}

export const CA_COMMON_NAME = 'kubelevel-ca';
export const SERVING_COMMON_NAME = 'kube-apiserver';
const CA_VALIDITY_DAYS = 3650;
const SERVING_VALIDITY_DAYS = 365;
const CLIENT_VALIDITY_DAYS = 365;
// Re-issue the serving certificate when it has less than this left, so a restart renews it.
const SERVING_RENEW_BEFORE_DAYS = 30;
// Backdate notBefore a little so clients with a slightly slow clock accept a fresh certificate.
const CLOCK_SKEW_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_HOSTS = ['localhost'];
const DEFAULT_IPS = ['127.0.0.1', '::1'];

const SAN_DNS = 2;
const SAN_IP = 7;

type ForgeKey = forge.pki.rsa.PrivateKey;
type ForgeCert = forge.pki.Certificate;

interface KeyPair {
  readonly key: ForgeKey;
  readonly keyPem: string;
}

interface Sans {
  readonly dns: readonly string[];
  readonly ips: readonly string[];
}

/**
 * Loads or creates the PKI under `<dataDir>/pki/` and the admin token at `<dataDir>/admin-token`.
 * The CA and token are created once and never replaced; the serving certificate is re-issued
 * when its SANs differ from the requested ones, it is near expiry, or it was not issued by the CA.
 * Throws when an existing CA file is unreadable or expired rather than silently replacing it,
 * since that would invalidate every kubeconfig and client certificate already handed out.
 */
export async function ensurePki(dataDir: string, opts: EnsurePkiOptions = {}): Promise<Pki> {
  const now = opts.now ?? (() => new Date());
  const dir = join(dataDir, 'pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'apiserver.crt'),
    key: join(dir, 'apiserver.key'),
    token: join(dataDir, 'admin-token'),
  };

  const ca = await loadOrCreateCa(paths.caCert, paths.caKey, now());
  const sans = desiredSans(opts);
  const serving = await loadServing(paths.cert, paths.key, ca.cert, sans, now())
    ?? (await createServing(paths.cert, paths.key, ca, sans, now()));
  const adminToken = await loadOrCreateToken(paths.token);

  return Object.freeze({ caPem: ca.certPem, caKeyPem: ca.keyPem, certPem: serving.certPem, keyPem: serving.keyPem, adminToken });
}

/** Issues a client certificate (clientAuth EKU) signed by the PKI's CA: CN = user, O = groups. */
export function issueClientCertificate(pki: Pick<Pki, 'caPem' | 'caKeyPem'>, req: ClientCertificateRequest): { certPem: string; keyPem: string } {
  if (req.commonName === '') throw new Error('client certificate commonName must not be empty');
  const caCert = forge.pki.certificateFromPem(pki.caPem);
  const caKey = forge.pki.privateKeyFromPem(pki.caKeyPem);
  const pair = generateRsaKey();
  const now = new Date();
  const cert = signCertificate({
    subject: [{ shortName: 'CN', value: req.commonName }, ...(req.organizations ?? []).map((o) => ({ shortName: 'O', value: o }))],
    publicKey: pair.key,
    issuer: { cert: caCert, key: caKey },
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + (req.validityDays ?? CLIENT_VALIDITY_DAYS) * DAY_MS),
    extensions: [
      { name: 'basicConstraints', critical: true, cA: false },
      { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pair.keyPem };
}

interface LoadedCa {
  readonly cert: ForgeCert;
  readonly key: ForgeKey;
  readonly certPem: string;
  readonly keyPem: string;
}

async function loadOrCreateCa(certPath: string, keyPath: string, now: Date): Promise<LoadedCa> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined) {
    const cert = parseCert(certPem, certPath);
    const key = parseKey(keyPem, keyPath);
    if (!publicKeyMatches(cert, key)) throw new Error(`CA key ${keyPath} does not match CA certificate ${certPath}`);
    if (cert.validity.notAfter.getTime() <= now.getTime()) {
      throw new Error(`CA certificate ${certPath} expired at ${cert.validity.notAfter.toISOString()}; remove ${certPath} and ${keyPath} to create a new CA`);
    }
    return { cert, key, certPem, keyPem };
  }
  if (certPem !== undefined || keyPem !== undefined) {
    throw new Error(`found only one of ${certPath} and ${keyPath}; restore the other or remove both to create a new CA`);
  }
  const pair = generateRsaKey();
  const cert = signCertificate({
    subject: [{ shortName: 'CN', value: CA_COMMON_NAME }],
    publicKey: pair.key,
    issuer: 'self',
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', critical: true, cA: true },
      { name: 'keyUsage', critical: true, keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  const pem = forge.pki.certificateToPem(cert);
  // key first: a crash in between leaves "key without cert", which the check above reports
  await writeFileAtomic(keyPath, pair.keyPem, 0o600);
  await writeFileAtomic(certPath, pem, 0o644);
  return { cert, key: pair.key, certPem: pem, keyPem: pair.keyPem };
}

/** The existing serving certificate, or undefined when it must be (re-)issued. */
async function loadServing(certPath: string, keyPath: string, caCert: ForgeCert, sans: Sans, now: Date): Promise<{ certPem: string; keyPem: string } | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  let cert: ForgeCert;
  let key: ForgeKey;
  try {
    cert = forge.pki.certificateFromPem(certPem);
    key = forge.pki.privateKeyFromPem(keyPem);
  } catch {
    return undefined; // derived material: an unreadable file is simply re-issued
  }
  const renewAt = cert.validity.notAfter.getTime() - SERVING_RENEW_BEFORE_DAYS * DAY_MS;
  const isCurrent = publicKeyMatches(cert, key)
    && now.getTime() >= cert.validity.notBefore.getTime()
    && now.getTime() < renewAt
    && isIssuedBy(caCert, cert)
    && sameSans(sansOf(cert), sans);
  return isCurrent ? { certPem, keyPem } : undefined;
}

async function createServing(certPath: string, keyPath: string, ca: LoadedCa, sans: Sans, now: Date): Promise<{ certPem: string; keyPem: string }> {
  const pair = generateRsaKey();
  const cert = signCertificate({
    subject: [{ shortName: 'CN', value: SERVING_COMMON_NAME }],
    publicKey: pair.key,
    issuer: { cert: ca.cert, key: ca.key },
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + SERVING_VALIDITY_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', critical: true, cA: false },
      { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...sans.dns.map((value) => ({ type: SAN_DNS, value })),
          ...sans.ips.map((ip) => ({ type: SAN_IP, value: String.fromCharCode(...ipaddr.parse(ip).toByteArray()) })),
        ],
      },
    ],
  });
  const certPem = forge.pki.certificateToPem(cert);
  await writeFileAtomic(keyPath, pair.keyPem, 0o600);
  await writeFileAtomic(certPath, certPem, 0o644);
  return { certPem, keyPem: pair.keyPem };
}

async function loadOrCreateToken(path: string): Promise<string> {
  const existing = (await readIfExists(path))?.trim();
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(path, `${token}\n`, 0o600);
  return token;
}

function desiredSans(opts: EnsurePkiOptions): Sans {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const host of [...DEFAULT_HOSTS, ...(opts.hosts ?? [])]) {
    const h = host.trim();
    if (h === '') continue;
    if (ipaddr.isValid(h) && (h.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(h))) ips.add(canonicalIP(h));
    else dns.add(h.toLowerCase());
  }
  for (const ip of [...DEFAULT_IPS, ...(opts.ips ?? [])]) {
    if (!ipaddr.isValid(ip.trim())) throw new Error(`invalid IP address for the serving certificate: ${JSON.stringify(ip)}`);
    ips.add(canonicalIP(ip.trim()));
  }
  return { dns: [...dns], ips: [...ips] };
}

function canonicalIP(ip: string): string {
  const addr = ipaddr.parse(ip);
  return addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString();
}

interface AltName {
  type: number;
  value?: string;
}

function sansOf(cert: ForgeCert): Sans {
  const ext = cert.getExtension('subjectAltName') as { altNames?: AltName[] } | undefined;
  const altNames = ext?.altNames ?? [];
  const dns = altNames.filter((a) => a.type === SAN_DNS && a.value !== undefined).map((a) => a.value!.toLowerCase());
  const ips = altNames
    .filter((a) => a.type === SAN_IP && a.value !== undefined)
    .map((a) => canonicalIP(ipaddr.fromByteArray([...a.value!].map((c) => c.charCodeAt(0))).toString()));
  return { dns, ips };
}

function sameSans(a: Sans, b: Sans): boolean {
  const key = (s: Sans): string => JSON.stringify([[...s.dns].sort(), [...s.ips].sort()]);
  return key(a) === key(b);
}

function isIssuedBy(ca: ForgeCert, cert: ForgeCert): boolean {
  try {
    return ca.verify(cert);
  } catch {
    return false; // forge throws when the issuer name does not match
  }
}

function publicKeyMatches(cert: ForgeCert, key: ForgeKey): boolean {
  const pub = cert.publicKey as forge.pki.rsa.PublicKey;
  return pub.n !== undefined && pub.n.equals(key.n) && pub.e.equals(key.e);
}

function generateRsaKey(): KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { key: forge.pki.privateKeyFromPem(privateKey), keyPem: privateKey };
}

interface CertificateSpec {
  readonly subject: forge.pki.CertificateField[];
  readonly publicKey: ForgeKey;
  readonly issuer: 'self' | { cert: ForgeCert; key: ForgeKey };
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: object[];
}

function signCertificate(spec: CertificateSpec): ForgeCert {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(spec.publicKey.n, spec.publicKey.e);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject(spec.subject);
  const extensions = [...spec.extensions];
  if (spec.issuer === 'self') {
    cert.setIssuer(spec.subject);
  } else {
    cert.setIssuer(spec.issuer.cert.subject.attributes);
    extensions.push(
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: spec.issuer.cert.generateSubjectKeyIdentifier().getBytes() },
    );
  }
  cert.setExtensions(extensions);
  cert.sign(spec.issuer === 'self' ? spec.publicKey : spec.issuer.key, forge.md.sha256.create());
  return cert;
}

/** 128-bit positive serial; the top byte is kept in 0x40..0x7f so the DER INTEGER is positive and minimal (Go rejects negative serials). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function parseCert(pem: string, path: string): ForgeCert {
  try {
    return forge.pki.certificateFromPem(pem);
  } catch (err) {
    throw new Error(`cannot parse certificate ${path}: ${(err as Error).message}`);
  }
}

function parseKey(pem: string, path: string): ForgeKey {
  try {
    return forge.pki.privateKeyFromPem(pem);
  } catch (err) {
    throw new Error(`cannot parse RSA private key ${path}: ${(err as Error).message}`);
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Write-then-rename, so a crash never leaves a half-written key or certificate behind. */
async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}
