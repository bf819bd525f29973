// pino through redactingDestination: no secret key reaches the destination, from any part
// of a line, and every line is still JSON.
import { test } from "node:test";
import assert from "node:assert/strict";

import pino from "pino";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redactingDestination, redactingHooks } from "picket-node";
import { PK, SK, basic, jsSdk } from "./helpers.mjs";

function capture() {
  const lines = [];
  return { lines, write: (line) => { lines.push(line); return true; } };
}

test("every line is redacted: message, objects, child bindings, errors", () => {
  const sink = capture();
  const log = pino({ base: null, timestamp: false }, redactingDestination(sink));
  log.info({ authorization: basic(SK) }, "request");
  log.info(`key ${SK} and publishable ${PK}`);
  log.child({ client: jsSdk(SK) }).warn("child");
  log.error(new Error(`bad key ${SK}`));
  log.info({ nested: { deep: [SK] } }, "nested");
  assert.equal(sink.lines.length, 5);
  for (const line of sink.lines) {
    assert.ok(!line.includes(SK.slice(3)), line);
    assert.ok(!line.includes(Buffer.from(`${SK}:`).toString("base64").slice(0, 40)), line);
    JSON.parse(line);
  }
  const [first, second, third, fourth, fifth] = sink.lines.map((l) => JSON.parse(l));
  assert.equal(first.authorization, "Basic [REDACTED sk_…9e24]");
  assert.equal(second.msg, `key sk_…9e24 and publishable ${PK}`);
  assert.equal(third.client, "Basic  [REDACTED sk_…9e24]");
  assert.match(fourth.err.message, /bad key sk_…9e24/);
  assert.deepEqual(fifth.nested.deep, ["sk_…9e24"]);
});

test("a line without secrets is written unchanged; flushSync is passed on", () => {
  let flushed = 0;
  const sink = { ...capture(), flushSync: () => { flushed++; } };
  sink.lines = [];
  sink.write = (line) => { sink.lines.push(line); return true; };
  const dest = redactingDestination(sink);
  const log = pino({ base: null, timestamp: false }, dest);
  log.info({ user: "ada", n: 1 }, "héllo ✓");
  assert.equal(sink.lines[0], '{"level":30,"user":"ada","n":1,"msg":"héllo ✓"}\n');
  dest.flushSync();
  assert.equal(flushed, 1);
  assert.throws(() => redactingDestination({}), TypeError);
});

test("redactingHooks: a transport in its worker thread gets redacted lines, and so does a multistream", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "picket-pino-")), "log.json");
  const transport = pino.transport({ target: "pino/file", options: { destination: file, mkdir: true } });
  await new Promise((resolve) => transport.once("ready", resolve));
  const sink = capture();
  const log = pino({ base: null, timestamp: false, hooks: redactingHooks() }, pino.multistream([{ stream: transport }, { stream: sink }]));
  log.info({ authorization: basic(SK) }, `key ${SK}`);
  log.child({ client: jsSdk(SK) }).warn("child");
  await new Promise((resolve) => { transport.once("finish", resolve); transport.end(); });
  const written = readFileSync(file, "utf8");
  for (const text of [written, sink.lines.join("")]) {
    assert.ok(!text.includes(SK.slice(3)), text);
    const [first, second] = text.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(first.authorization, "Basic [REDACTED sk_…9e24]");
    assert.equal(first.msg, "key sk_…9e24");
    assert.equal(second.client, "Basic  [REDACTED sk_…9e24]");
  }
});
