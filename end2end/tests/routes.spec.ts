import { Browser, expect, Page, test } from '@playwright/test';
import { acceptInvitation, accessibilityProblems, ADMIN, baseUrl, hydrated, newPage, signIn } from '../support';

// Every console route, loaded directly (a reload, a bookmark, a link from mail) and reached
// through the navigation, as an Admin, a team manager whose tenant role is Member, and a
// plain Member: each page hydrates with no error in the browser console and no panic, and
// axe-core finds no serious or critical accessibility problem on it. Runs
// after foundation.spec.ts (name order), which created the first Admin; arranges the rest.

const api = (path: string) => `${baseUrl()}/api/svc/v1${path}`;
const MANAGER = { email: 'route-manager@example.com', password: 'route-manager-password-1' };
const MEMBER = { email: 'route-member@example.com', password: 'route-member-password-1' };

/** Records what the browser reports as an error: console errors and uncaught exceptions
 * (a Rust panic in the bundle arrives as both). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  // Chromium's console line for a refused request does not name it; this does.
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`response: ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  return errors;
}

/** Opens `path` with a full page load and waits for the bundle to take over. */
async function loadDirectly(page: Page, path: string) {
  const response = await page.goto(`${baseUrl()}${path}`);
  expect(response?.status(), path).toBeLessThan(500);
  await hydrated(page);
  // Let effects that run after hydration (the session check, for one) finish and report.
  await page.waitForLoadState('networkidle');
}

/** Loads each route directly; answers every error seen and every serious accessibility
 * problem, naming the route it was seen on. */
async function loadEach(page: Page, routes: string[], errors: string[]): Promise<string[]> {
  const found = errors.splice(0).map((e) => `before the first route: ${e}`);
  for (const route of routes) {
    await loadDirectly(page, route);
    found.push(...errors.splice(0).map((e) => `${route}: ${e}`));
    found.push(...(await accessibilityProblems(page)).map((problem) => `${route}: ${problem}`));
  }
  return found;
}

async function setPassword(browser: Browser, who: { email: string; password: string }) {
  const page = await newPage(browser);
  await acceptInvitation(page, who);
  await page.context().close();
}

/** Follows every link of the side navigation, in the page (no reload), checking each page. */
async function walkNavigation(page: Page, errors: string[]) {
  errors.splice(0);
  const links = page.locator('nav.sidenav a:not([rel="external"])');
  const names = await links.allInnerTexts();
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    await page.locator('nav.sidenav').getByRole('link', { name, exact: true }).click();
    await expect(page.locator('nav.sidenav').getByRole('link', { name, exact: true })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await page.waitForLoadState('networkidle');
    expect(page.locator('main'), name).not.toContainText(/not allowed|forbidden/i);
  }
  expect(errors, 'errors while navigating').toEqual([]);
  return names;
}

test.describe.serial('every console route hydrates, loaded directly or through the navigation', () => {
  const ids: Record<string, string> = {};

  /** Every console route an Admin can open, with the fixture's ids. */
  function adminRoutes(): string[] {
    return [
      '/access/users',
      '/access/users/invite',
      `/access/users/${ids.member}`,
      '/profile',
      '/access/roles',
      '/access/roles/new',
      `/access/roles/${ids.role}`,
      '/access/teams',
      '/access/teams/new',
      `/access/teams/${ids.team}`,
      '/resources',
      `/resources/${ids.resource}`,
      '/access/tokens',
      '/access/virtual-accounts',
      '/access/virtual-accounts/new',
      `/access/virtual-accounts/${ids.account}`,
      '/settings/security',
      '/settings/identity-providers',
      '/settings/identity-providers/new',
      ...(ids.provider ? [`/settings/identity-providers/${ids.provider}`] : []),
    ];
  }


  // The specs after this one share the server and expect what they left, not what this one
  // arranged: take it all away again.
  test.afterAll(async ({ browser }) => {
    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    for (const path of [
      `/virtual-accounts/${ids.account}`,
      `/teams/${ids.team}`,
      `/resources/${ids.resource}`,
      `/resources/${ids.cluster}`,
      `/roles/${ids.role}`,
      `/users/${ids.member}`,
      `/users/${ids.manager}`,
    ]) {
      if (path.endsWith('/undefined')) continue;
      const deleted = await admin.request.delete(api(path));
      expect(deleted.status(), `DELETE ${path}: ${await deleted.text()}`).toBe(200);
    }
    await admin.context().close();
  });

  test('arrange: a team managed by a Member, a plain Member, a resource, an account, a role', async ({ browser }) => {
    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    // The REST API with the admin's own session.
    const http = admin.request;

    for (const who of [MANAGER, MEMBER]) {
      const invited = await http.post(api('/users/invite'), { data: { email: who.email } });
      expect(invited.status(), await invited.text()).toBeLessThan(300);
      await setPassword(browser, who);
    }
    const team = await http.put(api('/teams'), {
      data: {
        manifest: {
          type: 'team',
          name: 'route-team',
          description: 'Arranged by routes.spec.ts',
          members: [MEMBER.email],
          managers: [MANAGER.email],
        },
      },
    });
    expect(team.status(), await team.text()).toBe(200);
    ids.team = (await team.json()).data.id;
    const cluster = await http.post(api('/resources'), { data: { resourceType: 'cluster', name: 'route-cluster' } });
    expect(cluster.status(), await cluster.text()).toBeLessThan(300);
    ids.cluster = (await cluster.json()).data.id;
    const resource = await http.post(api('/resources'), {
      data: { resourceType: 'workspace', name: 'route-workspace', parentId: (await cluster.json()).data.id },
    });
    expect(resource.status(), await resource.text()).toBeLessThan(300);
    ids.resource = (await resource.json()).data.id;
    const account = await http.post(api('/virtual-accounts'), { data: { name: 'route-account', ownerTeamId: ids.team } });
    expect(account.status(), await account.text()).toBeLessThan(300);
    ids.account = (await account.json()).data.id;
    const role = await http.post(api('/roles'), {
      data: {
        name: 'route-auditor',
        displayName: 'Route Auditor',
        description: 'Reads users',
        permissions: ['user:ListUsers'],
      },
    });
    expect(role.status(), await role.text()).toBeLessThan(300);
    ids.role = (await role.json()).data.id;
    for (const [key, who] of [
      ['member', MEMBER],
      ['manager', MANAGER],
    ] as const) {
      const users = await http.get(api(`/users?query=${encodeURIComponent(who.email)}`));
      ids[key] = (await users.json()).data[0].id;
    }
    const providers = await http.get(api('/identity-providers'));
    const providerList = (await providers.json()).data as Array<{ id: string }>;
    if (providerList.length > 0) ids.provider = providerList[0].id;
    await admin.context().close();
  });

  test('as an Admin', async ({ browser }) => {
    // Each page is loaded, hydrated and checked by axe-core: about 2 s a page.
    test.setTimeout(120_000);
    const page = await newPage(browser);
    const errors = watchErrors(page);
    await signIn(page, ADMIN);
    const routes = adminRoutes();
    expect.soft(await loadEach(page, routes, errors)).toEqual([]);
    // The pages that broke after a direct load still act: the role saved shows at once.
    await loadDirectly(page, `/access/users/${ids.member}`);
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Route Auditor' });
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect(page.locator('.details')).toContainText('Route Auditor');
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect(page.locator('.details')).toContainText('Member');
    await loadDirectly(page, `/access/teams/${ids.team}`);
    const row = page.getByRole('row', { name: new RegExp(MEMBER.email) });
    await row.getByRole('button', { name: 'Make manager' }).click();
    await expect(row).toContainText('Manager');
    await row.getByRole('button', { name: 'Make member' }).click();
    await expect(row).not.toContainText('Manager');

    expect(errors, 'errors while acting on directly loaded pages').toEqual([]);
    await loadDirectly(page, '/access/users');
    // The first Tab reaches "Skip to content", which moves past the navigation.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
    const icon = await page.request.get(`${baseUrl()}/favicon.svg`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toContain('image/svg+xml');
    // A release build (make test-release) keeps the split bundle in a folder named after its
    // content, sends it compressed and lets browsers keep it for a year; the stylesheet is
    // compressed and revalidated. A debug build serves target/site as it is.
    if (process.env.LATCHKEY_E2E_BUILD === 'release') {
      const wasmHref = await page.locator('link[rel="preload"][as="fetch"]').getAttribute('href');
      expect(wasmHref).toMatch(/^\/pkg\/latchkey-[0-9a-f]{16}\/latchkey_bg\.wasm$/);
      for (const [encoding, expected] of [
        ['br', 'br'],
        ['gzip', 'gzip'],
        ['identity', undefined],
      ]) {
        const wasm = await page.request.get(`${baseUrl()}${wasmHref}`, { headers: { 'Accept-Encoding': encoding as string } });
        expect(wasm.status()).toBe(200);
        expect(wasm.headers()['content-encoding'], encoding).toBe(expected);
        expect(wasm.headers()['content-type']).toBe('application/wasm');
        expect(wasm.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
      }
      // The pages' chunks come through the loader beside the shared code, kept as long.
      const loaderHref = (wasmHref as string).replace('latchkey_bg.wasm', '__wasm_split.js');
      const loader = await page.request.get(`${baseUrl()}${loaderHref}`, { headers: { 'Accept-Encoding': 'br' } });
      expect(loader.status()).toBe(200);
      expect(loader.headers()['content-encoding']).toBe('br');
      expect(loader.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
      const css = await page.request.get(`${baseUrl()}/pkg/latchkey.css`, { headers: { 'Accept-Encoding': 'br' } });
      expect(css.headers()['content-encoding']).toBe('br');
      expect(css.headers()['cache-control']).toBe('no-cache');
      expect(await css.text()).toContain('light-dark(');
    } else {
      const wasmHref = await page.locator('link[rel="preload"][as="fetch"]').getAttribute('href');
      expect(wasmHref).toBe('/pkg/latchkey_bg.wasm');
      const wasm = await page.request.get(`${baseUrl()}${wasmHref}`);
      expect(wasm.status()).toBe(200);
      expect(wasm.headers()['content-type']).toBe('application/wasm');
    }
    await walkNavigation(page, errors);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('signed out: sign-in, forgotten password, setup and set-password pages', async ({ browser }) => {
    // Each page is loaded, hydrated and checked by axe-core: about 2 s a page.
    test.setTimeout(120_000);
    const page = await newPage(browser);
    const errors = watchErrors(page);
    const routes = ['/login', '/forgot-password', '/setup?token=not-a-token', '/set-password?token=not-a-token'];
    expect.soft(await loadEach(page, routes, errors)).toEqual([]);
    await page.context().close();
  });

  test('release: a first page costs at most 500 KB of wasm and JavaScript (brotli)', async ({ browser }) => {
    test.skip(process.env.LATCHKEY_E2E_BUILD !== 'release', 'only a release bundle is split and compressed');
    // Every wasm and JavaScript file the browser fetched before the page hydrated, counted at
    // the size of its brotli copy (what the server sends to browsers that accept br; Chromium
    // asks for br only over HTTPS, so the copies are fetched again here to size them).
    async function firstPageBytes(page: Page, path: string): Promise<{ kb: number; files: string[] }> {
      const fetched: string[] = [];
      const record = (response: { url: () => string }) => {
        const url = new URL(response.url());
        if (/\.(wasm|js)$/.test(url.pathname)) fetched.push(url.pathname);
      };
      page.on('response', record);
      await page.goto(`${baseUrl()}${path}`);
      await hydrated(page);
      page.off('response', record);
      let bytes = 0;
      for (const file of fetched) {
        const copy = await page.request.get(`${baseUrl()}${file}`, { headers: { 'Accept-Encoding': 'br' } });
        expect(copy.headers()['content-encoding'], file).toBe('br');
        // body() is the decoded file; the bytes on the wire are the brotli copy's length.
        bytes += Number(copy.headers()['content-length']);
      }
      return { kb: Math.round(bytes / 1024), files: fetched };
    }
    const page = await newPage(browser);
    const login = await firstPageBytes(page, '/login');
    await signIn(page, ADMIN);
    // A new context has an empty cache: the Users page as a signed-in admin's first page.
    const admin = await newPage(browser);
    await admin.context().addCookies(await page.context().cookies());
    const users = await firstPageBytes(admin, '/access/users');
    console.log(`first page: /login ${login.kb} KB in ${login.files.length} files; /access/users ${users.kb} KB in ${users.files.length} files`);
    expect(login.kb).toBeLessThanOrEqual(500);
    expect(users.kb).toBeLessThanOrEqual(500);
    await admin.context().close();
    await page.context().close();
  });

  test('as a team manager whose tenant role is Member', async ({ browser }) => {
    // Each page is loaded, hydrated and checked by axe-core: about 2 s a page.
    test.setTimeout(120_000);
    const page = await newPage(browser);
    const errors = watchErrors(page);
    await signIn(page, MANAGER);
    const routes = ['/', '/access/tokens', '/profile', '/access/teams', `/access/teams/${ids.team}`, '/resources'];
    expect.soft(await loadEach(page, routes, errors)).toEqual([]);
    await expect(page.locator('main')).not.toContainText(/not allowed/i);
    const names = await walkNavigation(page, errors);
    expect(names).toContain('Teams');
    expect(names).toContain('Home');
    // The Team Manager role holds no virtual-account permission out of the box: no link to a
    // page that would refuse them.
    expect(names).not.toContain('Virtual Accounts');
    await page.context().close();
  });

  test('as a plain Member', async ({ browser }) => {
    // Each page is loaded, hydrated and checked by axe-core: about 2 s a page.
    test.setTimeout(120_000);
    const page = await newPage(browser);
    const errors = watchErrors(page);
    await signIn(page, MEMBER);
    expect.soft(await loadEach(page, ['/', '/access/tokens', '/profile', '/resources'], errors)).toEqual([]);
    const names = await walkNavigation(page, errors);
    expect(names).not.toContain('Virtual Accounts');
    expect(names).toContain('Home');
    await page.context().close();
  });

  test('on a phone (390 px) and a laptop (1440 px): the menu folds, nothing is wider than the screen', async ({
    browser,
  }) => {
    // Every Admin route at both widths, each with a screenshot: about 1 s a page.
    test.setTimeout(180_000);
    for (const [width, height] of [
      [390, 844],
      [1440, 900],
    ]) {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await signIn(page, ADMIN);
      const toggle = page.getByRole('button', { name: 'Menu' });
      const nav = page.locator('nav.sidenav');
      if (width < 720) {
        await expect(nav).toBeHidden();
        await toggle.click();
        await expect(toggle).toHaveAttribute('aria-expanded', 'true');
        await nav.getByRole('link', { name: 'Teams', exact: true }).click();
        await expect(page).toHaveURL(/\/access\/teams$/);
        await expect(nav).toBeHidden();
      } else {
        await expect(toggle).toBeHidden();
        await expect(nav).toBeVisible();
      }
      for (const route of adminRoutes()) {
        await loadDirectly(page, route);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect.soft(overflow, `${route} at ${width} px is wider than the screen`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `test-results/route${route.replaceAll('/', '-')}-${width}.png` });
      }
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
