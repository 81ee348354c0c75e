// Node `oauth-1.0a` (with Node's own crypto and fetch) against a running demo provider.
// Usage: node interop.js BASE_URL CONSUMER_KEY CONSUMER_SECRET
// Prints "PASS name" / "FAIL name: why" per check; exits 1 when any check failed.
'use strict';

const crypto = require('crypto');
const OAuth = require('oauth-1.0a');

const [base, key, secret] = process.argv.slice(2);
let failed = 0;

function check(name, ok, why) {
  if (ok) {
    console.log(`PASS ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}: ${why}`);
  }
}

function client(method) {
  const alg = method === 'HMAC-SHA256' ? 'sha256' : 'sha1';
  return OAuth({
    consumer: { key, secret },
    signature_method: method,
    hash_function(text, k) {
      return crypto.createHmac(alg, k).update(text).digest('base64');
    },
  });
}

// RFC 3986 encoding, as oauth-1.0a decodes query values (decodeURIComponent).
function enc(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function form(obj) {
  return Object.entries(obj).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

function parseForm(text) {
  const out = {};
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const [k, v = ''] = pair.split('=');
    out[decodeURIComponent(k.replace(/\+/g, ' '))] = decodeURIComponent(v.replace(/\+/g, ' '));
  }
  return out;
}

// Protocol parameters and data all in the form body (oauth-1.0a's header only carries the
// oauth_* it generated itself, so oauth_callback and oauth_verifier travel in the body).
async function postSigned(oauth, url, data, token) {
  const signed = oauth.authorize({ url, method: 'POST', data }, token);
  const body = form({ ...data, ...signed });
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

async function flow(method) {
  const oauth = client(method);
  const callback = 'http://client.test/cb?x=a%20b';
  let res = await postSigned(oauth, `${base}/initiate`, { oauth_callback: callback });
  let text = await res.text();
  check(`${method} initiate`, res.status === 200, `${res.status} ${text}`);
  const temp = parseForm(text);
  // The resource owner's browser: the consent page sets the anti-forgery cookie and carries
  // the hidden anti-forgery field; both go back with the decision.
  const page = await fetch(`${base}/authorize?oauth_token=${encodeURIComponent(temp.oauth_token)}`);
  const html = await page.text();
  const cookie = (page.headers.get('set-cookie') || '').split(';')[0];
  const hidden = (html.match(/name="oauth1_consent" value="([^"]*)"/) || [])[1] || '';
  res = await fetch(`${base}/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: form({ oauth_token: temp.oauth_token, user: 'alice', decision: 'allow', oauth1_consent: hidden }),
  });
  const location = res.headers.get('location') || '';
  check(`${method} authorize keeps the callback query`, res.status === 302 && location.startsWith(`${callback}&oauth_token=`), `${res.status} ${location}`);
  const verifier = new URL(location).searchParams.get('oauth_verifier');
  res = await postSigned(oauth, `${base}/token`, { oauth_verifier: verifier }, { key: temp.oauth_token, secret: temp.oauth_token_secret });
  text = await res.text();
  check(`${method} token`, res.status === 200, `${res.status} ${text}`);
  const tok = parseForm(text);
  const token = { key: tok.oauth_token, secret: tok.oauth_token_secret };

  // Protected GET, header transport, with awkward query parameters.
  const query = `file=${enc("vacation ü+%&=~*!'()")}&size=&tag=a&tag=b`;
  const url = `${base}/photos?${query}`;
  const signed = oauth.toHeader(oauth.authorize({ url, method: 'GET' }, token));
  res = await fetch(url, { headers: { ...signed } });
  text = await res.text();
  let json = res.status === 200 ? JSON.parse(text) : {};
  check(`${method} protected GET`, res.status === 200 && json.user === 'alice' && json.file === "vacation ü+%&=~*!'()", `${res.status} ${text}`);
  res = await fetch(url, { headers: { ...signed } });
  check(`${method} replay refused`, res.status === 401, `${res.status}`);
  const tampered = url.replace('tag=b', 'tag=c');
  res = await fetch(tampered, { headers: { ...oauth.toHeader(oauth.authorize({ url, method: 'GET' }, token)) } });
  check(`${method} tampered parameter refused`, res.status === 401, `${res.status}`);
  res = await fetch(url, { method: 'POST', headers: { ...oauth.toHeader(oauth.authorize({ url, method: 'GET' }, token)) } });
  check(`${method} tampered method refused`, res.status === 401, `${res.status}`);

  // Protected POST with a form body (header transport; the body is signed).
  const data = { file: 'a b.jpg', size: 'small' };
  const postUrl = `${base}/photos`;
  const headers = { ...oauth.toHeader(oauth.authorize({ url: postUrl, method: 'POST', data }, token)), 'content-type': 'application/x-www-form-urlencoded' };
  res = await fetch(postUrl, { method: 'POST', headers, body: form({ ...data, size: 'large' }) });
  check(`${method} tampered body refused`, res.status === 401, `${res.status}`);
  const headers2 = { ...oauth.toHeader(oauth.authorize({ url: postUrl, method: 'POST', data }, token)), 'content-type': 'application/x-www-form-urlencoded' };
  res = await fetch(postUrl, { method: 'POST', headers: headers2, body: form(data) });
  text = await res.text();
  json = res.status === 200 ? JSON.parse(text) : {};
  check(`${method} protected POST form`, res.status === 200 && json.file === 'a b.jpg', `${res.status} ${text}`);
}

(async () => {
  for (const method of ['HMAC-SHA1', 'HMAC-SHA256']) {
    try {
      await flow(method);
    } catch (e) {
      check(`${method} flow`, false, e.stack);
    }
  }
  process.exit(failed ? 1 : 0);
})();
