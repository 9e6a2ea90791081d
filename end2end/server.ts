import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface RunningServer {
  baseUrl: string;
  setupUrl: string | null;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Starts the built binary (LATCHKEY_BIN, default ../dist/latchkey) from a temporary
 * directory, proving it needs no files beside it. `timeout` bounds its life. */
export async function startServer(): Promise<RunningServer> {
  const bin = resolve(process.env.LATCHKEY_BIN ?? join(__dirname, '..', 'dist', 'latchkey'));
  const workdir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('timeout', ['900', bin, 'serve'], {
    cwd: workdir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LATCHKEY_ADDR: `127.0.0.1:${port}`,
      LATCHKEY_DATABASE_URL: `sqlite://${join(workdir, 'latchkey.db')}?mode=rwc`,
      LATCHKEY_LOG_FORMAT: 'json',
      RUST_LOG: 'info',
      // Only for running against a debug build, whose assets are not embedded.
      ...(process.env.LEPTOS_SITE_ROOT ? { LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let log = '';
  let setupUrl: string | null = null;
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s; log:\n${log}`)), 30_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const found = log.match(/\/setup\?token=([A-Za-z0-9]+)/);
      if (found) setupUrl = `${baseUrl}/setup?token=${found[1]}`;
      if (log.includes('Latchkey is listening')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early with ${code}; log:\n${log}`));
    });
  });
  await ready;

  return {
    baseUrl,
    setupUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}
