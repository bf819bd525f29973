// The vector runner: every shared file passes, any file in the format is taken, and a
// file with failures gives the same tally as the Rust, C, Go and Python runners
// (test.sh compares this fixture's last line with the C ABI's runner).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "dist", "vectors-cli.js");
const vectors = join(here, "..", "..", "..", "tests", "vectors");

test("every shared vector file passes, every case counted", () => {
  const files = readdirSync(vectors).filter((f) => f.endsWith(".jsonl")).map((f) => join(vectors, f));
  assert.ok(files.length >= 7);
  const cases = files.map((f) => readFileSync(f, "utf8").split("\n").filter((l) => l.trim() !== "").length)
    .reduce((a, b) => a + b, 0);
  const out = execFileSync(process.execPath, [bin, ...files], { encoding: "utf8" });
  assert.equal(out.trim().split("\n").at(-1), `${cases} passed, 0 failed`);
});

test("failures are counted, named, and make the exit status 1", () => {
  const r = spawnSync(process.execPath, [bin, join(here, "fixtures", "mixed.jsonl"), "/nonexistent.jsonl"], { encoding: "utf8" });
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.at(-1), "4 passed, 9 failed");
  for (const id of ["wrong-expectation", "unknown-kind", "unknown-option", "missing-input", "match-wrong", "<no id>", "/nonexistent.jsonl"]) {
    assert.ok(lines.some((l) => l.startsWith(`FAIL ${id}:`)), id);
  }
  assert.ok(lines.some((l) => /mixed\.jsonl:7: invalid JSON/.test(l)), "a lone surrogate is invalid JSON");
});

test("a file without vectors (empty, or only blank lines) fails the run, alone or among good files", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "picket-vectors-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name, text) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const empty = write("empty.jsonl", "");
  const blank = write("blank.jsonl", "\n  \r\n\t\n");
  const good = write("good.jsonl", '{"kind":"key","id":"good","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"publishable"}\n');
  // A BOM, FS, NEL and NBSP line is a case (invalid JSON), not a blank line: only JSON's
  // whitespace is blank, in every runner (SCHEMA.md); trim() would skip the BOM and NBSP, and
  // TextDecoder would drop a leading BOM.
  const odd = write("odd.jsonl", `\ufeff\n${readFileSync(good, "utf8")}\x1c\n\u0085\n\u00a0\n \t\r\n`);
  const r = spawnSync(process.execPath, [bin, odd], { encoding: "utf8" });
  assert.equal(r.stdout.trim().split("\n").at(-1), "1 passed, 4 failed");
  assert.equal(r.status, 1);
  for (const [files, want] of [
    [[empty], `FAIL ${empty}: no vectors\n0 passed, 1 failed\n`],
    [[blank], `FAIL ${blank}: no vectors\n0 passed, 1 failed\n`],
    [[good, empty, good], `FAIL ${empty}: no vectors\n2 passed, 1 failed\n`],
  ]) {
    const r = spawnSync(process.execPath, [bin, ...files], { encoding: "utf8" });
    assert.equal(r.stdout, want);
    assert.equal(r.status, 1);
  }
});

test("without a file: usage and exit status 2", () => {
  const r = spawnSync(process.execPath, [bin], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: picket-vectors/);
});
