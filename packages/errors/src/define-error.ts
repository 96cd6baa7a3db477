import { KumoError, type ErrorKind } from './kumo-error.js';

/** What the constructor of a {@link defineError} class takes besides its message. */
export interface DefinedErrorOptions {
  cause?: unknown;
}

/**
 * The base class of an error with one fixed code and kind, so that a package's `errors.ts` declares each error in
 * one line (`export class TtlError extends defineError(KeyspaceErrorCode.TTL, 'permanent') {}`) and adds a
 * constructor only when the error carries more than a message and a cause. The class's `name` is its own
 * (`TtlError`), `instanceof` works as for any class, and the code and kind are also readable on the class itself.
 */
export function defineError<const C extends string>(code: C, kind: ErrorKind) {
  return class DefinedError extends KumoError {
    declare readonly code: C;
    /** The code every instance carries. */
    static readonly code: C = code;
    /** What a worker does with it (see {@link ErrorKind}). */
    static readonly kind: ErrorKind = kind;

    constructor(message: string, options: DefinedErrorOptions = {}) {
      super(code, message, { cause: options.cause, kind });
    }
  };
}
