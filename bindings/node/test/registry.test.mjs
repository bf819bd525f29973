// The registry and the holder: building from rows, authenticate with every header form,
// expiry, kinds, 64-bit project ids, authorize_redirect, and atomic swaps.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  AuthError, AuthorizeError, BuildError, Code, DigestError, KeyKind, Mode, RedirectError, Registry,
  RegistryBuilder, RegistryHolder, Requirement, generateKey, parseKey,
} from "picket-node";
import { PK, PK2, SK, basic, jsSdk } from "./helpers.mjs";

const NOW = 1_700_000_000;

function build() {
  return new RegistryBuilder()
    .addProject(1, Mode.DEVELOPMENT)
    .addRedirectUri(1, "http://localhost:3000/callback")
    .addKey(parseKey(PK), 1)
    .addKey(parseKey(SK).digestHex(), 1, { kind: KeyKind.SECRET, expiresAt: NOW + 60 })
    .build();
}

test("authenticate: both header forms, string and Buffer, each requirement", () => {
  const r = build();
  for (const header of [basic(SK), jsSdk(SK), Buffer.from(basic(SK)), Buffer.from(jsSdk(SK))]) {
    assert.deepEqual(r.authenticate(header, Requirement.SECRET, NOW), { project: 1, kind: KeyKind.SECRET });
    assert.deepEqual(r.authenticate(header, Requirement.ANY, new Date(NOW * 1000)), { project: 1, kind: KeyKind.SECRET });
  }
  assert.deepEqual(r.authenticate(jsSdk(PK), Requirement.PUBLISHABLE, NOW), { project: 1, kind: KeyKind.PUBLISHABLE });
  assert.deepEqual(r.authenticate(jsSdk(PK)), { project: 1, kind: KeyKind.PUBLISHABLE });
  r.close();
});

test("authenticate refusals: status, challenge, rule and code", () => {
  const r = build();
  const cases = [
    [undefined, Requirement.ANY, NOW, Code.HEADER_MISSING, 401],
    ["", Requirement.ANY, NOW, Code.HEADER_MISSING, 401],
    ["Digest x", Requirement.ANY, NOW, Code.HEADER_UNSUPPORTED_SCHEME, 401],
    [basic(PK2), Requirement.ANY, NOW, Code.AUTH_UNKNOWN_KEY, 401],
    [basic(SK), Requirement.ANY, NOW + 60, Code.AUTH_EXPIRED, 401],
    [basic(SK), Requirement.PUBLISHABLE, NOW, Code.AUTH_WRONG_KIND, 403],
    [basic(PK), Requirement.SECRET, NOW, Code.AUTH_WRONG_KIND, 403],
    [`Bearer ${PK}`, Requirement.ANY, NOW, Code.HEADER_BEARER_NOT_ENABLED, 401],
  ];
  for (const [header, req, now, code, status] of cases) {
    assert.throws(() => r.authenticate(header, req, now), (e) => {
      assert.ok(e instanceof AuthError, e);
      assert.equal(e.code, code);
      assert.equal(e.httpStatus, status);
      assert.equal(e.challenge, status === 401 ? 'Basic realm="picket"' : null);
      assert.ok(!e.message.includes(SK.slice(3)) && !e.message.includes(PK2.slice(3)));
      return true;
    });
  }
});

test("Bearer when the builder accepts it", () => {
  const r = new RegistryBuilder({ acceptBearer: true }).addProject(1, Mode.PRODUCTION).addKey(parseKey(PK), 1).build();
  assert.deepEqual(r.authenticate(`Bearer ${PK}`), { project: 1, kind: KeyKind.PUBLISHABLE });
});

test("64-bit project ids: numbers while safe, bigints above, never rounded", () => {
  const big = (1n << 64n) - 1n;
  const pk = generateKey(KeyKind.PUBLISHABLE);
  const sk = generateKey(KeyKind.SECRET);
  const k3 = generateKey(KeyKind.SECRET);
  const r = new RegistryBuilder()
    .addProject(big, Mode.PRODUCTION).addKey(pk, big)
    .addProject(Number.MAX_SAFE_INTEGER, Mode.PRODUCTION).addKey(sk, Number.MAX_SAFE_INTEGER)
    .addProject(0, Mode.PRODUCTION).addKey(k3, 0n)
    .build();
  assert.equal(r.authenticate(basic(pk.expose())).project, big);
  assert.equal(r.authenticate(basic(sk.expose())).project, Number.MAX_SAFE_INTEGER);
  assert.equal(r.authenticate(basic(k3.expose())).project, 0);
  assert.throws(() => new RegistryBuilder().addProject(2 ** 53, Mode.PRODUCTION), RangeError);
  assert.throws(() => new RegistryBuilder().addProject(-1, Mode.PRODUCTION), RangeError);
  assert.throws(() => new RegistryBuilder().addProject(1n << 64n, Mode.PRODUCTION), RangeError);
  assert.throws(() => new RegistryBuilder().addProject("1", Mode.PRODUCTION), TypeError);
});

test("authorizeRedirect: exact URIs, client_id exposure", () => {
  const r = build();
  assert.equal(r.authorizeRedirect(PK, "http://localhost:3000/callback", NOW), 1);
  const refused = [
    [SK, "http://localhost:3000/callback", Code.AUTHORIZE_SECRET_KEY_EXPOSED],
    [`  ${SK}`, "http://localhost:3000/callback", Code.AUTHORIZE_SECRET_KEY_EXPOSED],
    [PK2, "http://localhost:3000/callback", Code.AUTHORIZE_UNKNOWN_CLIENT],
    [PK, "http://localhost:3000/callback/", Code.AUTHORIZE_REDIRECT_NOT_REGISTERED],
    ["pk_nope", "http://localhost:3000/callback", Code.KEY_WRONG_LENGTH],
  ];
  for (const [client, uri, code] of refused) {
    assert.throws(() => r.authorizeRedirect(client, uri, NOW), (e) => e instanceof AuthorizeError && e.code === code);
  }
});

test("build errors name the rule; a refused URI leaves the builder usable", () => {
  const b = new RegistryBuilder().addProject(1, Mode.PRODUCTION);
  assert.throws(() => b.addProject(1, Mode.PRODUCTION), (e) => e instanceof BuildError && e.code === Code.BUILD_DUPLICATE_PROJECT);
  assert.throws(() => b.addRedirectUri(1, "http://localhost:3000"), (e) => e instanceof RedirectError && e.code === Code.REDIRECT_INSECURE_SCHEME);
  assert.throws(() => b.addRedirectUri(2, "https://a.example/cb"), (e) => e instanceof BuildError && e.code === Code.BUILD_UNKNOWN_PROJECT);
  assert.throws(() => b.addKey("zz", 1, { kind: KeyKind.SECRET }), DigestError);
  assert.throws(() => b.addKey(Buffer.alloc(32), 1), TypeError);
  assert.throws(() => b.addKey(parseKey(PK), 1, { kind: KeyKind.SECRET }), RangeError);
  b.addKey(parseKey(PK), 1).addKey(parseKey(PK).digest(), 1, { kind: KeyKind.PUBLISHABLE });
  assert.throws(() => b.build(), (e) => e instanceof BuildError && e.code === Code.BUILD_DUPLICATE_KEY);
  assert.equal(b.closed, true);
});

test("holder: swap is atomic, reload serialised, a failing loader keeps the registry", async () => {
  const a = generateKey(KeyKind.SECRET);
  const c = generateKey(KeyKind.SECRET);
  let rows = [a];
  let version = 1;
  const load = async () => {
    const b = new RegistryBuilder().addProject(7, Mode.PRODUCTION);
    for (const k of rows) b.addKey(k, 7);
    return b.build();
  };
  const holder = await RegistryHolder.load(load, { version: () => version });
  assert.ok(holder instanceof Registry);
  assert.equal(holder.authenticate(basic(a.expose()), Requirement.SECRET).project, 7);
  assert.throws(() => holder.authenticate(basic(c.expose())), (e) => e.code === Code.AUTH_UNKNOWN_KEY);
  assert.equal(await holder.refresh(), false);
  rows = [c];
  version = 2;
  assert.equal(await holder.refresh(), true);
  assert.equal(holder.authenticate(basic(c.expose())).project, 7);
  assert.throws(() => holder.authenticate(basic(a.expose())), (e) => e.code === Code.AUTH_UNKNOWN_KEY);
  const failing = new RegistryHolder(await load(), { loader: () => { throw new Error("db down"); } });
  await assert.rejects(failing.reload(), /db down/);
  assert.equal(failing.authenticate(basic(c.expose())).project, 7);
  const fresh = await load();
  holder.swap(fresh);
  assert.equal(fresh.closed, true);
  assert.throws(() => fresh.authenticate(basic(c.expose())), { name: "ClosedError" });
  holder.close();
  holder.close();
  await assert.rejects(holder.reload(), { name: "ClosedError" });
  failing.close();
});

test("withProjects: changed projects replaced, others kept, removed ones gone; the old registry unchanged", () => {
  const [a, b, c, d] = [KeyKind.SECRET, KeyKind.SECRET, KeyKind.PUBLISHABLE, KeyKind.SECRET].map(generateKey);
  const old = new RegistryBuilder()
    .addProject(1, Mode.PRODUCTION).addKey(a, 1)
    .addProject(2, Mode.DEVELOPMENT).addRedirectUri(2, "http://localhost:3000/cb").addKey(b, 2).addKey(c, 2)
    .addProject(2n ** 64n - 1n, Mode.PRODUCTION).addKey(d, 2n ** 64n - 1n)
    .build();
  // Project 2 rolls its secret key (b out, a new one in) and project 2^64-1 is removed.
  const rolled = generateKey(KeyKind.SECRET);
  const next = old.withProjects(
    new RegistryBuilder().addProject(2, Mode.DEVELOPMENT).addRedirectUri(2, "http://localhost:3000/cb").addKey(c, 2).addKey(rolled, 2),
    [2n ** 64n - 1n],
  );
  assert.equal(next.authenticate(basic(a.expose()), Requirement.SECRET).project, 1);
  assert.equal(next.authenticate(jsSdk(rolled.expose()), Requirement.SECRET).project, 2);
  assert.equal(next.authorizeRedirect(c.expose(), "http://localhost:3000/cb"), 2);
  assert.throws(() => next.authenticate(basic(b.expose())), (e) => e instanceof AuthError && e.code === Code.AUTH_UNKNOWN_KEY);
  assert.throws(() => next.authenticate(basic(d.expose())), (e) => e.code === Code.AUTH_UNKNOWN_KEY);
  // The registry it came from answers as before.
  assert.equal(old.authenticate(basic(b.expose())).project, 2);
  assert.equal(old.authenticate(basic(d.expose())).project, 2n ** 64n - 1n);
  assert.throws(() => old.authenticate(basic(rolled.expose())), (e) => e.code === Code.AUTH_UNKNOWN_KEY);
  old.close();
  assert.equal(next.authenticate(basic(rolled.expose())).project, 2);

  // A key of a kept project in changes: BUILD_DUPLICATE_KEY; changes consumed either way.
  const dup = new RegistryBuilder().addProject(3, Mode.PRODUCTION).addKey(a, 3);
  assert.throws(() => next.withProjects(dup), (e) => e instanceof BuildError && e.code === Code.BUILD_DUPLICATE_KEY);
  assert.equal(dup.closed, true);
  const bad = new RegistryBuilder();
  assert.throws(() => next.withProjects(bad, [-1]), RangeError);
  assert.equal(bad.closed, true, "changes is consumed when removed is refused");
  assert.throws(() => next.withProjects(bad), { name: "ClosedError" });
  assert.throws(() => next.withProjects({}), TypeError);
  next.close();
  const late = new RegistryBuilder();
  assert.throws(() => next.withProjects(late), { name: "ClosedError" });
  assert.equal(late.closed, true, "changes is consumed when the registry is closed");
});

test("holder.update: swaps in what the change makes of the current registry, in turn with reloads", async () => {
  const [a, b] = [generateKey(KeyKind.SECRET), generateKey(KeyKind.SECRET)];
  const holder = new RegistryHolder(new RegistryBuilder().addProject(1, Mode.PRODUCTION).addKey(a, 1).build());
  const shared = Registry.fromShared(holder.share());
  const updates = [b, generateKey(KeyKind.SECRET)].map((k, i) =>
    holder.update((current) => {
      assert.equal(current, holder);
      return current.withProjects(new RegistryBuilder().addProject(10 + i, Mode.PRODUCTION).addKey(k, 10 + i));
    }));
  await Promise.all(updates);
  assert.equal(holder.authenticate(basic(a.expose())).project, 1);
  assert.equal(holder.authenticate(basic(b.expose())).project, 10);
  assert.equal(shared.authenticate(basic(b.expose())).project, 10, "a thread's view sees the update");
  await assert.rejects(holder.update(() => { throw new Error("db down"); }), /db down/);
  await assert.rejects(holder.update((current) => current), /cannot swap itself/);
  await assert.rejects(holder.update("x"), TypeError);
  assert.equal(holder.authenticate(basic(b.expose())).project, 10, "a failed update keeps the registry");
  await holder.update((current) => current.withProjects(new RegistryBuilder(), [1]));
  assert.throws(() => holder.authenticate(basic(a.expose())), (e) => e.code === Code.AUTH_UNKNOWN_KEY);
  holder.close();
  await assert.rejects(holder.update((current) => current.withProjects(new RegistryBuilder())), { name: "ClosedError" });
  shared.close();
});
