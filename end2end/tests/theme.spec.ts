import { expect, Page, test } from '@playwright/test';
import { accessibilityProblems, ADMIN, baseUrl, hydrated, signIn } from '../support';

// Dark mode: the console follows the system's colour scheme until someone picks one in the
// top bar; the pick is kept in a cookie, so the server renders the next page in it.

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const LIGHT_BG = 'rgb(246, 247, 249)';
const DARK_BG = 'rgb(18, 21, 26)';

test('the console follows the system theme until one is chosen, and keeps the choice', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await signIn(page, ADMIN);
  const choice = page.getByTestId('theme-choice');
  await expect(choice).toHaveValue('system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
  expect(await background(page)).toBe(DARK_BG);

  await choice.selectOption({ label: 'Light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await background(page)).toBe(LIGHT_BG);
  const cookie = (await context.cookies()).find((c) => c.name === 'latchkey_theme');
  expect(cookie?.value).toBe('light');
  expect(cookie?.sameSite).toBe('Lax');

  // The server renders the next page in the chosen theme, before any script runs.
  const html = await (await page.request.get(`${baseUrl()}/access/roles`)).text();
  expect(html).toContain('<html lang="en" data-theme="light">');
  await page.goto(`${baseUrl()}/access/roles`);
  await hydrated(page);
  await expect(page.getByTestId('theme-choice')).toHaveValue('light');
  expect(await background(page)).toBe(LIGHT_BG);

  await page.getByTestId('theme-choice').selectOption({ label: 'Dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: 'test-results/theme-dark.png', fullPage: true });
  // Dark has enough contrast too.
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.goto(`${baseUrl()}/access/users`);
  await hydrated(page);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/theme-dark-users.png', fullPage: true });

  // Back to the system's: the cookie goes, and the system's dark applies again.
  await page.getByTestId('theme-choice').selectOption({ label: 'System theme' });
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
  expect((await context.cookies()).some((c) => c.name === 'latchkey_theme')).toBe(false);
  expect(await background(page)).toBe(DARK_BG);
  // And follows the system when it turns light.
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await background(page)).toBe(LIGHT_BG);
  await context.close();
});
