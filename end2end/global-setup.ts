import { startServer } from './server';

// One server for the whole run, on a fresh SQLite database in a temporary directory, mailing
// through a test SMTP server. Its address, setup link, mail folder and log file reach the
// tests through the environment.
export default async function globalSetup() {
  const server = await startServer();
  process.env.LATCHKEY_E2E_URL = server.baseUrl;
  process.env.LATCHKEY_E2E_SETUP_URL = server.setupUrl ?? '';
  process.env.LATCHKEY_E2E_MAIL_DIR = server.mailDir;
  process.env.LATCHKEY_E2E_LOG_FILE = server.logFile;
  return async () => {
    await server.stop();
  };
}
