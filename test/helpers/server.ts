/** Starts a real kubelevel (HTTPS, LevelDB in a temp dir) for a test, and talks to it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import pino from 'pino';
import supertest from 'supertest';
import { parseFlags, type Config } from '../../src/config.js';
import { buildApp, type App, type AppOptions } from '../../src/app.js';

export interface TestServer {
  app: App;
  url: string;
  token: string;
  ca: string;
  dataDir: string;
  /** supertest against the HTTPS URL, with the CA and the admin token already set. */
  req(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string): supertest.Test;
  /** Stops the server; `keepData` leaves the data dir for a restart. */
  close(keepData?: boolean): Promise<void>;
}

export function testConfig(dataDir: string, flags: string[] = []): Config {
  const parsed = parseFlags(['--data-dir', dataDir, '--secure-port', '0', ...flags]);
  if ('help' in parsed) throw new Error('unexpected help');
  return parsed.config;
}

export async function startServer(opts: { flags?: string[]; dataDir?: string; appOptions?: AppOptions } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kubelevel-test-'));
  const app = await buildApp(testConfig(dataDir, opts.flags), { logger: pino({ level: 'silent' }), ...opts.appOptions });
  const token = app.pki.adminToken;
  const ca = app.pki.caPem;
  return {
    app,
    url: app.url,
    token,
    ca,
    dataDir,
    req(method, path) {
      return supertest(app.url)[method](path).ca(ca).set('Authorization', `Bearer ${token}`);
    },
    async close(keepData = false) {
      await app.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface WatchLine {
  type: string;
  object: Record<string, any>;
}

/** An open watch over a real socket: events arrive as parsed JSON lines. */
export interface OpenWatch {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Resolves with the next `n` events (waits up to `timeoutMs`). */
  next(n?: number, timeoutMs?: number): Promise<WatchLine[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function openWatch(srv: TestServer, path: string, headers: Record<string, string> = {}): Promise<OpenWatch> {
  return new Promise((resolve, reject) => {
    const req = https.request(srv.url + path, { ca: srv.ca, headers: { Authorization: `Bearer ${srv.token}`, ...headers } }, (res) => {
      const queue: WatchLine[] = [];
      const waiters: (() => void)[] = [];
      let buf = '';
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) queue.push(JSON.parse(line));
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on('end', () => {
        endResolve();
        for (const w of waiters.splice(0)) w();
      });
      res.on('close', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        ended,
        async next(n = 1, timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          while (queue.length < n) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`timed out waiting for ${n} events, have ${queue.length}: ${JSON.stringify(queue)}`);
            await new Promise<void>((r) => {
              const t = setTimeout(r, left);
              waiters.push(() => {
                clearTimeout(t);
                r();
              });
            });
            if (res.complete && queue.length < n) throw new Error(`stream ended with ${queue.length} of ${n} events: ${JSON.stringify(queue)}`);
          }
          return queue.splice(0, n);
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A TCP port that was free a moment ago (for tests that restart a server on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
