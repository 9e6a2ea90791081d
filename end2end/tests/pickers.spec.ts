import { expect, Page, test } from '@playwright/test';
import { accessibilityProblems, ADMIN, baseUrl, hydrated, signIn } from '../support';

// People, teams and virtual accounts picked by name (team members, collaborators, Check
// access, bulk "Add to team"), grants that link to their subjects, and the Users list's bulk
// actions, sortable headers and page size. Arranges its own people, team and cluster.
const PICKED = ['pick-one@example.com', 'pick-two@example.com'];

test.describe.serial('picking by name', () => {
  let teamUrl = '';

  test('the invite dialog: several addresses, a role with its description, a team to join', async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto(`${baseUrl()}/access/teams/new`);
    await hydrated(page);
    await page.getByLabel('Name').fill('pickers');
    await page.getByLabel('Description').fill('Found by name');
    await page.getByRole('button', { name: 'Create team' }).click();
    await expect(page).toHaveURL(/\/access\/teams\/\d+$/);
    teamUrl = page.url();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
    await hydrated(page);
    await page.getByRole('link', { name: 'Invite users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite users' });
    await expect(dialog).toBeVisible();
    // Still the Users list underneath: a dialog, not a page.
    await expect(page).toHaveURL(/\/access\/users$/);
    await expect(dialog.getByTestId('role-description')).toContainText('General platform user');
    await dialog.getByLabel('Email addresses').fill(PICKED.join('\n'));
    await dialog.getByRole('combobox', { name: 'Teams (optional)' }).fill('picker');
    await page.getByRole('option', { name: /pickers/ }).click();
    await expect(dialog.getByRole('list', { name: 'Teams chosen' })).toContainText('pickers');
    await page.screenshot({ path: 'test-results/invite-dialog.png' });
    expect(await accessibilityProblems(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await expect(dialog.getByText('A link to set their password is on its way by email.')).toHaveCount(2);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    // The list behind it was read again.
    await expect(page.getByRole('row', { name: new RegExp(PICKED[0]) })).toBeVisible();
    // Opened again, the form starts empty.
    await page.getByRole('link', { name: 'Invite users' }).click();
    await expect(dialog.getByLabel('Email addresses')).toHaveValue('');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  });

  test('team members are found by name, with the keyboard', async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto(teamUrl);
    await hydrated(page);
    // The invitation put both in the team.
    for (const email of PICKED) await expect(page.getByRole('row', { name: new RegExp(email) })).toBeVisible();

    const find = page.getByRole('combobox', { name: 'Find people' });
    await find.fill('pick-');
    const list = page.getByRole('listbox');
    await expect(list.getByRole('option')).toHaveCount(2);
    await expect(find).toHaveAttribute('aria-expanded', 'true');
    expect(await accessibilityProblems(page)).toEqual([]);
    await find.press('ArrowDown');
    await expect(list.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
    await find.press('Enter');
    await expect(find).toHaveValue('');
    await find.fill('ada@');
    await page.getByRole('option', { name: new RegExp(ADMIN.email) }).click();
    await expect(page.getByLabel('Email addresses')).toHaveValue(`${PICKED[0]}, ${ADMIN.email}`);
    // Escape closes the list without choosing.
    await find.fill('pick');
    await expect(list).toBeVisible();
    await find.press('Escape');
    await expect(list).toBeHidden();
    await find.fill('');
    await page.getByRole('button', { name: 'Add members' }).click();
    await expect(page.getByRole('status')).toContainText(`Added ${ADMIN.email}.`);
    await expect(page.getByRole('status')).toContainText(`Already in the team: ${PICKED[0]}.`);
  });

  test('a collaborator is picked by name, and the grant links to the team', async ({ page }) => {
    await signIn(page, ADMIN);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resources' }).click();
    await hydrated(page);
    await page.getByLabel('Resource type').selectOption({ label: 'Cluster' });
    await page.getByLabel('Name').fill('picker-cluster');
    await page.getByRole('button', { name: 'Record resource' }).click();
    await expect(page).toHaveURL(/\/resources\/\d+$/);
    await hydrated(page);

    await page.getByRole('combobox', { name: 'Subject' }).fill('picker');
    await page.getByRole('option', { name: /pickers\s*Team/ }).click();
    // The choice shows by name; "Change" brings the field back.
    await expect(page.getByRole('button', { name: 'Change pickers' })).toBeVisible();
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Cluster Viewer' });
    await page.getByRole('button', { name: 'Add collaborator' }).click();
    const row = page.getByRole('row', { name: /team:pickers/ });
    await expect(row).toContainText('Cluster Viewer');
    await page.screenshot({ path: 'test-results/collaborators-by-name.png', fullPage: true });
    await expect(page.getByRole('combobox', { name: 'Subject' })).toHaveValue('');

    // Check access, picking the person.
    await page.getByRole('combobox', { name: 'Who' }).fill('pick-one');
    await page.getByRole('option', { name: /pick-one@example.com/ }).click();
    await page.getByLabel('Permission').selectOption('cluster:ReadCluster');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page.getByText('team pickers -> Cluster Viewer')).toBeVisible();

    // The grant's name leads to the team, whose page lists the resource.
    await row.getByRole('link', { name: 'pickers' }).click();
    await expect(page).toHaveURL(teamUrl);
    await expect(page.getByRole('heading', { name: 'Resources' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'picker-cluster' })).toBeVisible();
  });

  test('bulk actions change several users with one confirmation', async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto(`${baseUrl()}/access/users?q=pick-`);
    await hydrated(page);
    await expect(page.getByRole('row')).toHaveCount(3);
    await page.getByLabel('Select every user on this page').check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await expect(bar).toContainText('2 selected');
    await page.screenshot({ path: 'test-results/bulk-bar.png' });

    await bar.getByLabel('Action').selectOption('deactivate');
    await bar.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect(page.getByText('Deactivate 2 users? They are signed out everywhere.')).toBeVisible();
    await page.getByRole('button', { name: 'Apply to all' }).click();
    await expect(page.getByTestId('toast')).toContainText('Changed 2 users.');
    for (const email of PICKED) {
      await expect(page.getByRole('row', { name: new RegExp(email) })).toContainText('Deactivated');
    }
    await expect(bar).toBeHidden();

    await page.getByLabel(`Select ${PICKED[0]}`).check();
    await page.getByLabel(`Select ${PICKED[1]}`).check();
    await bar.getByLabel('Action').selectOption('activate');
    await bar.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByRole('button', { name: 'Apply to all' }).click();
    await expect(page.getByTestId('toast')).toContainText('Changed 2 users.');
    await expect(page.getByRole('row', { name: new RegExp(PICKED[0]) })).not.toContainText('Deactivated');

    // Change role, then add to a team found by name.
    await page.getByLabel('Select every user on this page').check();
    await bar.getByLabel('Action').selectOption('role');
    await expect(bar.getByRole('button', { name: 'Apply', exact: true })).toHaveCount(0);
    await bar.getByLabel('New role').selectOption({ label: 'Team Manager' });
    await bar.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect(page.getByText('Give 2 users the role Team Manager?')).toBeVisible();
    await page.getByRole('button', { name: 'Apply to all' }).click();
    await expect(page.getByTestId('toast')).toContainText('Changed 2 users.');
    await expect(page.getByRole('row', { name: new RegExp(PICKED[1]) })).toContainText('Team Manager');

    await page.getByLabel(`Select ${PICKED[0]}`).check();
    await bar.getByLabel('Action').selectOption('team');
    await bar.getByRole('combobox', { name: 'Team' }).fill('picker');
    await page.getByRole('option', { name: /pickers/ }).click();
    await bar.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByRole('button', { name: 'Apply to all' }).click();
    // Already in the team: nothing needed changing, and the answer says so.
    await expect(page.getByTestId('toast')).toContainText('Nobody needed the change.');
  });

  test('column headers sort, and the page size is kept in the address', async ({ page }) => {
    await signIn(page, ADMIN);
    const header = page.getByRole('columnheader', { name: 'Name' });
    await header.getByRole('link').click();
    await expect(page).toHaveURL(/sort=name/);
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    await expect(page.getByRole('columnheader', { name: 'Email' })).not.toHaveAttribute('aria-sort', /.+/);
    await page.getByLabel('Per page').selectOption('50');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/sort=name/);
    await expect(page).toHaveURL(/size=50/);
    await expect(page.getByLabel('Per page')).toHaveValue('50');
  });

  // Later specs read the first page of the Users list: leave it as it was.
  test('leaves nothing behind', async ({ page }) => {
    await signIn(page, ADMIN);
    const api = (path: string) => `${baseUrl()}/api/svc/v1${path}`;
    const teamId = teamUrl.split('/').pop();
    expect((await page.request.delete(api(`/teams/${teamId}`))).status()).toBeLessThan(300);
    await page.goto(`${baseUrl()}/access/users?q=pick-`);
    await hydrated(page);
    for (const email of PICKED) {
      const href = await page.getByRole('link', { name: email }).getAttribute('href');
      const id = href?.split('/').pop();
      const deleted = await page.request.delete(api(`/users/${id}`));
      expect(deleted.status(), await deleted.text()).toBeLessThan(300);
    }
  });
});
