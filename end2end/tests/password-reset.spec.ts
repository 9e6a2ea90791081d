import { expect, test } from '@playwright/test';
import { LANDING, acceptInvitation, ADMIN, baseUrl, hydrated, linkIn, newPage, serverLog, signIn, waitForMail } from '../support';

// "Forgot password?" on the login page, with the server mailing through a real SMTP server
// (scripts/mailbox.py). Runs after foundation.spec.ts (name order), which created the first
// Admin; arranges its own member and takes it away again.

const api = (path: string) => `${baseUrl()}/api/svc/v1${path}`;
const LIN = { email: 'reset-lin@example.com', password: 'first-password-of-lin' };
const NEW_PASSWORD = 'second-password-of-lin';

test.describe.serial('forgot password', () => {
  let linId = '';

  test.afterAll(async ({ browser }) => {
    if (!linId) return;
    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    const deleted = await admin.request.delete(api(`/users/${linId}`));
    expect(deleted.status(), await deleted.text()).toBe(200);
    await admin.context().close();
  });

  test('arrange: a member with a password', async ({ browser }) => {
    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    const invited = await admin.request.post(api('/users/invite'), { data: { email: LIN.email } });
    expect(invited.status(), await invited.text()).toBeLessThan(300);
    const users = await admin.request.get(api(`/users?query=${encodeURIComponent(LIN.email)}`));
    linId = (await users.json()).data[0].id;
    await admin.context().close();
    const lin = await newPage(browser);
    await acceptInvitation(lin, LIN);
    await lin.context().close();
  });

  test('a member asks for a link, gets it by mail, and chooses a new password', async ({ page }) => {
    await page.goto(`${baseUrl()}/login`);
    await hydrated(page);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
    await page.getByLabel('Email').fill(LIN.email);
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    // The confirmation takes the focus, and reads the same for any address.
    await expect(page.getByRole('heading', { name: 'Check your mail' })).toBeFocused();
    await expect(page.getByTestId('reset-requested')).toContainText(`If ${LIN.email} belongs to an account here`);

    const mail = await waitForMail(LIN.email, /^Reset your Latchkey password for Default$/);
    expect(mail.body).toContain('If you did not ask, ignore this message');
    const link = linkIn(mail);
    expect(serverLog()).toContain('password reset link mailed on request');
    expect(serverLog()).not.toContain(link.split('token=')[1]);

    // Until the link is used, the old password still works.
    const other = await newPage(page.context().browser()!);
    await signIn(other, LIN);
    await other.context().close();

    await page.goto(link);
    await hydrated(page);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password, again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(page).toHaveURL(LANDING);

    // The link worked once.
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'This link does not work' })).toBeVisible();
    const again = await newPage(page.context().browser()!);
    await signIn(again, { email: LIN.email, password: NEW_PASSWORD });
    await again.context().close();
  });

  test('an unknown address gets the same answer and no mail', async ({ page }) => {
    await page.goto(`${baseUrl()}/forgot-password`);
    await hydrated(page);
    await page.getByLabel('Email').fill('nobody-here@example.com');
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    await expect(page.getByTestId('reset-requested')).toContainText('If nobody-here@example.com belongs to an account here');
    // The mailbox waits 15 s for a message that must never come.
    let mailed = true;
    try {
      await waitForMail('nobody-here@example.com', /./);
    } catch {
      mailed = false;
    }
    expect(mailed).toBe(false);
  });
});
