// A real OpenID Connect provider on loopback for the single sign-on tests: panva's certified
// oidc-provider, with one client and the accounts the tests name, a login form and a consent
// form. Started by tests/accounts/identity_provider.py as
//
//     node provider.mjs CONFIG.json ISSUER.json
//
// where CONFIG.json is {"client": {...client metadata}, "accounts": {LOGIN: {password, sub,
// claims, amr, acr}}}. It listens on a free port of 127.0.0.1 and, once it answers, writes
// {"issuer": URL} to ISSUER.json (whole: written aside, then renamed).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const [configFile, issuerFile] = process.argv.slice(2);
const { client, accounts } = JSON.parse(readFileSync(configFile, 'utf8'));
const bySubject = new Map(Object.values(accounts).map((account) => [account.sub, account]));

// A signing key made afresh each run: the client finds it at the provider's jwks_uri.
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const configuration = {
  clients: [{
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  }],
  jwks: { keys: [{ ...signingKey, kid: 'loopback-signing-key', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // How the account signed in goes into every ID token, as Entra ID and Keycloak put it there.
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'] },
  // The forms below take the place of the library's development ones.
  features: { devInteractions: { enabled: false } },
  async findAccount(ctx, sub) {
    const account = bySubject.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
};

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, title, form) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><title>${escape(title)}</title><h1>${escape(title)}</h1>${form}</html>`);
}

function loginForm(res, uid, status = 200, problem = '') {
  page(res, status, 'Sign in to the loopback provider', `${problem ? `<p>${escape(problem)}</p>` : ''}
    <form method="post" action="/interaction/${escape(uid)}/login">
      <label>Login <input name="login"></label>
      <label>Password <input name="password" type="password"></label>
      <button type="submit">Sign in</button>
    </form>`);
}

function consentForm(res, uid, clientId) {
  page(res, 200, `Let ${clientId} know who you are`, `
    <form method="post" action="/interaction/${escape(uid)}/confirm">
      <button type="submit">Continue</button>
    </form>`);
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(provider, req, res, action) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params } = details;
  if (req.method === 'GET') {
    if (prompt.name === 'login') return loginForm(res, uid);
    return consentForm(res, uid, params.client_id);
  }
  const form = await formBody(req);
  if (action === 'login') {
    const account = accounts[form.get('login')];
    if (!account || account.password !== form.get('password')) {
      return loginForm(res, uid, 401, 'Wrong login or password');
    }
    // How the account "signed in" here is what the ID token's amr and acr then say.
    const login = { accountId: account.sub, amr: account.amr, acr: account.acr };
    return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
  }
  if (action !== 'confirm' || prompt.name !== 'consent') return page(res, 404, 'Not found', '');
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  server.on('request', (req, res) => {
    const match = new URL(req.url, issuer).pathname.match(/^\/interaction\/([^/]+)(?:\/(login|confirm))?$/);
    if (!match) return handle(req, res);
    return interaction(provider, req, res, match[2]).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  writeFileSync(`${issuerFile}.part`, JSON.stringify({ issuer }));
  renameSync(`${issuerFile}.part`, issuerFile);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
