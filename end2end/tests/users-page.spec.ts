import { expect, test } from '@playwright/test';
import { ADMIN, baseUrl, hydrated, signIn } from '../support';

// The Users list and a user's page as an admin reads them: who never signed in, when others
// last did, and one danger zone with one question open at a time. Runs after
// foundation.spec.ts (name order); arranges its own invitee and deletes it at the end.

const api = (path: string) => `${baseUrl()}/api/svc/v1${path}`;
const INVITEE = 'users-page-invitee@example.com';

test('invited users, times people read, and one danger zone', async ({ page }) => {
  await signIn(page, ADMIN);
  const invited = await page.request.post(api('/users/invite'), { data: { email: INVITEE } });
  expect(invited.status(), await invited.text()).toBeLessThan(300);
  await page.reload();
  await hydrated(page);

  // Someone who never signed in is "Invited"; the admin signed in moments ago, and the exact
  // time is there on hover.
  const inviteeRow = page.getByRole('row', { name: new RegExp(INVITEE) });
  await expect(inviteeRow.locator('.badge')).toHaveText('Invited');
  await expect(inviteeRow).toContainText('Never');
  const adminRow = page.getByRole('row', { name: new RegExp(ADMIN.email) });
  await expect(adminRow.locator('.badge')).toHaveText('Active');
  const signedIn = adminRow.locator('time');
  await expect(signedIn).toContainText(/just now|minutes? ago|hours? ago|days? ago/);
  await expect(signedIn).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);

  // The page: breadcrumbs back to the list, Profile in the navigation, the danger zone last.
  await inviteeRow.getByRole('link', { name: INVITEE }).click();
  await hydrated(page);
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('Users');
  await expect(page.locator('nav.sidenav').getByRole('link', { name: 'Profile' })).toBeVisible();
  const zone = page.getByRole('region', { name: 'Danger zone' });
  await expect(page.locator('section.panel').last()).toHaveClass(/danger-zone/);
  // Reversible actions are quiet; what cannot be undone is red.
  await expect(zone.getByRole('button', { name: 'Deactivate user' })).toHaveClass(/button-secondary/);
  await expect(zone.getByRole('button', { name: 'Reset password' })).toHaveClass(/button-secondary/);
  await expect(zone.getByRole('button', { name: 'Delete user' })).toHaveClass(/button-danger/);

  // One question at a time; the question takes the focus on Cancel; Escape puts it away.
  await zone.getByRole('button', { name: 'Deactivate user' }).click();
  await expect(zone.getByRole('group', { name: 'Confirm' })).toHaveCount(1);
  await expect(zone.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await zone.getByRole('button', { name: 'Delete user' }).click();
  await expect(zone.getByRole('group', { name: 'Confirm' })).toHaveCount(1);
  await expect(zone.getByRole('group', { name: 'Confirm' })).toContainText(`Delete ${INVITEE}?`);
  await expect(zone.getByRole('button', { name: 'Deactivate user' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(zone.getByRole('group', { name: 'Confirm' })).toHaveCount(0);

  await zone.getByRole('button', { name: 'Delete user' }).click();
  await zone.getByRole('group', { name: 'Confirm' }).getByRole('button', { name: 'Delete user' }).click();
  await expect(page).toHaveURL(/\/access\/users$/);
  await expect(page.getByRole('row', { name: new RegExp(INVITEE) })).toHaveCount(0);
  // The list says what happened, in a toast that takes the focus and goes with Escape.
  const toast = page.getByTestId('toast');
  await expect(toast).toHaveText(/User deleted\./);
  await expect(toast).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(toast).toHaveText('');
  await page.screenshot({ path: 'test-results/users-page.png', fullPage: true });
});
