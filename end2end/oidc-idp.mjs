// A real OpenID Provider for the end-to-end tests: the npm package oidc-provider (OpenID
// Certified) with its development login and consent pages, on 127.0.0.1, with two clients
// (Latchkey's providers `corp` and `partners`) and a few accounts whose groups differ.
//
//   node oidc-idp.mjs <latchkey base URL>
//
// Prints `listening http://127.0.0.1:PORT` once ready and stops when its stdin closes. Tests
// change an account's groups between sign-ins with
//   POST /__test/accounts/<id>  {"groups": [...]}
import http from 'node:http';
import Provider from 'oidc-provider';

const latchkey = process.argv[2];
if (!latchkey) {
  console.error('usage: node oidc-idp.mjs <latchkey base URL>');
  process.exit(2);
}

/** Accounts by login name: what their ID tokens say. */
const accounts = {
  lin: { email: 'lin@example.com', email_verified: true, name: 'Lin Okafor', groups: ['platform-eng'] },
  'root-sso': { email: 'root-sso@example.com', email_verified: true, name: 'Rita Root', groups: ['latchkey-admins'] },
  stranger: { email: 'stranger@example.com', email_verified: true, name: 'Sam Stranger', groups: [] },
  // Pia's work identity (another address), which she links from her Profile, and someone at
  // the provider who claims her address (an email match alone opens no account).
  'pia-work': { email: 'pia.work@example.com', email_verified: true, name: 'Pia Work', groups: [] },
  'pia-twin': { email: 'pia@example.com', email_verified: true, name: 'Not Pia', groups: [] },
};

const client = (slug) => ({
  client_id: `latchkey-${slug}`,
  client_secret: `${slug}-client-secret`,
  redirect_uris: [`${latchkey}/auth/sso/${slug}/callback`],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [client('corp'), client('partners')],
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Put the scopes' claims in the ID token, as Okta, Keycloak and Azure AD can be set to.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['latchkey-end2end-idp-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
});

server.on('request', (req, res) => {
  const control = req.url?.match(/^\/__test\/accounts\/([\w-]+)$/);
  if (control && req.method === 'POST') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const account = accounts[control[1]];
      if (!account) {
        res.writeHead(404).end();
        return;
      }
      account.groups = JSON.parse(body).groups;
      res.writeHead(204).end();
    });
    return;
  }
  provider.callback()(req, res);
});

console.log(`listening ${issuer}`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
setTimeout(() => process.exit(0), 900_000).unref();
