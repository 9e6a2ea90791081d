import { Browser, expect, Page, test } from '@playwright/test';

// Runs after foundation.spec.ts (files run in name order on one worker), which created this
// admin through the setup link.
const ADMIN = { email: 'ada@example.com', password: 'analytical-engine-1843' };
const MEMBER = { email: 'grace@example.com', password: 'compiler-a0-1952' };
const baseUrl = () => process.env.LATCHKEY_E2E_URL ?? '';

async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto(`${baseUrl()}/login`);
  await hydrated(page);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/access\/users$/);
  await hydrated(page);
}

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

test.describe.serial('inviting, deactivating and deleting a member', () => {
  let setPasswordLink = '';

  test('the admin invites a member and gets a one-time link', async ({ page }) => {
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'Invite users' }).click();
    await hydrated(page);
    await page.getByLabel('Email addresses').fill(`${MEMBER.email}, not-an-email`);
    await expect(page.getByLabel('Role')).toHaveValue(/\d+/);
    await expect(page.getByLabel('Send email to set password')).toBeChecked();
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByRole('alert')).toContainText('Not valid email addresses: not-an-email.');

    await page.getByLabel('Email addresses').fill(`${MEMBER.email}, ${ADMIN.email}`);
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByText(`${ADMIN.email} already has an account; nothing changed.`)).toBeVisible();
    const link = page.getByTestId('set-password-link');
    await expect(link).toHaveValue(/\/set-password\?token=/);
    setPasswordLink = await link.inputValue();
  });

  test('the member sets a password through the link and lands in the console', async ({ browser }) => {
    const page = await newPage(browser);
    await page.goto(setPasswordLink);
    await hydrated(page);
    await expect(page.getByText(`For ${MEMBER.email}.`)).toBeVisible();
    await page.getByLabel('New password', { exact: true }).fill(MEMBER.password);
    await page.getByLabel('New password, again').fill(MEMBER.password);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(page).toHaveURL(/\/access\/users$/);
    await expect(page.getByTestId('signed-in-user')).toContainText(MEMBER.email);
    // A Member sees Users, but neither Roles nor the means to change anyone's role.
    await expect(page.getByRole('link', { name: 'Roles' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Invite users' })).toHaveCount(0);
    await page.getByRole('table').getByRole('link', { name: MEMBER.email }).click();
    await expect(page.getByRole('heading', { name: 'Effective permissions' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Tenant role' })).toHaveCount(0);

    // The link is spent.
    const again = await newPage(browser);
    await again.goto(setPasswordLink);
    await expect(again.getByRole('heading', { name: 'This link does not work' })).toBeVisible();
  });

  test('deactivation signs the member out on their next click; then the admin deletes them', async ({ browser }) => {
    const member = await newPage(browser);
    await signIn(member, MEMBER);

    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    await admin.getByRole('table').getByRole('link', { name: MEMBER.email }).click();
    await hydrated(admin);
    await admin.getByRole('button', { name: 'Deactivate user' }).click();
    await expect(admin.getByText(`Deactivate ${MEMBER.email}?`)).toBeVisible();
    await admin.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await expect(admin.locator('.details')).toContainText('Deactivated');

    await member.reload();
    await expect(member).toHaveURL(/\/login\?next=/);

    // The list filters by status.
    await admin.getByRole('link', { name: 'Users', exact: true }).click();
    await admin.getByLabel('Status').selectOption('deactivated');
    await admin.getByRole('button', { name: 'Search' }).click();
    await expect(admin).toHaveURL(/status=deactivated/);
    await expect(admin.getByRole('table').getByRole('link', { name: MEMBER.email })).toBeVisible();
    await expect(admin.getByRole('table').getByRole('link', { name: ADMIN.email })).toHaveCount(0);
    await admin.getByRole('table').getByRole('link', { name: MEMBER.email }).click();

    await admin.getByRole('button', { name: 'Activate user' }).click();
    await expect(admin.locator('.details')).toContainText('Active');
    await admin.getByRole('button', { name: 'Delete user' }).click();
    await admin.getByRole('button', { name: 'Delete user' }).click();
    await expect(admin).toHaveURL(/\/access\/users$/);
    await expect(admin.getByRole('cell', { name: MEMBER.email })).toHaveCount(0);
  });
});
