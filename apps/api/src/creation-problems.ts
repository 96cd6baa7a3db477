import { CreationErrorCode, type CreationOverloadedError, type InvalidCrawlRequestError } from '@kumo/crawl-creation';
import { isKumoError } from '@kumo/errors';
import { SchedulesErrorCode, type InvalidScheduleError } from '@kumo/schedules';
import { type ApiError, IdempotencyConflictError, OverloadedError, ValidationError } from './errors.js';

/**
 * The API's error for an error of crawl creation (`@kumo/crawl-creation`, shared with the crawl workers' schedule
 * runs) or of a schedule request (`@kumo/schedules`), so clients keep the codes `POST /v1/crawls` always answered
 * with: an invalid request is `KUMO_API_VALIDATION` (400, its field errors kept), admission control `KUMO_API_OVERLOADED` (429 + Retry-After),
 * a reused key `KUMO_API_IDEMPOTENCY_CONFLICT` (409). Undefined for anything else.
 */
export function apiErrorOfCreation(error: unknown): ApiError | undefined {
  if (!isKumoError(error)) return undefined;
  switch (error.code) {
    case CreationErrorCode.INVALID_REQUEST: {
      const invalid = error as InstanceType<typeof InvalidCrawlRequestError>;
      return new ValidationError(invalid.message, [...invalid.errors]);
    }
    case SchedulesErrorCode.INVALID_REQUEST: {
      const invalid = error as InvalidScheduleError;
      return new ValidationError(invalid.message, [...invalid.errors]);
    }
    case CreationErrorCode.OVERLOADED: {
      const overloaded = error as InstanceType<typeof CreationOverloadedError>;
      return new OverloadedError(overloaded.message, overloaded.retryAfterS);
    }
    case CreationErrorCode.IDEMPOTENCY_CONFLICT:
      return new IdempotencyConflictError();
    default:
      return undefined;
  }
}
