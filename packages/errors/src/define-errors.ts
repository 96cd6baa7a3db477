import { defineError, type DefinedErrorClass } from './define-error.js';
import type { ErrorCode } from './error-codes.js';

/** A table of {@link defineErrors}: class names, each ending in `Error`, and their codes. */
export type ErrorTable<T> = { [Name in keyof T]: Name extends `${string}Error` ? ErrorCode : never };

/** The classes {@link defineErrors} builds from a table: each under its name, carrying its code. */
export type DefinedErrorClasses<T extends Record<keyof T, ErrorCode>> = {
  readonly [Name in keyof T]: DefinedErrorClass<T[Name]>;
};

/**
 * The errors of a package that carry nothing but a message (and a cause), from one table of class name → code, like
 * Node's `E(code, …)` table in lib/internal/errors.js:
 * `export const { TtlError, CrossSlotError } = defineErrors({ TtlError: KeyspaceErrorCode.TTL, CrossSlotError: … })`.
 * Each is a {@link defineError} class named after its key (`error.name` is `'TtlError'`), so `new`, `instanceof`,
 * `code` and `kind` work as for a declared class, and a code outside the catalog does not compile. The names are
 * values only: where an instance type is wanted, `InstanceType<typeof TtlError>`. An error that carries more than a
 * message stays a class of its own, `extends defineError(code)`, with its constructor.
 */
export function defineErrors<const T extends ErrorTable<T>>(table: T): DefinedErrorClasses<T> {
  const classes = Object.entries<ErrorCode>(table).map(([name, code]) => {
    const errorClass = defineError(code);
    Object.defineProperty(errorClass, 'name', { value: name });
    return [name, errorClass] as const;
  });
  return Object.freeze(Object.fromEntries(classes)) as DefinedErrorClasses<T>;
}
