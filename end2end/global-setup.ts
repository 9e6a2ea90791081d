import { startServer } from './server';

// One server for the whole run, on a fresh SQLite database in a temporary directory. Its
// address and setup link reach the tests through the environment.
export default async function globalSetup() {
  const server = await startServer();
  process.env.LATCHKEY_E2E_URL = server.baseUrl;
  process.env.LATCHKEY_E2E_SETUP_URL = server.setupUrl ?? '';
  return async () => {
    await server.stop();
  };
}
