// The functions without a registry: keys, the header, redirect URIs, PKCE, redaction,
// codes and errors; and the package's two entry points.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { inspect } from "node:util";
import { createHash, randomBytes } from "node:crypto";

import * as picket from "picket-node";
import {
  Code, CODE_NAMES, KeyKind, Mode, Key, parseKey, generateKey, formatKey, digest, digestHex,
  digestFromHex, verify, verifyAny, redacted, parseAuthorization, validateRedirectUri,
  matchRedirectUri, verifyPkce, redact, httpStatus, wwwAuthenticate, resultText, libraryVersion,
  PicketError, InvalidKeyError, HeaderError, RedirectError, PkceError, DigestError, UsageError,
  AuthError, errorClass,
} from "picket-node";
import { PK, SK, basic, jsSdk } from "./helpers.mjs";

const require = createRequire(import.meta.url);

test("ESM and CommonJS entry points are one implementation with the same names", () => {
  const cjs = require("picket-node");
  const names = Object.keys(cjs).filter((n) => n !== "__esModule").sort();
  assert.deepEqual(Object.keys(picket).filter((n) => n !== "default").sort(), names);
  assert.equal(cjs.Registry, picket.Registry);
  assert.equal(cjs.AuthError, AuthError);
  assert.ok(names.length > 40);
});

test("keys parse, classify and never print a secret in full", () => {
  const sk = parseKey(SK);
  assert.equal(sk.kind, KeyKind.SECRET);
  assert.equal(sk.expose(), SK);
  assert.equal(sk.redacted(), "sk_…9e24");
  for (const shown of [String(sk), `${sk}`, JSON.stringify({ sk }), inspect(sk), inspect({ sk }, { depth: 5, showHidden: true })]) {
    assert.ok(!shown.includes(SK.slice(3)), shown);
  }
  assert.deepEqual(Object.keys(sk), ["kind"]);
  const pk = parseKey(Buffer.from(PK));
  assert.equal(pk.kind, KeyKind.PUBLISHABLE);
  assert.equal(String(pk), PK);
  assert.equal(sk.isSecret, true);
  assert.equal(pk.isSecret, false);
  assert.equal(sk.verify(createHash("sha256").update(SK).digest()), true);
  assert.equal(sk.verify(createHash("sha256").update(PK).digest()), false);
  assert.throws(() => sk.verify(Buffer.alloc(31)), TypeError);
  assert.equal(sk.equals(parseKey(Buffer.from(SK))), true);
  assert.equal(sk.equals(pk), false);
  assert.equal(sk.equals(parseKey(SK.slice(0, -1) + "5")), false);
  assert.throws(() => sk.equals(SK), TypeError);
});

test("every key rule is an InvalidKeyError with its code and rule name", () => {
  const cases = [
    ["", Code.KEY_EMPTY, "key_empty"],
    ["xk_d9960d04426c1e9f3941bec7e39c8854", Code.KEY_UNKNOWN_PREFIX, "key_unknown_prefix"],
    ["pk_d9960d04", Code.KEY_WRONG_LENGTH, "key_wrong_length"],
    ["pk_g9960d04426c1e9f3941bec7e39c8854", Code.KEY_NON_HEX, "key_non_hex"],
    [PK + "\n", Code.KEY_SURROUNDING_WHITESPACE, "key_surrounding_whitespace"],
    ["pk_D9960d04426c1e9f3941bec7e39c8854", Code.KEY_UPPERCASE, "key_uppercase"],
  ];
  for (const [input, code, rule] of cases) {
    assert.throws(() => parseKey(input), (e) => {
      assert.ok(e instanceof InvalidKeyError && e instanceof PicketError && e instanceof Error);
      assert.equal(e.code, code);
      assert.equal(e.rule, rule);
      assert.equal(e.name, "InvalidKeyError");
      assert.deepEqual(JSON.parse(JSON.stringify(e)), { error: rule, code, message: e.message });
      assert.ok(e.message.length > 0 && !e.message.includes("d9960d04426c"), e.message);
      return true;
    });
  }
});

test("generate, format, digest and verify agree with node:crypto", () => {
  for (const kind of [KeyKind.PUBLISHABLE, KeyKind.SECRET]) {
    const k = generateKey(kind);
    assert.equal(k.kind, kind);
    assert.match(k.expose(), /^(pk|sk)_[0-9a-f]{32}$/);
    const sha = createHash("sha256").update(k.expose()).digest();
    assert.deepEqual(k.digest(), sha);
    assert.equal(k.digestHex(), sha.toString("hex"));
    assert.deepEqual(digest(k.expose()), sha);
    assert.equal(digestHex(k), sha.toString("hex"));
    assert.deepEqual(digestFromHex(sha.toString("hex")), sha);
    assert.equal(verify(k, sha), true);
    assert.equal(verify(k, randomBytes(32)), false);
    assert.equal(verifyAny(k, [randomBytes(32), sha]), 1);
    assert.equal(verifyAny(k, [randomBytes(32)]), -1);
    assert.equal(verifyAny(k, []), -1);
  }
  assert.notEqual(generateKey(KeyKind.SECRET).expose(), generateKey(KeyKind.SECRET).expose());
  assert.equal(formatKey(KeyKind.PUBLISHABLE, Buffer.alloc(16, 0xab)).expose(), "pk_" + "ab".repeat(16));
  assert.equal(redacted(SK), "sk_…9e24");
  assert.throws(() => digestFromHex("AB".repeat(32)), (e) => e instanceof DigestError && e.code === Code.DIGEST_INVALID_CHARACTER);
  assert.throws(() => verify("nope", Buffer.alloc(32)), InvalidKeyError);
});

test("both header forms real clients send parse, as strings and as Buffers", () => {
  for (const header of [basic(SK), jsSdk(SK), Buffer.from(basic(SK)), Buffer.from(jsSdk(SK))]) {
    const key = parseAuthorization(header);
    assert.equal(key.expose(), SK);
    assert.equal(key.kind, KeyKind.SECRET);
  }
  assert.equal(parseAuthorization(`Bearer ${PK}`, { acceptBearer: true }).expose(), PK);
  assert.throws(() => parseAuthorization(`Bearer ${PK}`), (e) => e instanceof HeaderError && e.code === Code.HEADER_BEARER_NOT_ENABLED);
  assert.throws(() => parseAuthorization(undefined), (e) => e.code === Code.HEADER_MISSING && e.rule === "header_missing");
  assert.throws(() => parseAuthorization("Basic " + Buffer.from("sk_E1f767d29fa6e533f2e5c62342fb9e24:").toString("base64")),
    (e) => e instanceof HeaderError && e.code === Code.KEY_UPPERCASE);
  assert.throws(() => parseAuthorization("x".repeat(9000)), (e) => e.code === Code.HEADER_TOO_LONG);
  assert.throws(() => parseAuthorization("Basic é"), (e) => e.code === Code.HEADER_NON_ASCII);
});

test("redirect URIs: registration rules and byte-exact matching", () => {
  validateRedirectUri("https://app.example.com/callback", Mode.PRODUCTION);
  validateRedirectUri("http://localhost:3000", Mode.DEVELOPMENT);
  assert.throws(() => validateRedirectUri("http://localhost:3000", Mode.PRODUCTION),
    (e) => e instanceof RedirectError && e.code === Code.REDIRECT_INSECURE_SCHEME);
  assert.throws(() => validateRedirectUri("https://localhost/cb", Mode.PRODUCTION),
    (e) => e.code === Code.REDIRECT_LOOPBACK_IN_PRODUCTION);
  validateRedirectUri("com.example.app:/cb", Mode.PRODUCTION, { allowPrivateUseSchemes: true });
  assert.throws(() => validateRedirectUri("com.example.app:/cb", Mode.PRODUCTION), RedirectError);
  const reg = ["https://a.example/cb", "http://localhost:3000"];
  assert.equal(matchRedirectUri(reg, "https://a.example/cb", Mode.PRODUCTION), true);
  assert.equal(matchRedirectUri(reg, "https://a.example/cb/", Mode.PRODUCTION), false);
  assert.equal(matchRedirectUri(reg, "http://localhost:3000", Mode.PRODUCTION), false);
  assert.equal(matchRedirectUri(reg, "http://localhost:3000", Mode.DEVELOPMENT), true);
  assert.equal(matchRedirectUri(["http://127.0.0.1:1/cb"], "http://127.0.0.1:9/cb", Mode.DEVELOPMENT, { loopbackAnyPort: true }), true);
});

test("PKCE: only S256, constant-time, every rule named", () => {
  verifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256");
  assert.throws(() => verifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXa", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"),
    (e) => e instanceof PkceError && e.rule === "pkce_mismatch");
  assert.throws(() => verifyPkce("x".repeat(43), "x".repeat(43), "plain"), (e) => e.code === Code.PKCE_PLAIN_REFUSED);
});

test("redact masks secret keys in strings and Buffers, and nothing else", () => {
  assert.equal(redact(`key=${SK}&pk=${PK}`), `key=sk_…9e24&pk=${PK}`);
  assert.equal(redact(`Authorization: ${basic(SK)}`), "Authorization: Basic [REDACTED sk_…9e24]");
  assert.equal(redact("héllo ✓"), "héllo ✓");
  const out = redact(Buffer.from(`x ${SK}`));
  assert.ok(Buffer.isBuffer(out));
  assert.equal(out.toString(), "x sk_…9e24");
  assert.equal(redact(""), "");
  const long = `${"a".repeat(100_000)} ${SK}`;
  assert.equal(redact(long), `${"a".repeat(100_000)} sk_…9e24`);
});

test("codes: generated names, texts, HTTP answers and error classes", () => {
  assert.equal(CODE_NAMES.get(500), "auth_unknown_key");
  assert.equal(Code.AUTH_WRONG_KIND, 502);
  for (const [name, value] of Object.entries(Code)) {
    assert.equal(CODE_NAMES.get(value), name.toLowerCase());
    const t = resultText(value);
    assert.ok(typeof t === "string" && t.length > 0, name);
  }
  assert.equal(resultText(99), null);
  assert.equal(httpStatus(Code.AUTH_WRONG_KIND), 403);
  assert.equal(httpStatus(Code.AUTH_UNKNOWN_KEY), 401);
  assert.equal(wwwAuthenticate(Code.AUTH_UNKNOWN_KEY), 'Basic realm="picket"');
  assert.equal(wwwAuthenticate(Code.AUTH_WRONG_KIND), null);
  assert.equal(errorClass(102), InvalidKeyError);
  assert.equal(errorClass(4), UsageError);
  assert.equal(libraryVersion(), require("picket-node/package.json").version);
});

test("wrong types are TypeErrors and bad numbers RangeErrors, before any native call", () => {
  for (const bad of [5, null, {}, [], undefined, Symbol("x"), new Uint16Array(4)]) {
    assert.throws(() => parseKey(bad), TypeError);
    assert.throws(() => redact(bad), TypeError);
    assert.throws(() => verifyPkce(bad, "a", "S256"), TypeError);
  }
  assert.throws(() => generateKey(3), RangeError);
  assert.throws(() => generateKey("secret"), RangeError);
  assert.throws(() => validateRedirectUri("https://a.example/cb", 7), RangeError);
  assert.throws(() => formatKey(KeyKind.SECRET, Buffer.alloc(15)), TypeError);
  assert.throws(() => verify(SK, Buffer.alloc(31)), TypeError);
  assert.throws(() => matchRedirectUri(["a", 1], "a", Mode.PRODUCTION), TypeError);
  assert.throws(() => parseAuthorization(basic(SK), "yes"), TypeError);
});
