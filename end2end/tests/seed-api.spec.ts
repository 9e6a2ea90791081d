import SwaggerParser from '@apidevtools/swagger-parser';
import { APIRequestContext, expect, test } from '@playwright/test';
import { ADMIN, baseUrl, hydrated, newPage, signIn } from '../support';

// Seed 004's calls, over HTTP against the running binary with a personal access token made in
// the console. Runs after roles.spec.ts (name order), with the first Admin in place.

const api = (path: string) => `${baseUrl()}/api/svc/v1${path}`;

test('every seed 004 call answers as the seed describes', async ({ browser, playwright }) => {
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  await admin.goto(`${baseUrl()}/access/tokens`);
  await hydrated(admin);
  await admin.getByLabel('Name').fill('seed-agent');
  await admin.getByRole('button', { name: 'Create token' }).click();
  const token = await admin.getByLabel('Token', { exact: true }).inputValue();
  expect(token).toMatch(/^lk_pat_/);

  const http: APIRequestContext = await playwright.request.newContext({
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });

  // Roles: list, create a workspace-scoped custom role, refuse bad input and built-in deletes.
  const roles = await http.get(api('/roles'));
  expect(roles.status()).toBe(200);
  const roleList = (await roles.json()).data as Array<{ id: string; name: string; resourceType: string | null }>;
  const names = roleList.map((r) => r.name);
  expect(names).toEqual(expect.arrayContaining(['tenant-admin', 'tenant-member', 'team-manager', 'workspace-admin']));
  const builtin = roleList.find((r) => r.name === 'workspace-admin')!;
  expect(builtin.resourceType).toBe('workspace');

  const bogus = await http.post(api('/roles'), {
    data: {
      name: 'custom-deployer',
      displayName: 'Custom Deployer',
      description: 'Can deploy apps',
      resourceType: 'workspace',
      permissions: ['deploy:create'],
    },
  });
  expect(bogus.status()).toBe(400);
  expect((await bogus.json()).field).toBe('permissions');

  const created = await http.post(api('/roles'), {
    data: {
      name: 'custom-deployer',
      displayName: 'Custom Deployer',
      description: 'Can deploy apps',
      resourceType: 'workspace',
      permissions: ['workspace:ReadWorkspace', 'workspace:ManageWorkspace'],
    },
  });
  expect(created.status()).toBe(201);
  const deployer = (await created.json()).data;
  expect(deployer).toMatchObject({ name: 'custom-deployer', resourceType: 'workspace', builtin: false });

  const builtinDelete = await http.delete(api(`/roles/${builtin.id}`));
  expect(builtinDelete.status()).toBe(409);
  expect((await builtinDelete.json()).message).toBe(
    'Built-in roles cannot be deleted. Only custom roles can be removed.',
  );
  const missingRole = await http.delete(api('/roles/999999'));
  expect(missingRole.status()).toBe(404);
  expect((await missingRole.json()).message).toBe('Role ID not found. List roles first to find the correct ID.');

  // Teams: create, read, members in and out.
  const team = await http.post(api('/teams'), {
    data: { name: 'platform-team', description: 'Platform engineering team' },
  });
  expect(team.status()).toBe(201);
  const teamId = (await team.json()).data.id as string;
  expect(teamId).toMatch(/^\d+$/);
  const listed = await http.get(api('/teams?limit=10'));
  expect((await listed.json()).data.map((t: { name: string }) => t.name)).toContain('platform-team');
  const missingTeam = await http.get(api('/teams/999999'));
  expect(missingTeam.status()).toBe(404);
  expect((await missingTeam.json()).message).toBe('Team ID not found. List teams first to find the correct ID.');

  const added = await http.post(api(`/teams/${teamId}/members`), {
    data: { subject: `user:${ADMIN.email}`, role: 'member' },
  });
  expect(added.status()).toBe(201);
  const addedTeam = (await added.json()).data;
  // `members` as emails (TrueFoundry's shape), `memberships` with each one's place.
  expect(addedTeam.members).toEqual([ADMIN.email]);
  const memberships = addedTeam.memberships as Array<{ subject: string; role: string }>;
  expect(memberships).toEqual([expect.objectContaining({ subject: `user:${ADMIN.email}`, role: 'member' })]);
  const badMember = await http.post(api(`/teams/${teamId}/members`), {
    data: { subject: 'alice', role: 'member' },
  });
  expect(badMember.status()).toBe(400);
  expect((await badMember.json()).message).toContain('Invalid subject format');
  const removed = await http.delete(api(`/teams/${teamId}/members/${encodeURIComponent(`user:${ADMIN.email}`)}`));
  expect(removed.status()).toBe(200);
  expect((await removed.json()).data.memberships).toEqual([]);

  // A workspace to share, in a cluster.
  const cluster = await http.post(api('/resources'), { data: { resourceType: 'cluster', name: 'seed-cluster' } });
  expect(cluster.status()).toBe(201);
  const clusterId = (await cluster.json()).data.id as string;
  const workspace = await http.post(api('/resources'), {
    data: { resourceType: 'workspace', name: 'prod-workspace', parentId: clusterId },
  });
  expect(workspace.status()).toBe(201);
  const workspaceId = (await workspace.json()).data.id as string;

  // Collaborators: list, add, refuse duplicates and bad subjects, remove.
  const collaborators = await http.get(api(`/collaborators?resourceType=workspace&resourceId=${workspaceId}`));
  expect(collaborators.status()).toBe(200);
  expect((await collaborators.json()).data).toEqual([
    expect.objectContaining({ subject: `user:${ADMIN.email}`, role: 'workspace-admin' }),
  ]);
  const grant = {
    resourceType: 'workspace',
    resourceId: workspaceId,
    subject: 'team:platform-team',
    roleId: deployer.id,
  };
  const granted = await http.post(api('/collaborators'), { data: grant });
  expect(granted.status()).toBe(201);
  const again = await http.post(api('/collaborators'), { data: grant });
  expect(again.status()).toBe(409);
  expect((await again.json()).message).toBe(
    'Collaborator with this subject and role already exists on the resource. Use a different role or remove the existing collaborator first.',
  );
  const badSubject = await http.post(api('/collaborators'), { data: { ...grant, subject: 'platform-team' } });
  expect(badSubject.status()).toBe(400);
  expect((await badSubject.json()).message).toBe(
    'Invalid subject format. Use the pattern "type:identifier" \u2014 e.g., user:alice@company.com, team:platform-team, serviceaccount:ci-bot.',
  );
  const missingResource = await http.post(api('/collaborators'), { data: { ...grant, resourceId: 999999 } });
  expect(missingResource.status()).toBe(404);
  expect((await missingResource.json()).message).toBe(
    'Resource not found. Verify the resourceType and resourceId are correct. List the resources first to confirm.',
  );
  const wrongType = await http.get(api(`/collaborators?resourceType=mcp-server&resourceId=${workspaceId}`));
  expect(wrongType.status()).toBe(404);

  const check = await http.get(
    api(`/access/check?subject=team:platform-team&permission=workspace:ReadWorkspace&resourceType=workspace&resourceId=${workspaceId}`),
  );
  expect(check.status()).toBe(200);
  const answer = await check.json();
  expect(answer.allowed).toBe(true);
  expect(answer.paths.map((p: { description: string }) => p.description)).toContain('team platform-team -> Custom Deployer');

  const revoked = await http.delete(api('/collaborators'), {
    data: { resourceType: 'workspace', resourceId: workspaceId, subject: 'team:platform-team' },
  });
  expect(revoked.status()).toBe(200);
  const after = await http.get(
    api(`/access/check?subject=team:platform-team&permission=workspace:ReadWorkspace&resourceType=workspace&resourceId=${workspaceId}`),
  );
  expect((await after.json()).allowed).toBe(false);

  // Clean up what later journeys do not expect, through the API as well.
  expect((await http.delete(api(`/resources/${workspaceId}`))).status()).toBe(200);
  expect((await http.delete(api(`/resources/${clusterId}`))).status()).toBe(200);
  expect((await http.delete(api(`/teams/${teamId}`))).status()).toBe(200);
  expect((await http.delete(api(`/roles/${deployer.id}`))).status()).toBe(200);
  await http.dispose();
});

test('the OpenAPI document validates and the reference page is linked from the console', async ({ browser, request }) => {
  const response = await request.get(api('/openapi.json'));
  expect(response.status()).toBe(200);
  const document = await response.json();
  expect(document.openapi).toMatch(/^3\.1\./);
  // Validates against the OpenAPI 3.1 schema and resolves every $ref.
  await SwaggerParser.validate(structuredClone(document));
  const paths = Object.keys(document.paths);
  for (const path of [
    '/roles',
    '/roles/{id}',
    '/teams',
    '/teams/{id}',
    '/teams/{id}/members',
    '/teams/{id}/members/{subject}',
    '/collaborators',
    '/resources',
    '/resources/{id}',
    '/access/check',
    '/users',
    '/users/register',
    '/users/roles',
    '/users/deactivate',
    '/users/activate',
    '/users/{id}',
    '/personal-access-tokens',
    '/personal-access-tokens/{id}',
    '/personal-access-tokens/revoke/all',
    '/virtual-accounts',
    '/virtual-accounts/{id}/token',
    '/virtual-accounts/{id}/regenerate-token',
    // TrueFoundry's SDK's own routes.
    '/teams/user',
    '/teams/{id}/managers',
    '/x/users/info',
    '/users/invite',
    '/personal-access-tokens/for-user',
    '/virtual-accounts/exists',
    '/apply',
    '/delete',
  ]) {
    expect(paths).toContain(path);
  }

  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  await admin.getByRole('link', { name: 'API reference' }).click();
  await expect(admin).toHaveURL(/\/api\/svc\/v1\/docs$/);
  await expect(admin.getByRole('heading', { name: 'Latchkey API reference' })).toBeVisible();
  // The endpoint's own entry (descriptions elsewhere name it too).
  await expect(admin.getByText('POST /collaborators', { exact: true }).first()).toBeVisible();
  await admin.screenshot({ path: 'test-results/api-reference.png', fullPage: false });
});
