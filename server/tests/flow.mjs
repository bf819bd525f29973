// The whole OAuth 2.0 code flow with PKCE against a running picket-server, as the JS SDK
// runs it: S256 from Node's `crypto`, `fetch`, and the SDK's exact Authorization header for
// the keyed calls: "Basic" + two spaces + base64(key), no colon.
//
//   PICKET_URL=http://127.0.0.1:18350 PICKET_PK=pk_… PICKET_SK=sk_… \
//   PICKET_REDIRECT_A=http://localhost:3000/a PICKET_REDIRECT_B=http://localhost:3000/b node flow.mjs
//
// Exits non-zero with the failed check on stderr. Node 18+ (global fetch), no dependencies.
import { createHash, randomBytes } from "node:crypto";
import assert from "node:assert/strict";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env("PICKET_URL");
const pk = env("PICKET_PK");
const sk = env("PICKET_SK");
const redirectA = env("PICKET_REDIRECT_A");
const redirectB = env("PICKET_REDIRECT_B");

// The JS SDK's header: two spaces after "Basic", base64 of the key alone.
const sdkAuth = (key) => "Basic  " + Buffer.from(key, "utf8").toString("base64");

const b64url = (buf) => buf.toString("base64url"); // RFC 4648 §5, no padding
const newVerifier = () => b64url(randomBytes(32)); // 43 unreserved characters
const challengeOf = (v) => b64url(createHash("sha256").update(v, "ascii").digest());

async function authorize(redirectUri, challenge, state) {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: pk,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
  });
  const res = await fetch(`${base}/oauth2/authorize?${q}`, { redirect: "manual" });
  assert.equal(res.status, 302, `authorize: status ${res.status}: ${await res.text()}`);
  const location = res.headers.get("location") ?? "";
  assert.ok(location.startsWith(redirectUri + "?"), `authorize: redirected to ${location}, not ${redirectUri}`);
  const loc = new URL(location);
  assert.equal(loc.searchParams.get("state"), state, "authorize: state not echoed");
  assert.equal(loc.searchParams.get("error"), null, `authorize: error ${loc.href}`);
  const code = loc.searchParams.get("code");
  assert.ok(code && code.length >= 16, `authorize: no code in ${loc.href}`);
  return code;
}

async function token(code, redirectUri, verifier) {
  const res = await fetch(`${base}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: pk,
      code_verifier: verifier,
    }),
  });
  return { status: res.status, body: await res.json() };
}

async function validate(accessToken) {
  const res = await fetch(`${base}/v1/tokens/validate`, {
    method: "POST",
    headers: { authorization: sdkAuth(sk), "content-type": "application/json" },
    body: JSON.stringify({ token: accessToken }),
  });
  assert.equal(res.status, 200, `validate: status ${res.status}`);
  return res.json();
}

// The keyed call with the SDK's header is accepted, for both kinds of key.
for (const [key, kind] of [[pk, "publishable"], [sk, "secret"]]) {
  const res = await fetch(`${base}/v1/ping`, { headers: { authorization: sdkAuth(key) } });
  assert.equal(res.status, 200, `ping with the SDK header (${kind}): ${res.status}`);
  assert.equal((await res.json()).key_kind, kind);
}

// authorize -> 302 with code and state -> token -> validate with the secret key.
const verifier = newVerifier();
const state = b64url(randomBytes(12));
const code = await authorize(redirectA, challengeOf(verifier), state);
const t = await token(code, redirectA, verifier);
assert.equal(t.status, 200, `token: ${t.status} ${JSON.stringify(t.body)}`);
assert.equal(t.body.token_type, "Bearer");
assert.ok(typeof t.body.access_token === "string" && t.body.access_token.length >= 16);
assert.ok(Number.isInteger(t.body.expires_in) && t.body.expires_in > 0, "token: expires_in");
const v = await validate(t.body.access_token);
assert.equal(v.active, true, `validate: ${JSON.stringify(v)}`);
assert.equal(v.client_id, pk);
assert.ok(Number.isInteger(v.project_id), "validate: project_id");
assert.ok(v.expires_at !== undefined, "validate: expires_at");

// Replay: refused, and the token issued from the code is revoked.
const replay = await token(code, redirectA, verifier);
assert.equal(replay.status, 400, `replay: ${replay.status}`);
assert.equal(replay.body.error, "invalid_grant");
assert.deepEqual(await validate(t.body.access_token), { active: false }, "replay: token still active");

// A wrong verifier is refused.
const v2 = newVerifier();
const code2 = await authorize(redirectA, challengeOf(v2), "s2");
const wrong = await token(code2, redirectA, newVerifier());
assert.equal(wrong.status, 400, `wrong verifier: ${wrong.status}`);
assert.equal(wrong.body.error, "invalid_grant");

// A code used with another (registered) redirect URI is refused.
const v3 = newVerifier();
const code3 = await authorize(redirectA, challengeOf(v3), "s3");
const other = await token(code3, redirectB, v3);
assert.equal(other.status, 400, `other redirect_uri: ${other.status}`);
assert.equal(other.body.error, "invalid_grant");

// An unknown token is inactive.
assert.deepEqual(await validate("not-a-token-" + b64url(randomBytes(16))), { active: false });

console.log("node: PKCE flow OK (authorize, token, validate, replay revokes, wrong verifier, other redirect_uri)");
