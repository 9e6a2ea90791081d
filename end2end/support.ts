import AxeBuilder from '@axe-core/playwright';
import { Browser, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Set by global-setup.ts for the whole run.
export const baseUrl = () => process.env.LATCHKEY_E2E_URL ?? '';
export const setupUrl = () => process.env.LATCHKEY_E2E_SETUP_URL ?? '';

/** The first admin, created by foundation.spec.ts (spec files run in name order). */
export const ADMIN = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  password: 'analytical-engine-1843',
};

/** Where signing in lands: Home for members, the Users list for those who manage users. */
export const LANDING = /\/(access\/users)?$/;

/** Waits until the WebAssembly bundle has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto(`${baseUrl()}/login`);
  await hydrated(page);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(LANDING);
  await hydrated(page);
}

/** Opens the invitation mailed to `who`, sets their password and lands signed in. */
export async function acceptInvitation(page: Page, who: { email: string; password: string }) {
  await page.goto(linkIn(await waitForMail(who.email, /^You are invited/)));
  await hydrated(page);
  await page.getByLabel('New password', { exact: true }).fill(who.password);
  await page.getByLabel('New password, again').fill(who.password);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(page).toHaveURL(LANDING);
}

/** A page in a fresh browser context: its own cookies, so another person can sign in. */
export async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

export interface Mail {
  from: string;
  to: string[];
  subject: string;
  body: string;
}

function mailbox(): Mail[] {
  const dir = process.env.LATCHKEY_E2E_MAIL_DIR ?? '';
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Mail);
}

/** Waits for the newest message to `to` whose subject matches, as the SMTP server got it. */
export async function waitForMail(to: string, subject: RegExp): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      () => {
        found = mailbox()
          .reverse()
          .find((mail) => mail.to.includes(to) && subject.test(mail.subject));
        return found !== undefined;
      },
      { message: `a mail to ${to} with subject ${subject}`, timeout: 15_000 },
    )
    .toBe(true);
  return found as Mail;
}

/** The one-time link in a message body. */
export function linkIn(mail: Mail): string {
  const found = mail.body.match(/https?:\/\/\S+\/set-password\?token=[A-Za-z0-9]+/);
  expect(found, `a set-password link in: ${mail.body}`).not.toBeNull();
  return (found as RegExpMatchArray)[0];
}

/** Everything the server has logged so far. */
export function serverLog(): string {
  const file = process.env.LATCHKEY_E2E_LOG_FILE ?? '';
  return file && existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Moves every session's last sign-in (or password confirmation) `minutes` into the past, in
 * the server's database (Python's sqlite3: Node 20 has no SQLite of its own), as if the
 * browser had been left open that long. */
export function ageSessions(minutes: number) {
  const script = [
    'import json, sqlite3, sys, time',
    'db = sqlite3.connect(sys.argv[1], timeout=10)',
    'then = int(time.time()) - int(sys.argv[2]) * 60',
    'for key, data in db.execute("SELECT id, data FROM sessions").fetchall():',
    '    record = json.loads(data)',
    '    record["authenticated_at"] = then',
    '    db.execute("UPDATE sessions SET data = ? WHERE id = ?", (json.dumps(record), key))',
    'db.commit()',
  ].join('\n');
  execFileSync('python3', ['-c', script, process.env.LATCHKEY_E2E_DATABASE_FILE ?? '', String(minutes)]);
}

/** The serious and critical problems axe-core finds on the page against WCAG 2.1 A and AA,
 * one line each, naming the first elements at fault. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}
