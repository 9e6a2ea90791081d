import { startIdentityProvider, startServer } from './server';

// One server for the whole run, on a fresh SQLite database in a temporary directory, mailing
// through a test SMTP server, and an OpenID Provider for single sign-on. Their addresses, the
// setup link, the mail folder and the log file reach the tests through the environment.
export default async function globalSetup() {
  const server = await startServer();
  const idp = await startIdentityProvider(server.baseUrl);
  process.env.LATCHKEY_E2E_IDP_URL = idp.url;
  process.env.LATCHKEY_E2E_URL = server.baseUrl;
  process.env.LATCHKEY_E2E_SETUP_URL = server.setupUrl ?? '';
  process.env.LATCHKEY_E2E_MAIL_DIR = server.mailDir;
  process.env.LATCHKEY_E2E_LOG_FILE = server.logFile;
  process.env.LATCHKEY_E2E_DATABASE_FILE = server.databaseFile;
  return async () => {
    idp.stop();
    await server.stop();
  };
}
