import { defineError, defineErrors, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';
import type { FieldError } from '@kumo/crawl-creation';

/** Every code this package produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const SchedulesErrorCode = errorCodesOf('packages/schedules');
export type SchedulesErrorCode = ErrorCodeOf<'packages/schedules'>;

/**
 * A schedule request the contract refuses (permanent): `errors` names each field (`cron`, `every`, `timezone`,
 * `crawl.urls.0`…). The API answers it as `KUMO_API_VALIDATION` (400).
 */
export class InvalidScheduleError extends defineError(SchedulesErrorCode.INVALID_REQUEST) {
  readonly errors: readonly FieldError[];

  constructor(message: string, errors: readonly FieldError[]) {
    super(message);
    this.errors = errors;
  }
}

/** - `ScheduleOptionError` (critical): an option of the schedule sweep is out of range. */
export const { ScheduleOptionError } = defineErrors({ ScheduleOptionError: SchedulesErrorCode.INVALID_OPTION });
