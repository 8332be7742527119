#!/usr/bin/env node
/** CLI entry: flags → Config → buildApp(). The only file that touches argv, signals or process.exit. */
import { parseFlags } from './config.js';
import { buildApp, type App } from './app.js';
import { tuneHeapGrowth } from './heap-growth.js';

async function main(): Promise<number> {
  tuneHeapGrowth(process.execArgv);
  let parsed;
  try {
    parsed = parseFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\nRun with --help for the list of flags.\n`);
    return 2;
  }
  if ('help' in parsed) {
    process.stdout.write(parsed.help);
    return 0;
  }
  let app: App;
  try {
    app = await buildApp(parsed.config);
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.logger.info({ signal }, 'shutting down');
      app.close().then(
        () => resolve(0),
        (err) => {
          app.logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

main().then((code) => process.exit(code));
