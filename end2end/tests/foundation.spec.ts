import { expect, test } from '@playwright/test';
import { ADMIN, baseUrl, hydrated, setupUrl, signIn } from '../support';

test.describe.serial('first admin, sign-in and the users list', () => {
  test('the setup link creates the first admin and opens the console', async ({ page }) => {
    expect(setupUrl(), 'the server logged a setup link').toContain('/setup?token=');
    await page.goto(setupUrl());
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Create the first admin' })).toBeVisible();

    // Mismatched passwords are refused with a message, and nothing is created.
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Display name').fill(ADMIN.name);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Password, again').fill('something-else-entirely');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('The two passwords do not match.');

    await page.getByLabel('Password, again').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await expect(page).toHaveURL(/\/access\/users$/);
    await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
    await expect(page.getByTestId('signed-in-user')).toContainText(ADMIN.email);
    await expect(page.getByRole('cell', { name: ADMIN.email, exact: true })).toBeVisible();
  });

  test('the setup link is dead afterwards', async ({ page }) => {
    await page.goto(setupUrl());
    await expect(page.getByRole('heading', { name: 'Setup is complete' })).toBeVisible();
  });

  test('sign out, then sign in again', async ({ page }) => {
    await page.goto(`${baseUrl()}/login`);
    await hydrated(page);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/access\/users$/);
    await hydrated(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    // The console is closed again.
    await page.goto(`${baseUrl()}/access/users`);
    await expect(page).toHaveURL(/\/login\?next=%2Faccess%2Fusers$/);

    await hydrated(page);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/access\/users$/);
    await expect(page.getByRole('cell', { name: ADMIN.email, exact: true })).toBeVisible();
  });

  test('find yourself in Access > Users', async ({ page }) => {
    await signIn(page, ADMIN);

    const row = page.getByRole('row', { name: new RegExp(ADMIN.email) });
    await expect(row).toContainText('Admin');
    await expect(row).toContainText('Active');
    await expect(row).toContainText('UTC');

    const search = page.getByRole('searchbox', { name: 'Search users' });
    await search.fill('lovelace');
    await search.press('Enter');
    await expect(page).toHaveURL(/q=lovelace/);
    await expect(page.getByRole('cell', { name: ADMIN.email, exact: true })).toBeVisible();
    await expect(page.getByText('Showing 1–1 of 1')).toBeVisible();

    await search.fill('nobody-matches-this');
    await search.press('Enter');
    await expect(page.getByText('No users match “nobody-matches-this”.')).toBeVisible();
    await page.getByRole('link', { name: 'Show all users' }).click();
    await expect(page.getByRole('cell', { name: ADMIN.email, exact: true })).toBeVisible();
    await page.screenshot({ path: 'test-results/users.png', fullPage: true });
  });
});
