/**
 * Watch responses: newline-delimited JSON events on a chunked response whose headers are
 * flushed at once (client-go blocks until it sees them), or one text frame per event on a
 * WebSocket. Every open watch is tracked so shutdown can end them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { KObject, WatchEvent } from '../apimachinery/meta.js';
import { apiVersionOf } from '../apimachinery/meta.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceStore } from '../registry/store.js';
import type { ResourceWatch } from '../registry/watch.js';
import { buildTable } from '../printers/table.js';
import { storedJSON } from '../registry/encoding.js';
import { toStatus } from '../apimachinery/status.js';

export interface WatchParams {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  table: boolean;
  includeObject: 'None' | 'Metadata' | 'Object';
}

/** A sink for encoded events: an HTTP response or a WebSocket. */
interface EventSink {
  write(line: string): boolean;
  drained(): Promise<void>;
  end(): void;
  onClose(fn: () => void): void;
}

export interface WatchStreamOptions {
  logger: Logger;
  /** How often an idle watch with allowWatchBookmarks gets a BOOKMARK. */
  bookmarkIntervalMs?: number;
  /** Server-chosen timeout when the client gives none (kube: 30–60 min). */
  defaultTimeoutSeconds?: () => number;
  now: () => number;
}

/**
 * Encoded watch lines shared across watchers. Every watcher of one committed change gets an
 * equal object (same resource, type, key and resourceVersion mean the same content), so the
 * JSON is built once per event rather than once per watcher. Bounded; oldest entries go first.
 */
export class EncodedEventCache {
  readonly #max: number;
  readonly #lines = new Map<string, string>();

  constructor(max = 4096) {
    this.#max = max;
  }

  get size(): number {
    return this.#lines.size;
  }

  /** The cached line for `key`, or `encode()`'s result, cached. */
  lineFor(key: string, encode: () => string): string {
    let line = this.#lines.get(key);
    if (line === undefined) {
      line = encode();
      this.#lines.set(key, line);
      if (this.#lines.size > this.#max) this.#lines.delete(this.#lines.keys().next().value as string);
    }
    return line;
  }
}

/** Identity of a watch event's content: resource, type, object key and resourceVersion. */
function eventKeyOf(rs: ResourceStore, ev: WatchEvent): string | undefined {
  const meta = (ev.object as KObject).metadata;
  if (meta?.resourceVersion === undefined || meta.name === undefined) return undefined;
  return `${rs.def.group}/${rs.def.plural}|${ev.type}|${meta.namespace ?? ''}/${meta.name}|${meta.resourceVersion}`;
}

export class WatchStreams {
  readonly #registry: Registry;
  readonly #opts: WatchStreamOptions;
  readonly #open = new Set<() => void>();
  readonly #encoded = new EncodedEventCache();

  constructor(registry: Registry, opts: WatchStreamOptions) {
    this.#registry = registry;
    this.#opts = opts;
  }

  get openCount(): number {
    return this.#open.size;
  }

  /** Ends every open watch (server shutdown). */
  closeAll(): void {
    for (const stop of [...this.#open]) stop();
  }

  /** Serves a watch over chunked HTTP (the request is hijacked from Fastify). */
  serve(req: FastifyRequest, reply: FastifyReply, rs: ResourceStore, namespace: string | undefined, params: WatchParams): void {
    // start the watch first so a bad selector or RV is still an ordinary Status response
    const watch = this.#registry.watch(rs, namespace, params);
    const headers: Record<string, string | string[]> = {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    };
    const warnings = reply.getHeader('Warning');
    if (warnings !== undefined) headers.Warning = warnings as string | string[];
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, headers);
    res.flushHeaders();
    // events that arrive together (one group commit) leave together: one TLS record and one
    // syscall rather than one per event
    let corked = false;
    const uncork = (): void => {
      corked = false;
      res.uncork();
    };
    const sink: EventSink = {
      write: (line) => {
        if (!corked) {
          corked = true;
          res.cork();
          process.nextTick(uncork);
        }
        return res.write(line);
      },
      drained: () => new Promise((resolve) => res.once('drain', resolve)),
      end: () => res.end(),
      onClose: (fn) => {
        res.once('close', fn);
        req.raw.once('close', fn);
      },
    };
    void this.#pump(rs, watch, params, sink);
  }

  /** Serves a watch over a WebSocket: one JSON event per text message. */
  serveWebSocket(
    socket: { send(data: string): void; close(): void; on(ev: 'close', fn: () => void): void; bufferedAmount: number },
    rs: ResourceStore,
    namespace: string | undefined,
    params: WatchParams,
  ): void {
    let watch: ResourceWatch;
    try {
      watch = this.#registry.watch(rs, namespace, params);
    } catch (err) {
      socket.send(JSON.stringify({ type: 'ERROR', object: toStatus(err) }));
      socket.close();
      return;
    }
    const sink: EventSink = {
      write: (line) => {
        socket.send(line.trimEnd());
        return socket.bufferedAmount < 1 << 20;
      },
      drained: () => new Promise((resolve) => setTimeout(resolve, 10)),
      end: () => socket.close(),
      onClose: (fn) => socket.on('close', fn),
    };
    void this.#pump(rs, watch, params, sink);
  }

  async #pump(rs: ResourceStore, watch: ResourceWatch, params: WatchParams, sink: EventSink): Promise<void> {
    let ended = false;
    const stop = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timeout);
      clearInterval(bookmarks);
      watch.stop();
      this.#open.delete(stop);
      sink.end();
    };
    this.#open.add(stop);
    sink.onClose(stop);
    const timeoutSeconds = params.timeoutSeconds ?? this.#opts.defaultTimeoutSeconds?.() ?? 1800;
    const timeout = setTimeout(stop, timeoutSeconds * 1000);
    let firstTable = true;
    const encode = (ev: WatchEvent): string => {
      if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return JSON.stringify(ev) + '\n';
      if (!params.table) {
        const key = eventKeyOf(rs, ev);
        // the served object is frozen and its text cached: no stringify of the whole object
        const json = () => `{"type":${JSON.stringify(ev.type)},"object":${storedJSON(ev.object as KObject)}}\n`;
        return key === undefined ? json() : this.#encoded.lineFor(key, json);
      }
      const table = buildTable(rs.def.printer, [ev.object as KObject], {
        now: this.#opts.now(),
        includeObject: params.includeObject,
        resourceVersion: (ev.object as KObject).metadata.resourceVersion,
        withColumns: firstTable,
      });
      firstTable = false;
      return JSON.stringify({ type: ev.type, object: table }) + '\n';
    };
    const bookmark = (): string =>
      JSON.stringify({
        type: 'BOOKMARK',
        object: { kind: rs.def.kind, apiVersion: apiVersionOf(rs.def.group, rs.def.version), metadata: { resourceVersion: String(watch.lastRevision) } },
      }) + '\n';
    let busy = false;
    const bookmarks = setInterval(() => {
      // only between events, so the bookmark never claims a revision not yet delivered
      if (!busy && !ended && params.allowWatchBookmarks && watch.lastRevision > 0) sink.write(bookmark());
    }, this.#opts.bookmarkIntervalMs ?? 60_000);
    try {
      for await (const ev of watch) {
        if (ended) break;
        busy = true;
        const ok = sink.write(encode(ev));
        if (!ok) await sink.drained();
        busy = false;
      }
    } catch (err) {
      if (!ended) sink.write(JSON.stringify({ type: 'ERROR', object: toStatus(err) }) + '\n');
      this.#opts.logger.debug({ err }, 'watch ended with error');
    } finally {
      stop();
    }
  }
}
