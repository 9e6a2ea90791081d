import { expect, test } from '@playwright/test';
import { ADMIN, baseUrl, hydrated, newPage, signIn } from '../support';

const api = (path: string) => `${baseUrl()}/api/svc/v1${path}`;

test('an admin creates a virtual account, shares a cluster with it, regenerates its token and deletes it', async ({
  browser,
  request,
}) => {
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  // A team to own the account and a cluster to share, made with the admin's own session.
  const team = await admin.request.post(api('/teams'), { data: { name: 'automation', description: 'Bots' } });
  expect(team.status()).toBe(201);
  const teamId = (await team.json()).data.id;
  const cluster = await admin.request.post(api('/resources'), { data: { resourceType: 'cluster', name: 'bots-cluster' } });
  const clusterId = (await cluster.json()).data.id;

  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Virtual Accounts' }).click();
  await hydrated(admin);
  await expect(admin.getByText('There are no virtual accounts yet.')).toBeVisible();
  await admin.getByRole('link', { name: 'Create virtual account' }).click();
  await hydrated(admin);
  await admin.getByLabel('Name').fill('deploy-bot');
  await admin.getByLabel('Owner team').selectOption({ label: 'automation' });
  await admin.getByRole('button', { name: 'Create virtual account' }).click();
  await expect(admin).toHaveURL(/\/access\/virtual-accounts\/\d+$/);
  await expect(admin.getByRole('heading', { name: 'deploy-bot' })).toBeVisible();
  await expect(admin.locator('.details')).toContainText('virtualaccount:deploy-bot');
  await hydrated(admin);

  await admin.getByRole('button', { name: 'Show token' }).click();
  const first = await admin.getByLabel('Virtual account token').inputValue();
  expect(first).toMatch(/^lk_va_[A-Za-z0-9]{38}$/);
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
  let seen = await request.get(api('/resources'), bearer(first));
  expect((await seen.json()).pagination.total).toBe(0);

  // Granted Cluster Viewer, the account sees the cluster.
  const roles = (await (await admin.request.get(api('/roles?limit=200'))).json()).data;
  const viewer = roles.find((r: { name: string }) => r.name === 'cluster-viewer');
  const grant = await admin.request.post(api('/collaborators'), {
    data: { resourceType: 'cluster', resourceId: clusterId, subject: 'virtualaccount:deploy-bot', roleId: viewer.id },
  });
  expect(grant.status()).toBe(201);
  seen = await request.get(api('/resources'), bearer(first));
  expect((await seen.json()).data.map((r: { name: string }) => r.name)).toEqual(['bots-cluster']);
  await admin.reload();
  await hydrated(admin);
  const held = admin.getByRole('listitem').filter({ has: admin.getByRole('link', { name: 'bots-cluster', exact: true }) });
  await expect(held).toContainText('Cluster Viewer (Cluster)');

  // Regenerated with a day's grace: both tokens work for now.
  await admin.getByLabel('Grace period for the current token (days)').fill('1');
  await admin.getByRole('button', { name: 'Regenerate token' }).click();
  await admin.getByRole('button', { name: 'Regenerate token' }).click();
  await expect(admin.getByText('The previous token keeps working until')).toBeVisible();
  const second = await admin.getByLabel('Virtual account token').inputValue();
  expect(second).not.toBe(first);
  for (const token of [first, second]) {
    expect((await request.get(api('/resources'), bearer(token))).status()).toBe(200);
  }
  await expect(admin.getByTestId('account-tokens')).toContainText('In grace period');
  await admin.screenshot({ path: 'test-results/virtual-account.png', fullPage: true });

  // Its description and expiry are edited in place; the name stays.
  const edit = admin.getByRole('region', { name: 'Edit account' });
  await edit.getByLabel('Description (optional)').fill('Deploys from CI');
  await edit.getByLabel('Expires on (optional)').fill('2099-12-31');
  await edit.getByRole('button', { name: 'Save account' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Account saved.' })).toBeVisible();
  await expect(admin.locator('.details')).toContainText('Deploys from CI');
  await expect(admin.locator('.details')).toContainText('2099-12-31');

  await admin.getByRole('button', { name: 'Delete virtual account' }).click();
  await admin.getByRole('button', { name: 'Delete virtual account' }).click();
  await expect(admin).toHaveURL(/\/access\/virtual-accounts$/);
  await expect(admin.getByText('There are no virtual accounts yet.')).toBeVisible();
  expect((await request.get(api('/resources'), bearer(second))).status()).toBe(401);

  expect((await admin.request.delete(api(`/resources/${clusterId}`))).status()).toBe(200);
  expect((await admin.request.delete(api(`/teams/${teamId}`))).status()).toBe(200);
});
