import { expect, Page, test } from '@playwright/test';
import { ADMIN, hydrated, signIn as signInAs } from '../support';

// Runs after foundation.spec.ts (files run in name order on one worker), which created the
// admin through the setup link.
const signIn = (page: Page) => signInAs(page, ADMIN);

test.describe.serial('roles and the user page', () => {
  test('create, edit and delete a custom role', async ({ page }) => {
    await signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
    await expect(page).toHaveURL(/\/access\/roles$/);
    const adminRow = page.getByRole('row', { name: /Admin tenant-admin/ });
    await expect(adminRow).toContainText('All permissions');
    await expect(page.getByRole('row', { name: /Member tenant-member/ })).toContainText('4 permissions');
    // Admin reads as what it is, not as a form nobody can use.
    await adminRow.getByRole('link', { name: 'Admin', exact: true }).click();
    await expect(page.getByText('Admin holds every permission.')).toBeVisible();
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await expect(page.getByRole('heading', { name: /^Permissions \(\d+ permissions\)$/ })).toBeVisible();
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Roles' }).click();
    await expect(page).toHaveURL(/\/access\/roles$/);

    await page.getByRole('link', { name: 'Create role' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Bad Name');
    await page.getByLabel('Display name').fill('User manager');
    await page.getByLabel('Description').fill('Manages users');
    await page.getByLabel(/^Manage Users/).check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page.getByRole('alert')).toContainText('is not a valid name');

    await page.getByLabel('Name', { exact: true }).fill('user-manager');
    await page.getByLabel(/^List Users/).check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page).toHaveURL(/\/access\/roles$/);
    const row = page.getByRole('row', { name: /User manager user-manager/ });
    await expect(row).toContainText('2 permissions');
    await expect(row).toContainText('Custom');

    // Edit: add a permission.
    await row.getByRole('link', { name: 'User manager' }).click();
    await expect(page.getByLabel('Name', { exact: true })).toBeDisabled();
    // The count follows the boxes; a group's box checks and clears the whole group.
    const count = page.getByTestId('permission-count');
    await expect(count).toHaveText('2 permissions');
    await page.getByLabel('All of AI Gateway').check();
    await expect(count).not.toHaveText('2 permissions');
    await page.getByLabel('All of AI Gateway').uncheck();
    await expect(count).toHaveText('2 permissions');
    // The filter narrows the list by name, key or description.
    await page.getByLabel('Filter permissions').fill('list roles');
    await expect(page.getByLabel(/^List Users/)).toBeHidden();
    await page.getByLabel(/^List Roles/).check();
    await expect(count).toHaveText('3 permissions');
    await page.getByLabel('Filter permissions').fill('');
    await expect(page.getByLabel(/^List Users/)).toBeVisible();
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect(page).toHaveURL(/\/access\/roles$/);
    await expect(page.getByTestId('toast')).toContainText('Saved the role User manager.');
    await expect(page.getByRole('row', { name: /User manager user-manager/ })).toContainText('3 permissions');

    // Built-in roles offer no delete; custom ones ask first.
    await expect(adminRow.getByRole('button', { name: 'Delete' })).toHaveCount(0);
    const custom = page.getByRole('row', { name: /User manager user-manager/ });
    await custom.getByRole('button', { name: 'Delete' }).click();
    await expect(custom).toContainText('Delete the role User manager?');
    await custom.getByRole('button', { name: 'Cancel' }).click();
    await expect(custom).toBeVisible();
    await custom.getByRole('button', { name: 'Delete' }).click();
    await custom.getByRole('button', { name: 'Delete role' }).click();
    await expect(page.getByRole('row', { name: /user-manager/ })).toHaveCount(0);
  });

  test('the admin page of yourself: effective permissions, and the last Admin stays', async ({ page }) => {
    await signIn(page);
    await page.getByRole('table').getByRole('link', { name: ADMIN.email }).click();
    await expect(page).toHaveURL(/\/access\/users\/\d+$/);
    await expect(page.getByRole('heading', { name: 'Effective permissions' })).toBeVisible();
    await expect(page.getByRole('row', { name: /Manage Settings settings:ManageSettings/ })).toContainText('Role: Admin');
    await expect(page.getByText('You cannot deactivate yourself.')).toBeVisible();

    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect(page.getByRole('alert')).toContainText('is the last active Admin');
    await page.screenshot({ path: 'test-results/user-page.png', fullPage: true });
  });

  test('your profile: display name and password', async ({ page }) => {
    await signIn(page);
    await page.getByTestId('signed-in-user').click();
    await expect(page).toHaveURL(/\/profile$/);
    await hydrated(page);
    await page.getByLabel('Display name').fill('Ada King');
    await page.getByRole('button', { name: 'Save name' }).click();
    await expect(page.getByText('Display name saved.')).toBeVisible();

    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password', { exact: true }).fill('a-brand-new-password');
    await page.getByLabel('New password, again').fill('a-brand-new-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('alert')).toHaveText('The current password is incorrect.');
  });
});
