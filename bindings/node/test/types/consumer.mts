// Type-checked by test.sh (tsc --noEmit; module nodenext, node16, and preserve with
// moduleResolution bundler): the package's declarations as an ESM consumer sees them. It
// is compiled, not run.
import picket, {
  AuthError, Code, KeyKind, Mode, RegistryBuilder, RegistryHolder, Requirement, generateKey,
  parseAuthorization, redact, type Auth, type ErrorBody,
} from "picket-node";

const sk = generateKey(KeyKind.SECRET);
const registry = new RegistryBuilder({ acceptBearer: true })
  .addProject(1, Mode.PRODUCTION, { allowPrivateUseSchemes: true })
  .addKey(sk, 1, { expiresAt: new Date() })
  .addKey(Buffer.alloc(32), 2n, { kind: KeyKind.PUBLISHABLE, expiresAt: null })
  .build();
const auth: Auth = registry.authenticate("Basic x", Requirement.SECRET, Date.now() / 1000);
const project: number | bigint = auth.project;
const kind: KeyKind = auth.kind;
const holder: RegistryHolder = await RegistryHolder.load(() => registry, { version: () => 1 });
await holder.reload();
const next: picket.Registry = registry.withProjects(new RegistryBuilder().addProject(3, Mode.DEVELOPMENT), [1, 2n]);
await holder.update((current) => current.withProjects(new RegistryBuilder(), [3]));
next.close();
const s: string = redact("x");
const b: Buffer = redact(Buffer.from("x"));
try {
  parseAuthorization(Buffer.from("Basic x"));
} catch (e) {
  if (e instanceof AuthError) {
    const status: number = e.httpStatus;
    const body: ErrorBody = e.toJSON();
    const c: number = Code.AUTH_UNKNOWN_KEY;
    void [status, body, c];
  }
}
void [project, kind, s, b, picket.libraryVersion()];

// The declarations refuse what the runtime refuses:
// @ts-expect-error a requirement is a Requirement value, not a word
registry.authenticate("Basic x", "secret");
// @ts-expect-error a key's text is reached only through expose()
void sk.text;
// @ts-expect-error removed ids are numbers or bigints
registry.withProjects(new RegistryBuilder(), ["1"]);
// @ts-expect-error Mode has no STAGING
void Mode.STAGING;

// The middleware fits the frameworks' own types.
import express from "express";
import Fastify from "fastify";
import pino from "pino";
import { picketAuth, picketExpress, picketFastify, redactingDestination, redactingHooks } from "picket-node";

const app = express();
app.use(picketExpress(registry, { requirement: Requirement.SECRET, exempt: ["/healthz"] }));
app.get("/v1/me", picketExpress(holder), (req, res) => {
  const who: Auth | undefined = req.picket;
  res.json({ project: Number(who?.project) });
});
const fastify = Fastify();
await fastify.register(picketFastify, { registry, routes: { "/widget": Requirement.PUBLISHABLE } });
fastify.get("/v1/me", async (request) => ({ project: Number(picketAuth(request)?.project) }));
const log = pino({}, redactingDestination(pino.destination(1)));
log.info("typed");
const hooked = pino({ hooks: redactingHooks() }, pino.transport({ target: "pino/file" }));
hooked.info("typed");
