// Times the Users page of a large tenant in headless Chromium: from navigation start to the
// page hydrated (body[data-hydrated]), five loads after a warm-up, and prints each and the
// median. The server and its data are the caller's: README.md ("Measured") shows how the
// figures there were made (latchkey-bench seeds 100,000 users; dist/latchkey serves them).
//
//   node end2end/measure/users-page.mjs http://127.0.0.1:3999 bench-admin@example.com bench-password-1
import { chromium } from '@playwright/test';

const [base, email, password] = process.argv.slice(2);
if (!base || !email || !password) {
  console.error('usage: node users-page.mjs BASE_URL EMAIL PASSWORD');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.LATCHKEY_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const page = await browser.newPage();
await page.goto(`${base}/login`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.getByLabel('Email').fill(email);
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/\/access\/users$/);

const timings = [];
for (let run = 0; run < 6; run++) {
  await page.goto(`${base}/access/users`, { waitUntil: 'commit' });
  await page.locator('body[data-hydrated="true"]').waitFor();
  const ms = await page.evaluate(() => performance.now());
  const rows = await page.locator('table tbody tr').count();
  if (run > 0) timings.push(ms);
  console.log(`${run === 0 ? 'warm-up' : `load ${run}`}: ${ms.toFixed(0)} ms to hydrated (${rows} rows shown)`);
}
timings.sort((a, b) => a - b);
console.log(`median ${timings[Math.floor(timings.length / 2)].toFixed(0)} ms over ${timings.length} loads`);
await browser.close();
