import { expect, test } from '@playwright/test';
import { acceptInvitation, ADMIN, baseUrl, hydrated, newPage, signIn } from '../support';

// Runs last (files run in name order): teams.spec.ts has deleted its ml-engineers team.
const NOETHER = { email: 'noether@example.com', password: 'symmetry-and-conservation' };

test('a team granted Workspace Viewer: the member sees the workspace, Check access says why, and removing the grant takes it away', async ({ browser }) => {
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  await admin.getByRole('link', { name: 'Invite users' }).click();
  await hydrated(admin);
  await admin.getByLabel('Email addresses').fill(NOETHER.email);
  await admin.getByRole('button', { name: 'Invite' }).click();
  await expect(admin.getByText('A link to set their password is on its way by email.')).toBeVisible();
  await admin.getByRole('dialog', { name: 'Invite users' }).getByRole('button', { name: 'Close' }).click();

  const noether = await newPage(browser);
  await acceptInvitation(noether, NOETHER);

  // The admin records a cluster and a workspace in it.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resources' }).click();
  await hydrated(admin);
  await admin.getByLabel('Resource type').selectOption({ label: 'Cluster' });
  await admin.getByLabel('Name').fill('prod');
  await admin.getByRole('button', { name: 'Record resource' }).click();
  await expect(admin).toHaveURL(/\/resources\/\d+$/);
  await expect(admin.getByRole('row', { name: /user:ada@example.com/ })).toContainText('Cluster Admin');
  await admin.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Resources' }).click();
  await admin.getByLabel('Resource type').selectOption({ label: 'Workspace' });
  await admin.getByLabel('Name').fill('ml-prod');
  await admin.getByLabel('Cluster').selectOption({ label: 'prod' });
  await admin.getByRole('button', { name: 'Record resource' }).click();
  await expect(admin.getByRole('heading', { name: 'ml-prod' })).toBeVisible();
  const workspaceUrl = admin.url();

  // A team with the member in it.
  await admin.goto(`${baseUrl()}/access/teams/new`);
  await hydrated(admin);
  await admin.getByLabel('Name').fill('ml-engineers');
  await admin.getByLabel('Description').fill('ML engineering team');
  await admin.getByRole('button', { name: 'Create team' }).click();
  await expect(admin).toHaveURL(/\/access\/teams\/\d+$/);
  await admin.getByLabel('Email addresses').fill(NOETHER.email);
  await admin.getByRole('button', { name: 'Add members' }).click();
  await expect(admin.getByRole('status')).toContainText(`Added ${NOETHER.email}.`);

  // Nothing yet for the member.
  await noether.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resources' }).click();
  await expect(noether.getByText('No resources you can see.')).toBeVisible();

  // Grant the team Workspace Viewer on the workspace; a malformed subject is refused first.
  await admin.goto(workspaceUrl);
  await hydrated(admin);
  await admin.getByLabel('Subject').fill('ml-engineers');
  await admin.getByLabel('Role', { exact: true }).selectOption({ label: 'Workspace Viewer' });
  await admin.getByRole('button', { name: 'Add collaborator' }).click();
  await expect(admin.getByRole('alert')).toContainText('Invalid subject format. Use the pattern "type:identifier"');
  await admin.getByLabel('Subject').fill('team:ml-engineers');
  await admin.getByRole('button', { name: 'Add collaborator' }).click();
  const grant = admin.getByRole('row', { name: /team:ml-engineers/ });
  await expect(grant).toBeVisible();

  await noether.reload();
  await expect(noether.getByRole('link', { name: 'ml-prod' })).toBeVisible();
  await expect(noether.getByRole('link', { name: 'prod', exact: true })).toHaveCount(0);
  await noether.getByRole('link', { name: 'ml-prod' }).click();
  await expect(noether.getByRole('heading', { name: 'ml-prod' })).toBeVisible();
  await expect(noether.getByRole('button', { name: 'Add collaborator' })).toHaveCount(0);

  // Check access explains it with the very path that grants it.
  await admin.getByLabel('Who').fill(`user:${NOETHER.email}`);
  await admin.getByLabel('Permission').selectOption('workspace:ReadWorkspace');
  await admin.getByRole('button', { name: 'Check' }).click();
  const answer = admin.locator('.access-answer');
  await expect(answer).toContainText('Allowed');
  await expect(answer.getByRole('listitem')).toHaveText(['team ml-engineers -> Workspace Viewer']);
  await admin.screenshot({ path: 'test-results/check-access.png', fullPage: true });

  // The member's user page lists the grant and answers the same question.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
  await admin.getByRole('table').getByRole('link', { name: NOETHER.email }).click();
  await hydrated(admin);
  await expect(admin.locator('.team-list').last()).toContainText('ml-prod Workspace Viewer (Workspace) through team ml-engineers');
  await admin.getByLabel('Resource', { exact: true }).selectOption({ label: 'ml-prod (Workspace)' });
  await admin.getByLabel('Permission').selectOption('workspace:ManageWorkspace');
  await admin.getByRole('button', { name: 'Check' }).click();
  await expect(admin.locator('.access-answer')).toContainText('Denied');
  await admin.screenshot({ path: 'test-results/user-page-access.png', fullPage: true });
  await admin.getByLabel('Permission').selectOption('workspace:ReadWorkspace');
  await admin.getByRole('button', { name: 'Check' }).click();
  await expect(admin.locator('.access-answer').getByRole('listitem')).toHaveText(['team ml-engineers -> Workspace Viewer']);

  // A custom workspace role (seed 004's resourceType) is offered on workspaces.
  await admin.goto(`${baseUrl()}/access/roles/new`);
  await hydrated(admin);
  await admin.getByLabel('Name', { exact: true }).fill('workspace-deployer');
  await admin.getByLabel('Display name').fill('Workspace Deployer');
  await admin.getByLabel('Description').fill('Deploys to one workspace');
  await admin.getByLabel('Granted on').selectOption('workspace');
  await expect(admin.getByLabel(/^Read Cluster/)).toHaveCount(0);
  await admin.getByLabel(/^Read Workspace/).check();
  await admin.getByLabel(/^Manage Workspace/).check();
  await admin.getByRole('button', { name: 'Create role' }).click();
  await expect(admin).toHaveURL(/\/access\/roles$/);
  await expect(admin.getByRole('row', { name: /Workspace Deployer workspace-deployer/ })).toContainText('Workspace role');
  await admin.screenshot({ path: 'test-results/roles-page.png', fullPage: true });
  await admin.goto(workspaceUrl);
  await hydrated(admin);
  await expect(admin.getByLabel('Role', { exact: true }).locator('option', { hasText: 'Workspace Deployer' })).toHaveCount(1);

  // Remove the grant: the member no longer sees the workspace.
  await grant.getByRole('button', { name: 'Remove' }).click();
  await grant.getByRole('button', { name: 'Remove collaborator' }).click();
  await expect(admin.getByRole('row', { name: /team:ml-engineers/ })).toHaveCount(0);
  await admin.getByLabel('Who').fill(`user:${NOETHER.email}`);
  await admin.getByLabel('Permission').selectOption('workspace:ReadWorkspace');
  await admin.getByRole('button', { name: 'Check' }).click();
  await expect(answer).toContainText('Denied');

  await noether.goto(`${baseUrl()}/resources`);
  await expect(noether.getByText('No resources you can see.')).toBeVisible();
});
