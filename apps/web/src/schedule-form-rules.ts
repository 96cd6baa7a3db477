import { SCHEDULE_REQUEST_LIMITS, scheduleRequestSchema, type ScheduleRequestInput } from '@kumo/contract';
import { bodyOf, fieldOf as crawlFieldOf, type CrawlFormValues, type FormField } from './crawl-form-rules.js';

/** The form's "Repeat" choice: a crawl now (`POST /v1/crawls`) or a schedule (`POST /v1/schedules`). */
export const REPEAT_KINDS = ['once', 'cron', 'every'] as const;
export type RepeatKind = (typeof REPEAT_KINDS)[number];

export interface RepeatValues {
  repeat: RepeatKind;
  cron: string;
  every: string;
  timezone: string;
}

export const REPEAT_FIELDS = ['cron', 'every', 'timezone'] as const;
export type RepeatField = (typeof REPEAT_FIELDS)[number];
/** Every field of the form: the crawl request's and the repeat's. */
export type ScheduleFormField = FormField | RepeatField;
export type ScheduleFieldErrors = Partial<Record<ScheduleFormField, string[]>>;

export { SCHEDULE_REQUEST_LIMITS };

/** The browser's IANA zone: what someone setting "every Monday at 9" most likely means. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export const initialRepeat = (): RepeatValues => ({ repeat: 'once', cron: '', every: '', timezone: browserTimeZone() });

/**
 * The `POST /v1/schedules` body the form's values make (before validation): the crawl request as the start form
 * builds it, and exactly one of `cron` (with its time zone) and `every`, as the repeat choice says. An empty
 * pattern is sent as it is: the API's answer says what it needs.
 */
export function scheduleBodyOf(values: CrawlFormValues, repeat: RepeatValues): Record<string, unknown> {
  const body: Record<string, unknown> = { crawl: bodyOf(values) };
  if (repeat.repeat === 'cron') {
    body.cron = repeat.cron.trim();
    const timezone = repeat.timezone.trim();
    if (timezone !== '') body.timezone = timezone;
  } else body.every = repeat.every.trim();
  return body;
}

/** Maps a schedule problem's or zod issue's path (`crawl.urls.2`, `cron`) to the field that shows it. */
export function scheduleFieldOf(path: string | readonly PropertyKey[]): ScheduleFormField | undefined {
  const parts = (typeof path === 'string' ? path.split('.') : path).map(String);
  if (parts[0] === 'crawl') return crawlFieldOf(parts.slice(1));
  return (REPEAT_FIELDS as readonly string[]).includes(parts[0] ?? '') ? (parts[0] as RepeatField) : undefined;
}

/**
 * Validates the form with the API's own schema (`scheduleRequestSchema` of @kumo/contract, whose `crawl` is the
 * start form's `crawlRequestSchema`). What a cron pattern, an interval or a zone must mean (5 fields, at least the
 * deployment's shortest interval, a known IANA zone) is checked by the API with the parsers its job scheduler
 * uses; its 400 problem lands on the same fields through `scheduleFieldOf`.
 */
export function validateSchedule(
  values: CrawlFormValues,
  repeat: RepeatValues,
): { body: ScheduleRequestInput; errors: null } | { errors: ScheduleFieldErrors; other: string[] } {
  const body = scheduleBodyOf(values, repeat);
  const parsed = scheduleRequestSchema.safeParse(body);
  if (parsed.success) return { body: body as ScheduleRequestInput, errors: null };
  const errors: ScheduleFieldErrors = {};
  const other: string[] = [];
  for (const issue of parsed.error.issues) {
    const field = scheduleFieldOf(issue.path);
    // `crawl.urls.2`: the third line of its field.
    const where = issue.path[0] === 'crawl' && issue.path.length > 2 ? ` (line ${Number(issue.path[2]) + 1})` : '';
    if (field) (errors[field] ??= []).push(`${issue.message}${where}`);
    else other.push(issue.message);
  }
  return { errors, other };
}
