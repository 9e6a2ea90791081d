import { expect, test } from '@playwright/test';
import { ADMIN, ageSessions, baseUrl, hydrated, newPage, serverLog, signIn } from '../support';

// Runs after teams.spec.ts, which left turing@example.com as a signed-up member.
const TURING = { email: 'turing@example.com', password: 'universal-machine-1936' };

test.describe.serial('personal access tokens: create, call the API, revoke', () => {
  test('the admin caps active tokens at one in the security settings', async ({ browser }) => {
    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    await admin.getByRole('link', { name: 'Security' }).click();
    await hydrated(admin);
    await admin.getByLabel('Maximum active tokens per user').fill('1');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await expect(admin.getByRole('status')).toContainText('Settings saved.');
  });

  test('a member creates a token, copies it, calls the API with it and revokes it', async ({ browser, request }) => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() });
    const member = await context.newPage();
    await signIn(member, TURING);
    await member.getByRole('link', { name: 'Personal Access Tokens' }).click();
    await hydrated(member);
    await expect(member.getByText('You have no personal access tokens yet.')).toBeVisible();
    await expect(member.getByText('At most 1 active token(s) per person; you have 0.')).toBeVisible();

    await member.getByLabel('Name').fill('CI Deploy');
    await member.getByRole('button', { name: 'Create token' }).click();
    await expect(member.getByRole('alert')).toContainText('lowercase letters, digits and hyphens');
    await member.getByLabel('Name').fill('ci-deploy');
    await member.getByRole('button', { name: 'Create token' }).click();
    const issued = member.getByTestId('issued-token');
    await expect(issued).toContainText('Copy this token now. It is shown only once');
    const token = await member.getByLabel('Token', { exact: true }).inputValue();
    expect(token).toMatch(/^lk_pat_[A-Za-z0-9]{38}$/);
    await member.getByRole('button', { name: 'Copy' }).click();
    await expect(issued).toContainText('Copied to the clipboard.');
    expect(await member.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await member.screenshot({ path: 'test-results/token-issued.png', fullPage: true });
    await member.getByRole('button', { name: 'Done' }).click();
    await expect(issued).toHaveCount(0);

    // The limit set by the admin holds.
    await member.getByLabel('Name').fill('second');
    await member.getByRole('button', { name: 'Create token' }).click();
    await expect(member.getByRole('alert')).toContainText('the most allowed here (1)');

    // A script calls the API with the token.
    const headers = { Authorization: `Bearer ${token}` };
    const listed = await request.get(`${baseUrl()}/api/svc/v1/personal-access-tokens`, { headers });
    expect(listed.status()).toBe(200);
    const body = await listed.json();
    expect(body.pagination.total).toBe(1);
    expect(body.data[0].name).toBe('ci-deploy');
    expect(JSON.stringify(body)).not.toContain(token);

    await member.reload();
    await hydrated(member);
    const row = member.getByRole('row', { name: /ci-deploy/ });
    await expect(row).toContainText('from 127.0.0.1');
    await expect(row).toContainText('Active');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke token' }).click();
    await expect(member.getByRole('row', { name: /ci-deploy/ })).toContainText('Revoked');

    const refused = await request.get(`${baseUrl()}/api/svc/v1/personal-access-tokens`, { headers });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).code).toBe('unauthenticated');
    expect(serverLog()).not.toContain(token);
    await context.close();
  });

  test('the admin sees and revokes all of a user\u2019s tokens, and lifts the cap', async ({ browser }) => {
    const member = await newPage(browser);
    await signIn(member, TURING);
    await member.goto(`${baseUrl()}/access/tokens`);
    await hydrated(member);
    await member.getByLabel('Name').fill('nightly');
    await member.getByRole('button', { name: 'Create token' }).click();
    await expect(member.getByTestId('issued-token')).toBeVisible();

    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    await admin.getByRole('table').getByRole('link', { name: TURING.email }).click();
    await hydrated(admin);
    await expect(admin.getByTestId('active-tokens')).toHaveText('1 active personal access token.');
    await admin.getByRole('button', { name: 'Revoke all tokens' }).click();
    await admin.getByRole('button', { name: 'Revoke all tokens' }).click();
    await expect(admin.getByText('Revoked 1 token(s).')).toBeVisible();
    await expect(admin.getByTestId('active-tokens')).toHaveText('No active personal access tokens.');

    await admin.getByRole('link', { name: 'Security' }).click();
    await hydrated(admin);
    await admin.getByLabel('Maximum active tokens per user').fill('');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await expect(admin.getByRole('status')).toContainText('Settings saved.');
  });

  test('a browser signed in long ago confirms the password before it creates a token', async ({ browser }) => {
    const member = await newPage(browser);
    await signIn(member, TURING);
    await member.goto(`${baseUrl()}/access/tokens`);
    await hydrated(member);
    ageSessions(16);
    await member.getByLabel('Name').fill('after-lunch');
    await member.getByRole('button', { name: 'Create token' }).click();
    const prompt = member.getByTestId('reauthenticate');
    await expect(prompt).toContainText('Confirm it is you');
    await expect(prompt).toContainText('you signed in more than 15 minutes ago');
    await expect(member.getByTestId('issued-token')).toHaveCount(0);
    await member.screenshot({ path: 'test-results/reauthenticate.png', fullPage: true });

    await prompt.getByLabel('Your password').fill('not my password');
    await prompt.getByRole('button', { name: 'Confirm and continue' }).click();
    await expect(prompt.getByText('The password is incorrect.')).toBeVisible();
    await prompt.getByLabel('Your password').fill(TURING.password);
    await prompt.getByRole('button', { name: 'Confirm and continue' }).click();
    // The token asked for is created without asking again.
    await expect(member.getByTestId('issued-token')).toContainText('Token after-lunch created');
    await expect(prompt).toHaveCount(0);
  });

  test('a lower maximum age applies to existing tokens, after saying what it ends', async ({ browser }) => {
    const admin = await newPage(browser);
    await signIn(admin, ADMIN);
    await admin.goto(`${baseUrl()}/settings/security`);
    await hydrated(admin);
    await admin.getByLabel('Maximum token age (days)').fill('30');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    const impact = admin.getByTestId('settings-impact');
    await expect(impact).toContainText(/moves the expiry of \d+ token\(s\)/);
    await expect(admin.getByText('Settings saved.')).toHaveCount(0);
    await admin.getByRole('button', { name: 'Cancel' }).click();
    await expect(impact).toHaveCount(0);
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByRole('button', { name: 'Save and apply to existing tokens' }).click();
    await expect(admin.getByRole('status')).toHaveText('Settings saved.');

    // Turing's token made without an expiry now shows one, 30 days after its creation.
    const member = await newPage(browser);
    await signIn(member, TURING);
    await member.goto(`${baseUrl()}/access/tokens`);
    await hydrated(member);
    const row = member.getByRole('row', { name: /after-lunch/ });
    await expect(row).toContainText('Active');
    await expect(row.locator('td').nth(2)).not.toHaveText('Never');

    // Lifting the limit ends nothing and asks nothing.
    await admin.getByLabel('Maximum token age (days)').fill('');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await expect(admin.getByRole('status')).toHaveText('Settings saved.');
    await expect(impact).toHaveCount(0);
  });
});
