import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ADMIN, baseUrl, hydrated, newPage, signIn } from '../support';

// TrueFoundry's own Python SDK (truefoundry_sdk 0.6.0, PyPI truefoundry==0.17.5) against the
// running binary: end2end/sdk/truefoundry_sdk_calls.py drives every users, teams, personal
// access token, virtual account, whoami and apply/delete call with a token made in the console,
// and cleans up after itself. Runs after roles.spec.ts (name order), with the first Admin in place.

const home = process.env.HOME ?? '/root';
const python =
  process.env.LATCHKEY_SDK_PYTHON ?? join(home, '.cache', 'latchkey', 'tools', 'sdk-venv', 'bin', 'python');
const script = resolve(__dirname, '..', 'sdk', 'truefoundry_sdk_calls.py');

test('every TrueFoundry SDK call answers as the SDK expects', async ({ browser }) => {
  // The script may take up to 5 minutes (its own timeout below), on top of signing in.
  test.setTimeout(360_000);
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  await admin.goto(`${baseUrl()}/access/tokens`);
  await hydrated(admin);
  await admin.getByLabel('Name').fill(`sdk-agent-${Date.now().toString(36)}`);
  await admin.getByRole('button', { name: 'Create token' }).click();
  const token = await admin.getByLabel('Token', { exact: true }).inputValue();
  expect(token).toMatch(/^lk_pat_/);

  const run = spawnSync(python, [script], {
    env: {
      ...process.env,
      LATCHKEY_URL: baseUrl(),
      LATCHKEY_ADMIN_TOKEN: token,
      LATCHKEY_ADMIN_EMAIL: ADMIN.email,
      LATCHKEY_ADMIN_PASSWORD: ADMIN.password,
      PYTHONUNBUFFERED: '1',
    },
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? `\n${run.error}` : ''}`;
  console.log(output);
  expect(run.status, `${python} ${script} exited with ${run.status} (signal ${run.signal}):\n${output}`).toBe(0);
});
