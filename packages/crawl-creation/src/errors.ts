import { defineError, defineErrors, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const CreationErrorCode = errorCodesOf('packages/crawl-creation');
export type CreationErrorCode = ErrorCodeOf<'packages/crawl-creation'>;

/** One field that failed validation: a dotted path in the request (`maxDepth`, `urls.0`) and why. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * The request fails the `POST /v1/crawls` schema or the deployment's limits (permanent): `errors` names each field.
 * The API answers it as `KUMO_API_VALIDATION` (400); a schedule run fails without retry.
 */
export class InvalidCrawlRequestError extends defineError(CreationErrorCode.INVALID_REQUEST) {
  readonly errors: readonly FieldError[];

  constructor(message: string, errors: readonly FieldError[]) {
    super(message);
    this.errors = errors;
  }
}

/** Admission control refused the crawl for now (transient): `retryAfterS` is when trying again makes sense. */
export class CreationOverloadedError extends defineError(CreationErrorCode.OVERLOADED) {
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

/**
 * - `IdempotencyConflictError` (permanent): the idempotency key already created a crawl from another body;
 * - `InvalidSeedError` (permanent): a seed that is not an absolute http(s) URL reached normalisation (a bug).
 */
export const { IdempotencyConflictError, InvalidSeedError } = defineErrors({
  IdempotencyConflictError: CreationErrorCode.IDEMPOTENCY_CONFLICT,
  InvalidSeedError: CreationErrorCode.INVALID_SEED,
});
