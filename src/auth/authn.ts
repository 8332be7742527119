/**
 * Request authentication as kube-apiserver does it for the two methods kubectl uses:
 * x509 client certificates (user = subject CN, groups = subject O) and bearer tokens
 * (the admin token from the PKI plus an optional --token-auth-file). Authentication only
 * names the caller; turning "nobody" into a 401 Status is the HTTP layer's job.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PeerCertificate } from 'node:tls';
import type { Pki } from './pki.js';

/** user.Info: who made the request. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** The parts of an incoming request authentication looks at (node's IncomingMessage fits). */
export interface AuthRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  /** node's tls.TLSSocket on an https server; anything else carries no client certificate. */
  readonly socket: unknown;
}

export interface Authenticator {
  /** The authenticated user, or undefined when the request carries no valid credential. Never throws. */
  authenticate(req: AuthRequest): UserInfo | undefined;
}

export interface AuthenticatorOptions {
  readonly adminToken: string;
  /** Path to a kube-apiserver --token-auth-file CSV: token,user,uid[,"group1,group2"]; read once, here. */
  readonly tokenFile?: string;
  /**
   * Accept client certificates the TLS layer verified (see tlsServerOptions). Defaults to true:
   * the server always trusts its own CA for client certificates.
   */
  readonly clientCa?: boolean;
}

export const ADMIN_USERNAME = 'kubelevel-admin';
export const GROUP_MASTERS = 'system:masters';
export const GROUP_AUTHENTICATED = 'system:authenticated';

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

interface TokenEntry {
  readonly digest: Buffer;
  readonly user: UserInfo;
}

/** Builds the request authenticator; throws if the token file cannot be read or parsed. */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  if (opts.adminToken === '') throw new Error('admin token must not be empty');
  const admin: UserInfo = { username: ADMIN_USERNAME, groups: [GROUP_MASTERS, GROUP_AUTHENTICATED] };
  const fileUsers = opts.tokenFile !== undefined ? parseTokenFile(readFileSync(opts.tokenFile, 'utf8'), opts.tokenFile) : new Map<string, UserInfo>();
  const entries: TokenEntry[] = [
    { digest: digestOf(opts.adminToken), user: admin },
    ...[...fileUsers].filter(([token]) => token !== opts.adminToken).map(([token, user]) => ({ digest: digestOf(token), user })),
  ];
  const isX509Enabled = opts.clientCa ?? true;

  return {
    authenticate(req: AuthRequest): UserInfo | undefined {
      // as kube-apiserver's union authenticator: x509 is tried before bearer tokens
      const certUser = isX509Enabled ? userFromClientCertificate(req.socket) : undefined;
      if (certUser) return certUser;
      const token = bearerTokenOf(req.headers['authorization']);
      if (token === undefined) return undefined;
      const user = lookupToken(entries, token);
      return user ? withAuthenticatedGroup(user) : undefined;
    },
  };
}

/**
 * The token from `Authorization: Bearer <token>`, as k8s.io/apiserver's bearertoken authenticator:
 * the scheme is case-insensitive, and an empty token counts as no token.
 */
export function bearerTokenOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const parts = value.trim().split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  const token = parts[1]!;
  return token === '' ? undefined : token;
}

/**
 * Parses a --token-auth-file (RFC 4180 CSV, as Go's encoding/csv reads it): token,user,uid and an
 * optional fourth column of comma-separated groups, usually quoted. As upstream, records with an
 * empty token are skipped and a repeated token keeps its last record. Throws naming `source`.
 */
export function parseTokenFile(text: string, source = 'token file'): Map<string, UserInfo> {
  const users = new Map<string, UserInfo>();
  for (const record of parseCsv(text, source)) {
    if (record.length < 3) {
      throw new Error(`token file '${source}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    }
    const [token, username, uid, groups] = record as [string, string, string, string | undefined];
    if (token === '') continue;
    users.set(token, {
      username,
      ...(uid !== '' ? { uid } : {}),
      groups: groups === undefined ? [] : groups.split(',').filter((g) => g !== ''),
    });
  }
  return users;
}

/** Options for node's https.createServer / Fastify's `https`: our serving pair, client CAs, certificate requested but optional. */
export interface TlsServerOptions {
  key: string;
  cert: string;
  ca: string[];
  requestCert: true;
  /** false: a client without a (valid) certificate still connects, and gets a 401 Status instead of a TLS alert. */
  rejectUnauthorized: false;
}

/** TLS options trusting our CA plus every certificate in `clientCaPem` (--client-ca-file) for client certificates. */
export function tlsServerOptions(pki: Pick<Pki, 'caPem' | 'certPem' | 'keyPem'>, opts: { clientCaPem?: string } = {}): TlsServerOptions {
  const extra = opts.clientCaPem === undefined ? [] : splitPemCertificates(opts.clientCaPem);
  if (opts.clientCaPem !== undefined && extra.length === 0) throw new Error('client CA file contains no PEM certificate');
  return { key: pki.keyPem, cert: pki.certPem, ca: [pki.caPem, ...extra], requestCert: true, rejectUnauthorized: false };
}

function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)?.map((c) => `${c}\n`) ?? [];
}

interface PeerCertificateSource {
  readonly authorized?: boolean;
  getPeerCertificate(detailed?: boolean): PeerCertificate | Record<string, never> | null;
}

function hasPeerCertificate(socket: unknown): socket is PeerCertificateSource {
  return typeof socket === 'object' && socket !== null
    && typeof (socket as { getPeerCertificate?: unknown }).getPeerCertificate === 'function';
}

/** As kube's x509 CommonNameUserConversion: only chains the TLS layer verified against a client CA count. */
function userFromClientCertificate(socket: unknown): UserInfo | undefined {
  if (!hasPeerCertificate(socket) || socket.authorized !== true) return undefined;
  const cert = socket.getPeerCertificate(false) as Partial<PeerCertificate> | null;
  if (!cert?.subject) return undefined;
  const usages = cert.ext_key_usage;
  if (usages && !usages.includes(OID_CLIENT_AUTH) && !usages.includes(OID_ANY_EXTENDED_KEY_USAGE)) return undefined;
  const cn = lastOf(cert.subject.CN);
  if (cn === undefined || cn === '') return undefined;
  return withAuthenticatedGroup({ username: cn, groups: listOf(cert.subject.O) });
}

// node gives a string for one attribute and an array for repeated ones (several O values)
function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}

function lastOf(value: string | string[] | undefined): string | undefined {
  const list = listOf(value);
  return list[list.length - 1];
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Compares against every entry without stopping early, on equal-length digests, so timing reveals nothing. */
function lookupToken(entries: readonly TokenEntry[], token: string): UserInfo | undefined {
  const digest = digestOf(token);
  let found: UserInfo | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.user;
  }
  return found;
}

/** As AuthenticatedGroupAdder; always returns a fresh object so callers may not corrupt the table. */
function withAuthenticatedGroup(user: UserInfo): UserInfo {
  const groups = user.groups.includes(GROUP_AUTHENTICATED) ? [...user.groups] : [...user.groups, GROUP_AUTHENTICATED];
  return {
    username: user.username,
    ...(user.uid !== undefined ? { uid: user.uid } : {}),
    groups,
    ...(user.extra !== undefined ? { extra: structuredClone(user.extra) } : {}),
  };
}

/** Go encoding/csv semantics: quoted fields may hold commas, newlines and "" escapes; blank lines are skipped. */
function parseCsv(text: string, source: string): string[][] {
  const records: string[][] = [];
  const input = text.replace(/\r\n/g, '\n');
  let i = 0;
  let line = 1;
  while (i < input.length) {
    if (input[i] === '\n') {
      i++;
      line++;
      continue;
    }
    const record: string[] = [];
    const recordLine = line;
    for (;;) {
      let field = '';
      if (input[i] === '"') {
        i++;
        for (;;) {
          if (i >= input.length) throw new Error(`${source}:${recordLine}: extraneous or missing " in quoted-field`);
          const c = input[i]!;
          if (c === '"') {
            if (input[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < input.length && input[i] !== ',' && input[i] !== '\n') {
          throw new Error(`${source}:${line}: extraneous or missing " in quoted-field`);
        }
      } else {
        while (i < input.length && input[i] !== ',' && input[i] !== '\n') {
          if (input[i] === '"') throw new Error(`${source}:${line}: bare " in non-quoted-field`);
          field += input[i];
          i++;
        }
      }
      record.push(field);
      if (input[i] === ',') {
        i++;
        continue;
      }
      break; // newline or end of input ends the record
    }
    records.push(record);
  }
  return records;
}
