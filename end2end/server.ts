import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface RunningServer {
  baseUrl: string;
  setupUrl: string | null;
  /** Where the test SMTP server writes each message it receives, as NNNNN.json. */
  mailDir: string;
  /** Everything the server logged, for tests that check what logs never contain. */
  logFile: string;
  /** The server's SQLite database, for the few tests that must move time for it. */
  databaseFile: string;
  stop: () => Promise<void>;
}

interface Mailbox {
  port: number;
  child: ChildProcess;
}

/** Starts scripts/mailbox.py (aiosmtpd; `scripts/ensure-tools.sh mail` installs it), a real
 * SMTP server on 127.0.0.1 that stores messages in `dir`. It stops when its stdin closes. */
async function startMailbox(dir: string): Promise<Mailbox> {
  const home = process.env.HOME ?? '/root';
  const python =
    process.env.LATCHKEY_MAILBOX_PYTHON ?? join(home, '.cache', 'latchkey', 'tools', 'mailbox-venv', 'bin', 'python');
  const script = resolve(__dirname, '..', 'scripts', 'mailbox.py');
  const child = spawn(python, [script, '--dir', dir, '--max-seconds', '900'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`mailbox did not start in 10 s: ${out}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = out.match(/listening 127\.0\.0\.1:(\d+)/);
      if (found) {
        clearTimeout(timer);
        resolvePort(Number(found[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mailbox exited with ${code}: ${out}`));
    });
  });
  return { port, child };
}

export interface IdentityProvider {
  url: string;
  stop: () => void;
}

/** Starts oidc-idp.mjs, a real OpenID Provider (npm oidc-provider) on 127.0.0.1 whose clients
 * redirect to `latchkeyUrl`. It stops when its stdin closes. */
export async function startIdentityProvider(latchkeyUrl: string): Promise<IdentityProvider> {
  const child = spawn(process.execPath, [resolve(__dirname, 'oidc-idp.mjs'), latchkeyUrl], {
    cwd: __dirname,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`identity provider did not start in 10 s: ${out}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = out.match(/listening (http:\/\/127\.0\.0\.1:\d+)/);
      if (found) {
        clearTimeout(timer);
        resolveUrl(found[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`identity provider exited with ${code}: ${out}`));
    });
  });
  return { url, stop: () => child.stdin?.end() };
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
  const mailDir = join(workdir, 'mail');
  const logFile = join(workdir, 'server.log');
  const databaseFile = join(workdir, 'latchkey.db');
  const mailbox = await startMailbox(mailDir);
  const child: ChildProcess = spawn('timeout', ['900', bin, 'serve'], {
    cwd: workdir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LATCHKEY_ADDR: `127.0.0.1:${port}`,
      LATCHKEY_DATABASE_URL: `sqlite://${databaseFile}?mode=rwc`,
      LATCHKEY_LOG_FORMAT: 'json',
      RUST_LOG: 'info',
      LATCHKEY_SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
      LATCHKEY_SMTP_FROM: 'Latchkey <latchkey@example.com>',
      // The OpenID Provider the single sign-on journeys use (oidc-idp.mjs) runs on 127.0.0.1,
      // which Latchkey refuses to reach unless allowed.
      LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS: 'true',
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
      appendFileSync(logFile, chunk);
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
    mailDir,
    logFile,
    databaseFile,
    stop: async () => {
      child.kill('SIGTERM');
      mailbox.child.stdin?.end();
      await new Promise((r) => setTimeout(r, 300));
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}
