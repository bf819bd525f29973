/**
 * Redaction for pino: a hook (`hooks.streamWrite`) that redacts every line before any
 * destination or transport sees it, and a destination that redacts every line written.
 */

import { describe } from "./convert";
import { redact } from "./rules";

/** Anything pino can write to: a stream, `pino.destination()`, `process.stdout`. */
export interface Destination {
  write(line: string): unknown;
  flushSync?: () => void;
  flush?: (cb?: (err?: Error | null) => void) => void;
  end?: () => void;
}

/**
 * Wraps a pino destination so that every line pino writes passes through
 * {@link redact} first: a secret key anywhere in a line (the message, an object logged
 * with it, the bindings of a child logger, an error's stack, the output of serializers)
 * becomes `sk_…9e24`, and a `Basic` credential that carries one `[REDACTED sk_…9e24]`.
 * The JSON stays valid: nothing redaction writes needs escaping. Lines pino sends to a
 * transport (a worker thread) do not pass through a destination: use
 * {@link redactingHooks}, which covers both.
 *
 * @example
 * ```ts
 * import pino from "pino";
 * const log = pino({}, redactingDestination(pino.destination(1)));
 * log.info({ authorization: req.headers.authorization }, "request");
 * // {"level":30,...,"authorization":"Basic [REDACTED sk_…9e24]","msg":"request"}
 * ```
 */
export function redactingDestination(destination: Destination = process.stdout): Destination {
  if (typeof destination?.write !== "function") {
    throw new TypeError(`destination must have a write method, not ${describe(destination)}`);
  }
  const wrapped: Destination = {
    write: (line: string) => destination.write(redact(String(line))),
  };
  if (typeof destination.flushSync === "function") wrapped.flushSync = () => destination.flushSync!();
  if (typeof destination.flush === "function") wrapped.flush = (cb) => destination.flush!(cb);
  if (typeof destination.end === "function") wrapped.end = () => destination.end!();
  return wrapped;
}

/** The pino `hooks` of {@link redactingHooks}. */
export interface RedactingHooks {
  /** pino's `hooks.streamWrite`: called with every serialized line before it is written. */
  streamWrite(line: string): string;
}

/**
 * pino's `hooks` option with a `streamWrite` hook that passes every line through
 * {@link redact} before it is written anywhere: to a destination, a `multistream`, or a
 * transport in its worker thread (`pino.transport`), which {@link redactingDestination}
 * cannot wrap. The same redaction as {@link redactingDestination}.
 *
 * @example
 * ```ts
 * import pino from "pino";
 * const log = pino({ hooks: redactingHooks() }, pino.transport({ target: "pino/file" }));
 * log.info({ authorization: req.headers.authorization }, "request");
 * // {"level":30,...,"authorization":"Basic [REDACTED sk_…9e24]","msg":"request"}
 * ```
 */
export function redactingHooks(): RedactingHooks {
  return { streamWrite: (line: string) => redact(String(line)) };
}
