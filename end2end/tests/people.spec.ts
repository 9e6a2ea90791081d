import { expect, test } from '@playwright/test';
import { ADMIN, baseUrl, hydrated, linkIn, newPage, serverLog, signIn, waitForMail } from '../support';

// Runs after foundation.spec.ts (files run in name order on one worker), which created the
// admin. The server mails through a real SMTP server (scripts/mailbox.py) the tests read.
const GRACE = { email: 'grace@example.com', password: 'compiler-a0-1952' };
const HOPPER = { email: 'hopper@example.com' };

test.describe.serial('inviting by mail, delegating user management, deactivating and deleting', () => {
  let graceLink = '';

  test('the admin invites two members, and each gets a mail with a one-time link', async ({ page }) => {
    await signIn(page, ADMIN);
    await hydrated(page);
    await page.getByRole('link', { name: 'Invite users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite users' });
    await dialog.getByLabel('Email addresses').fill(`${GRACE.email}, not-an-email`);
    await expect(dialog.getByLabel('Role', { exact: true })).toHaveValue(/\d+/);
    // No identity provider yet: everyone gets a link, and no box offers single sign-on.
    await expect(page.getByLabel('Send email to set password')).toHaveCount(0);
    await expect(page.getByTestId('link-delivery')).toHaveText('Each person gets an email with a link to set their password.');
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByRole('alert')).toContainText('Not valid email addresses: not-an-email.');
    // The field says it too, to screen readers as well.
    const emails = dialog.getByLabel('Email addresses');
    await expect(emails).toHaveAttribute('aria-invalid', 'true');
    await expect(emails).toHaveAttribute('aria-describedby', 'invite-emails-help invite-emails-error');
    await expect(dialog.locator('#invite-emails-error')).toHaveText('Not valid email addresses: not-an-email.');

    await page.getByLabel('Email addresses').fill(`${GRACE.email}, ${HOPPER.email}, ${ADMIN.email}`);
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByText(`${ADMIN.email} already has an account; nothing changed.`)).toBeVisible();
    await expect(page.getByText('A link to set their password is on its way by email.')).toHaveCount(2);
    // With mail configured the link is never shown in the console.
    await expect(page.getByTestId('set-password-link')).toHaveCount(0);

    const mail = await waitForMail(GRACE.email, /^You are invited to Default on Latchkey$/);
    expect(mail.from).toBe('latchkey@example.com');
    expect(mail.body).toContain(`${ADMIN.name} invited you to Default on Latchkey, with the role Member.`);
    graceLink = linkIn(mail);
    expect(graceLink.startsWith(`${baseUrl()}/set-password?token=`)).toBe(true);
    await waitForMail(HOPPER.email, /^You are invited/);

    // The log records the invitation, never the link's token.
    const token = graceLink.split('token=')[1];
    expect(serverLog()).toContain('users invited');
    expect(serverLog()).not.toContain(token);
  });

  test('grace sets her password through the mailed link; as a Member she cannot change roles', async ({ browser }) => {
    const page = await newPage(browser);
    await page.goto(graceLink);
    await hydrated(page);
    await expect(page.getByText(`For ${GRACE.email}.`)).toBeVisible();
    await page.getByLabel('New password', { exact: true }).fill(GRACE.password);
    await page.getByLabel('New password, again').fill(GRACE.password);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    // A Member lands on a page about themselves, not on the user directory.
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: 'Your access' })).toBeVisible();
    await expect(page.getByTestId('signed-in-user')).toContainText(GRACE.email);
    await expect(page.getByText('You are not in a team.')).toBeVisible();
    await expect(page.getByText('You have no tokens.')).toBeVisible();
    await page.screenshot({ path: 'test-results/member-home.png', fullPage: true });
    // A Member sees Users, but neither Roles nor the means to change anyone's role.
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' })).toHaveCount(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
    await hydrated(page);
    await expect(page.getByRole('link', { name: 'Invite users' })).toHaveCount(0);
    await page.getByRole('table').getByRole('link', { name: HOPPER.email }).click();
    await expect(page.getByRole('heading', { name: 'Effective permissions' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Tenant role' })).toHaveCount(0);

    // The link is spent.
    const again = await newPage(browser);
    await again.goto(graceLink);
    await expect(again.getByRole('heading', { name: 'This link does not work' })).toBeVisible();
  });

  test('with a custom role holding user:ManageUsers, grace changes a role but cannot escalate', async ({ browser }) => {
    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    for (const role of [
      // Member's permissions too: acting on a user needs holding all they hold, and hopper is a Member.
      {
        name: 'people-manager',
        display: 'People manager',
        permissions: [/^List Users/, /^Manage Users/, /^Create Repository/, /^Create Secret Group/, /^List Settings/],
      },
      { name: 'user-viewer', display: 'User viewer', permissions: [/^List Users/] },
    ]) {
      await admin.goto(`${baseUrl()}/access/roles/new`);
      await hydrated(admin);
      await admin.getByLabel('Name', { exact: true }).fill(role.name);
      await admin.getByLabel('Display name').fill(role.display);
      await admin.getByLabel('Description').fill(`${role.display} (end-to-end test)`);
      for (const permission of role.permissions) await admin.getByLabel(permission).check();
      await admin.getByRole('button', { name: 'Create role' }).click();
      await expect(admin).toHaveURL(/\/access\/roles$/);
    }
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
    await admin.getByRole('table').getByRole('link', { name: GRACE.email }).click();
    await hydrated(admin);
    await admin.getByLabel('Role', { exact: true }).selectOption({ label: 'People manager' });
    await admin.getByRole('button', { name: 'Save role' }).click();
    await expect(admin.locator('.details')).toContainText('People manager');
    const notice = await waitForMail(GRACE.email, /^Your role in Default is now People manager$/);
    expect(notice.body).toContain('from Member to People manager');

    const grace = await newPage(browser);
    await signIn(grace, GRACE);
    await grace.getByRole('table').getByRole('link', { name: HOPPER.email }).click();
    await hydrated(grace);
    await expect(grace.getByRole('heading', { name: 'Tenant role' })).toBeVisible();
    const picker = grace.getByLabel('Role', { exact: true });
    await expect(picker.locator('option', { hasText: 'Admin (unavailable)' })).toBeDisabled();
    await expect(picker.locator('option', { hasText: 'Member' })).toBeEnabled(); // hopper's current role
    await expect(picker.locator('option', { hasText: 'Team Manager (unavailable)' })).toBeDisabled();
    await expect(grace.getByText('Only an Admin can make someone an Admin.')).toBeVisible();
    await expect(grace.getByText(/You lack: team:ReadTeam\./)).toBeVisible();
    await picker.selectOption({ label: 'User viewer' });
    await grace.getByRole('button', { name: 'Save role' }).click();
    await expect(grace.locator('.details')).toContainText('User viewer');

    // The server refuses what the picker does not offer.
    const hopperId = grace.url().match(/\/access\/users\/(\d+)$/)?.[1] ?? '';
    const adminRoleId = await picker.locator('option', { hasText: 'Admin' }).getAttribute('value');
    const refused = await grace.request.post(`${baseUrl()}/rpc/users/change-role`, {
      form: { id: hopperId, role_id: adminRoleId ?? '' },
      headers: { Origin: baseUrl(), Accept: 'application/json' },
    });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain('Only an Admin can make someone an Admin.');
    await grace.reload();
    await expect(grace.locator('.details')).toContainText('User viewer');
    await grace.screenshot({ path: 'test-results/delegated-role-picker.png', fullPage: true });
  });

  test('deactivation signs grace out on her next click; then the admin deletes her', async ({ browser }) => {
    const grace = await newPage(browser);
    await signIn(grace, GRACE);

    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    await admin.getByRole('table').getByRole('link', { name: GRACE.email }).click();
    await hydrated(admin);
    await admin.getByRole('button', { name: 'Deactivate user' }).click();
    await expect(admin.getByText(`Deactivate ${GRACE.email}?`)).toBeVisible();
    await admin.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await expect(admin.locator('.details')).toContainText('Deactivated');

    await grace.getByRole('table').getByRole('link', { name: HOPPER.email }).click();
    await expect(grace).toHaveURL(/\/login\?next=/);

    // The list filters by status.
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
    await admin.getByLabel('Status').selectOption('deactivated');
    await admin.getByRole('button', { name: 'Search' }).click();
    await expect(admin).toHaveURL(/status=deactivated/);
    await expect(admin.getByRole('table').getByRole('link', { name: GRACE.email })).toBeVisible();
    await expect(admin.getByRole('table').getByRole('link', { name: ADMIN.email })).toHaveCount(0);
    await admin.getByRole('table').getByRole('link', { name: GRACE.email }).click();

    await admin.getByRole('button', { name: 'Activate user' }).click();
    await expect(admin.locator('.details')).toContainText('Active');
    // No teams or resource grants exist yet to block the deletion.
    await admin.getByRole('button', { name: 'Delete user' }).click();
    await admin.getByRole('button', { name: 'Delete user' }).click();
    await expect(admin).toHaveURL(/\/access\/users$/);
    await expect(admin.getByRole('cell', { name: GRACE.email, exact: true })).toHaveCount(0);
  });
});
