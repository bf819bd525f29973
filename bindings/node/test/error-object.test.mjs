// tests/error-object/refusals.jsonl (format in its README) through the Express middleware
// and the Fastify plugin: status, challenge and body, field for field, the same as every
// other runtime answers. Requests go over loopback as raw HTTP/1.1, so that a case can
// send several Authorization lines exactly as written.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

import express from "express";
import Fastify from "fastify";
import { KeyKind, Mode, RegistryBuilder, Requirement, parseKey, picketExpress, picketFastify } from "picket-node";

const file = fileURLToPath(new URL("../../../tests/error-object/refusals.jsonl", import.meta.url));
const cases = readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
const KINDS = { [KeyKind.PUBLISHABLE]: "publishable", [KeyKind.SECRET]: "secret" };
const OPTIONS = {
  requirement: null,
  routes: { "/any": Requirement.ANY, "/publishable": Requirement.PUBLISHABLE, "/secret": Requirement.SECRET },
};

const registry = new RegistryBuilder().addProject(1, Mode.DEVELOPMENT)
  .addKey(parseKey("pk_0123456789abcdef0123456789abcdef"), 1)
  .addKey(parseKey("sk_fedcba9876543210fedcba9876543210"), 1)
  .build();
const ok = (auth) => ({ project: Number(auth.project), kind: KINDS[auth.kind] });

async function expressUrl() {
  const app = express();
  app.use(picketExpress(registry, OPTIONS));
  app.get("/:requirement", (req, res) => res.json(ok(req.picket)));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  after(() => { server.closeAllConnections(); server.close(); });
  return server.address().port;
}

async function fastifyUrl() {
  const app = Fastify();
  await app.register(picketFastify, { registry, ...OPTIONS });
  app.get("/:requirement", async (request) => ok(request.picket));
  await app.listen({ port: 0, host: "127.0.0.1" });
  after(() => app.close());
  return app.server.address().port;
}

/** One request with these Authorization lines; its status, headers and body. */
function request(port, path, lines) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => { data += chunk; });
    socket.on("error", reject);
    socket.on("end", () => {
      const [head, body] = data.split("\r\n\r\n", 2);
      const [status, ...fields] = head.split("\r\n");
      const headers = Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf(":")).toLowerCase(), f.slice(f.indexOf(":") + 1).trim()]));
      resolve({ status: Number(status.split(" ")[1]), headers, body });
    });
    const auth = lines.map((l) => `Authorization: ${l}\r\n`).join("");
    socket.end(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${auth}\r\n`);
  });
}

for (const [name, start] of [["express", expressUrl], ["fastify", fastifyUrl]]) {
  test(`${name}: every case of tests/error-object/refusals.jsonl`, async () => {
    assert.ok(cases.length >= 17);
    const port = await start();
    for (const c of cases) {
      const got = await request(port, `/${c.requirement}`, c.headers);
      assert.equal(got.status, c.status, c.id);
      if (c.status === 200) {
        assert.deepEqual(JSON.parse(got.body), { project: c.project, kind: c.kind }, c.id);
      } else {
        assert.equal(got.headers["www-authenticate"] ?? null, c.challenge, c.id);
        assert.deepEqual(JSON.parse(got.body), c.body, c.id);
        assert.deepEqual(Object.keys(JSON.parse(got.body)), Object.keys(c.body), `${c.id}: field order`);
      }
    }
  });
}
