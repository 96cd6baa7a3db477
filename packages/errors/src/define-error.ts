import { errorKind, type ErrorCode } from './error-codes.js';
import { KumoError, type ErrorKind } from './kumo-error.js';

/** What the constructor of a {@link defineError} class takes besides its message. */
export interface DefinedErrorOptions {
  cause?: unknown;
}

/** The code of an error a test defines for itself: not in the catalog, so the test names its kind. */
export type TestErrorCode = `KUMO_TEST_${string}`;

/** The class {@link defineError} returns: instances carry the literal code; the class also tells code and kind. */
export interface DefinedErrorClass<C extends string> {
  new (message: string, options?: DefinedErrorOptions): KumoError & { readonly code: C };
  /** The code every instance carries. */
  readonly code: C;
  /** What a worker does with it (see {@link ErrorKind}). */
  readonly kind: ErrorKind;
}

/**
 * The base class of an error with one code, whose kind the error catalog gives: a package's `errors.ts` declares
 * `class ScriptError extends defineError(KeyspaceErrorCode.SCRIPT)`, with a constructor where the error carries more
 * than a message and a cause (a package's several message-only errors are rows of one `defineErrors` table instead).
 * The class's `name` is its own (`ScriptError`), `instanceof` works as for any class, and the code and kind are also
 * readable on the class itself.
 * A code outside the catalog does not compile; only a test's own `KUMO_TEST_…` code names its kind.
 */
export function defineError<const C extends ErrorCode>(code: C): DefinedErrorClass<C>;
export function defineError<const C extends TestErrorCode>(code: C, kind: ErrorKind): DefinedErrorClass<C>;
export function defineError(code: string, kind: ErrorKind = errorKind(code as ErrorCode)): DefinedErrorClass<string> {
  return class DefinedError extends KumoError {
    static readonly code = code;
    static readonly kind = kind;

    constructor(message: string, options: DefinedErrorOptions = {}) {
      super(code, message, { cause: options.cause, kind });
    }
  };
}
