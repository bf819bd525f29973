// Real servers (Express and Fastify on 127.0.0.1:0) driven by real clients: Node's fetch
// with both header forms (curl -u's `Basic base64(KEY:)` and the JS SDK's
// `Basic  base64(KEY)`), and curl itself.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import express from "express";
import Fastify from "fastify";
import {
  KeyKind, Mode, RegistryBuilder, RegistryHolder, Requirement, parseKey, picketAuth, picketExpress,
  picketFastify, routerPath,
} from "picket-node";
import { PK, PK2, SK, basic, jsSdk } from "./helpers.mjs";

const CHALLENGE = 'Basic realm="picket"';

function registry(project = 7) {
  return new RegistryBuilder().addProject(project, Mode.PRODUCTION)
    .addKey(parseKey(PK), project).addKey(parseKey(SK), project).build();
}

const OPTIONS = { requirement: Requirement.SECRET, routes: { "/widget": Requirement.PUBLISHABLE }, exempt: ["/healthz"] };

async function expressServer(reg, options = OPTIONS) {
  const app = express();
  app.use(picketExpress(reg, options));
  app.get("/healthz", (req, res) => res.json({ ok: true, picket: req.picket ?? null }));
  app.get(["/v1/me", "/widget"], (req, res) => res.json({ project: Number(req.picket.project), kind: res.locals.picket.kind }));
  return listen((port) => app.listen(port, "127.0.0.1"));
}

async function fastifyServer(reg, options = OPTIONS) {
  // forceCloseConnections: under Node 18, close waited ~70 s for fetch's keep-alive sockets.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(picketFastify, { registry: reg, ...options });
  app.get("/healthz", async (request) => ({ ok: true, picket: picketAuth(request) ?? null }));
  app.get("/v1/me", async (request) => ({ project: Number(request.picket.project), kind: picketAuth(request).kind }));
  app.get("/widget", async (request) => ({ project: Number(request.picket.project), kind: request.picket.kind }));
  app.get("/open", { config: { picket: null } }, async () => ({ open: true }));
  app.get("/v1/public", { config: { picket: Requirement.PUBLISHABLE } }, async (request) => ({ kind: request.picket.kind }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { url: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() };
}

function listen(start) {
  return new Promise((resolve, reject) => {
    const server = start(0);
    server.once("listening", () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
    }));
    server.once("error", reject);
  });
}

async function get(url, authorization) {
  const res = await fetch(url, authorization === undefined ? {} : { headers: { authorization } });
  return { status: res.status, challenge: res.headers.get("www-authenticate"), type: res.headers.get("content-type"), body: await res.json() };
}

const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

for (const [name, start] of [["express", expressServer], ["fastify", fastifyServer]]) {
  test(`${name}: both header forms, per-route requirements, exempt paths, refusals`, async () => {
    const s = await start(registry());
    servers.push(s);
    for (const header of [basic(SK), jsSdk(SK)]) {
      assert.deepEqual((await get(`${s.url}/v1/me`, header)).body, { project: 7, kind: KeyKind.SECRET });
    }
    for (const header of [basic(PK), jsSdk(PK)]) {
      assert.deepEqual((await get(`${s.url}/widget`, header)).body, { project: 7, kind: KeyKind.PUBLISHABLE });
    }
    assert.deepEqual((await get(`${s.url}/healthz`)).body, { ok: true, picket: null });

    const missing = await get(`${s.url}/v1/me`);
    assert.equal(missing.status, 401);
    assert.equal(missing.challenge, CHALLENGE);
    assert.match(missing.type, /^application\/json/);
    assert.deepEqual(Object.keys(missing.body), ["error", "code", "message"]);
    assert.equal(missing.body.error, "header_missing");
    assert.equal(missing.body.code, 300);

    const wrongKind = await get(`${s.url}/v1/me`, jsSdk(PK));
    assert.equal(wrongKind.status, 403);
    assert.equal(wrongKind.challenge, null);
    assert.equal(wrongKind.body.error, "auth_wrong_kind");
    assert.equal(wrongKind.body.code, 502);
    assert.equal((await get(`${s.url}/widget?x=1`, basic(SK))).status, 403);

    const unknown = await get(`${s.url}/v1/me`, basic(PK2.replace("pk_", "sk_")));
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, "auth_unknown_key");
    assert.ok(!JSON.stringify(unknown.body).includes(PK2.slice(3)));
    const upper = await get(`${s.url}/v1/me`, basic(SK.toUpperCase().replace("SK_", "sk_")));
    assert.equal(upper.body.error, "key_uppercase");
    assert.equal((await get(`${s.url}/v1/me`, `Bearer ${SK}`)).body.error, "header_bearer_not_enabled");
  });

  test(`${name}: curl -u and curl with the JS SDK's header`, async () => {
    const s = await start(registry(8));
    servers.push(s);
    // Asynchronously: the server runs in this process's event loop.
    const curl = async (...args) =>
      (await promisify(execFile)("curl", ["-sS", "-w", "\n%{http_code}", ...args], { encoding: "utf8" })).stdout.split("\n");
    const [body, status] = await curl("-u", `${SK}:`, `${s.url}/v1/me`);
    assert.equal(status, "200");
    assert.deepEqual(JSON.parse(body), { project: 8, kind: KeyKind.SECRET });
    const [body2, status2] = await curl("-H", `Authorization: ${jsSdk(SK)}`, `${s.url}/v1/me`);
    assert.equal(status2, "200");
    assert.deepEqual(JSON.parse(body2), { project: 8, kind: KeyKind.SECRET });
    const [body3, status3] = await curl("-u", `${PK}:`, `${s.url}/v1/me`);
    assert.equal(status3, "403");
    assert.equal(JSON.parse(body3).error, "auth_wrong_kind");
  });

  test(`${name}: a holder swapped while serving; a closed registry is a 500 internal_error`, async () => {
    const holder = new RegistryHolder(registry(1));
    const s = await start(holder);
    servers.push(s);
    assert.equal((await get(`${s.url}/v1/me`, basic(SK))).body.project, 1);
    holder.swap(registry(2));
    assert.equal((await get(`${s.url}/v1/me`, jsSdk(SK))).body.project, 2);
    holder.close();
    const closed = await get(`${s.url}/v1/me`, basic(SK));
    assert.equal(closed.status, 500);
    assert.deepEqual(closed.body, { error: "internal_error", code: 800, message: "internal server error" });
    assert.equal((await get(`${s.url}/healthz`)).status, 200);
  });
}

test("fastify: a route's config wins over the prefixes", async () => {
  const s = await fastifyServer(registry());
  servers.push(s);
  assert.deepEqual((await get(`${s.url}/open`)).body, { open: true });
  assert.deepEqual((await get(`${s.url}/v1/public`, jsSdk(PK))).body, { kind: KeyKind.PUBLISHABLE });
  assert.equal((await get(`${s.url}/v1/public`, jsSdk(SK))).status, 403);
});

test("express: requirement null authenticates only the listed prefixes; a clock decides expiry", async () => {
  const reg = new RegistryBuilder().addProject(3, Mode.PRODUCTION)
    .addKey(parseKey(SK).digest(), 3, { kind: KeyKind.SECRET, expiresAt: 1000 }).build();
  const s = await expressServer(reg, { requirement: null, routes: { "/v1": Requirement.SECRET }, clock: () => 999 });
  servers.push(s);
  assert.equal((await get(`${s.url}/v1/me`, basic(SK))).body.project, 3);
  assert.equal((await get(`${s.url}/v1/me`)).status, 401);
  assert.equal((await fetch(`${s.url}/v10`)).status, 404);
  const later = await expressServer(reg, { clock: () => new Date(1000 * 1000) });
  servers.push(later);
  assert.equal((await get(`${later.url}/v1/me`, basic(SK))).body.error, "auth_expired");
  assert.throws(() => picketExpress({}), TypeError);
  assert.throws(() => picketExpress(reg, { routes: { admin: Requirement.SECRET } }), TypeError);
  assert.throws(() => picketExpress(reg, { routes: { "/admin": 9 } }), RangeError);
});

async function status(url, authorization) {
  const res = await fetch(url, authorization === undefined ? {} : { headers: { authorization } });
  return [res.status, (await res.json().catch(() => null))?.error ?? null];
}

test("express: router-level and route-level use, prefixes on the full path wherever mounted", async () => {
  const app = express();
  const api = express.Router();
  api.use(picketExpress(registry(5), { requirement: Requirement.SECRET, routes: { "/api/widget": Requirement.PUBLISHABLE }, exempt: ["/api/healthz"] }));
  api.get("/healthz", (req, res) => res.json({ ok: true }));
  api.get("/me", (req, res) => res.json({ project: Number(req.picket.project) }));
  api.get("/widget", (req, res) => res.json({ kind: req.picket.kind }));
  app.use("/api", api);
  app.get("/public", (req, res) => res.json({ open: true }));
  app.get("/admin", picketExpress(registry(6), { requirement: Requirement.SECRET }), (req, res) => res.json({ project: Number(req.picket.project) }));
  const s = await listen((port) => app.listen(port, "127.0.0.1"));
  servers.push(s);
  assert.deepEqual(await status(`${s.url}/public`), [200, null], "outside the router: no key");
  assert.deepEqual(await status(`${s.url}/api/healthz`), [200, null], "exempt by its full path");
  assert.deepEqual(await status(`${s.url}/api/me`), [401, "header_missing"]);
  assert.deepEqual((await get(`${s.url}/api/me`, jsSdk(SK))).body, { project: 5 });
  assert.deepEqual(await status(`${s.url}/api/widget`, basic(PK)), [200, null]);
  assert.deepEqual(await status(`${s.url}/api/widget`, basic(SK)), [403, "auth_wrong_kind"]);
  assert.deepEqual(await status(`${s.url}/admin`, jsSdk(PK)), [403, "auth_wrong_kind"]);
  assert.deepEqual((await get(`${s.url}/admin`, basic(SK))).body, { project: 6 });
});

test("fastify: encapsulated in a child it covers the child's routes only; registered again inside, both apply", async () => {
  const app = Fastify({ forceCloseConnections: true });
  app.get("/public", async () => ({ open: true }));
  await app.register(async (child) => {
    await child.register(picketFastify, { registry: registry(4), requirement: Requirement.SECRET });
    child.get("/me", async (request) => ({ project: Number(request.picket.project) }));
  }, { prefix: "/api" });
  app.get("/after", async () => ({ open: true }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  servers.push({ close: () => app.close() });
  const url = `http://127.0.0.1:${app.server.address().port}`;
  assert.deepEqual(await status(`${url}/public`), [200, null]);
  assert.deepEqual(await status(`${url}/after`), [200, null]);
  assert.deepEqual(await status(`${url}/api/me`), [401, "header_missing"]);
  assert.deepEqual((await get(`${url}/api/me`, jsSdk(SK))).body, { project: 4 });

  const nested = Fastify({ forceCloseConnections: true });
  await nested.register(picketFastify, { registry: registry(3), exempt: ["/healthz"] });
  nested.get("/healthz", async () => ({ ok: true }));
  nested.get("/v1/me", async (request) => ({ kind: request.picket.kind }));
  await nested.register(async (admin) => {
    await admin.register(picketFastify, { registry: registry(3), requirement: Requirement.SECRET });
    admin.get("/admin/me", async (request) => ({ kind: request.picket.kind }));
  });
  await nested.listen({ port: 0, host: "127.0.0.1" });
  servers.push({ close: () => nested.close() });
  const n = `http://127.0.0.1:${nested.server.address().port}`;
  assert.deepEqual(await status(`${n}/healthz`), [200, null]);
  assert.deepEqual((await get(`${n}/v1/me`, basic(PK))).body, { kind: KeyKind.PUBLISHABLE });
  assert.deepEqual(await status(`${n}/admin/me`, basic(PK)), [403, "auth_wrong_kind"]);
  assert.deepEqual((await get(`${n}/admin/me`, jsSdk(SK))).body, { kind: KeyKind.SECRET });
});

test("no other spelling of a path reaches a stricter route's handler under a laxer rule", async () => {
  const options = { requirement: Requirement.PUBLISHABLE, routes: { "/admin": Requirement.SECRET }, exempt: ["/healthz"] };
  const expressApp = (caseSensitive) => {
    const app = express();
    if (caseSensitive) app.enable("case sensitive routing");
    app.use(picketExpress(registry(), options));
    app.get("/admin/users", (req, res) => res.json({ kind: req.picket.kind }));
    app.get("/healthz", (req, res) => res.json({ ok: true }));
    return listen((port) => app.listen(port, "127.0.0.1"));
  };
  const fastifyApp = async (routerOptions) => {
    const app = Fastify({ forceCloseConnections: true, routerOptions });
    await app.register(picketFastify, { registry: registry(), ...options });
    app.get("/admin/users", async (request) => ({ kind: request.picket.kind }));
    app.get("/healthz", async () => ({ ok: true }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    return { url: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() };
  };
  const cases = [
    // [server, path, what a publishable key gets]
    [await expressApp(false), "/ADMIN/users", 403],
    [await expressApp(false), "/Admin/Users", 403],
    [await expressApp(false), "/HEALTHZ", 200],
    [await expressApp(true), "/ADMIN/users", 404],
    [await fastifyApp({}), "/%61dmin/users", 403],
    [await fastifyApp({}), "/adm%69n/users?x=/healthz", 403],
    [await fastifyApp({}), "/%68ealthz", 200],
    [await fastifyApp({}), "/ADMIN/users", 404],
    [await fastifyApp({ caseSensitive: false }), "/ADMIN/users", 403],
    [await fastifyApp({ ignoreDuplicateSlashes: true }), "//admin//users", 403],
    [await fastifyApp({ caseSensitive: false, ignoreDuplicateSlashes: true }), "//%41DMIN/users", 403],
  ];
  servers.push(...cases.map(([s]) => s)); // closed by after(), also when an assertion fails
  for (const [s, path, want] of cases) {
    const res = await fetch(s.url + path, { headers: { authorization: basic(PK) } });
    assert.equal(res.status, want, path);
    if (want === 403) assert.equal((await res.json()).error, "auth_wrong_kind", path);
    else await res.arrayBuffer();
  }
  // And the secret key still gets through every spelling the router serves.
  const s = await fastifyApp({ caseSensitive: false });
  servers.push(s);
  assert.equal((await get(`${s.url}/%41dmin/users`, jsSdk(SK))).body.kind, KeyKind.SECRET);
});

test("routerPath: the path as find-my-way reads it", () => {
  assert.equal(routerPath("/%61dmin/x?y"), "/admin/x");
  assert.equal(routerPath("/a%2Fb%25c#frag"), "/a%2Fb%25c");
  assert.equal(routerPath("/a;s=1/b"), "/a;s=1/b");
  assert.equal(routerPath("/a;s=1/b", { useSemicolonDelimiter: true }), "/a");
  assert.equal(routerPath("//A//b", { caseSensitive: false, ignoreDuplicateSlashes: true }), "/a/b");
  assert.equal(routerPath("/bad%E0%A4%A"), "/bad%E0%A4%A");
});
