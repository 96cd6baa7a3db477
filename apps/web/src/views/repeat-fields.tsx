import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { SCHEDULE_REQUEST_LIMITS, type RepeatKind, type RepeatValues } from '../schedule-form-rules.js';
import type { ScheduleFormField } from '../schedule-form-rules.js';

/** The start form's way of drawing one labelled field with its hint and errors. */
export type FieldRenderer = (
  name: ScheduleFormField,
  label: string,
  hint: string,
  control: (describedBy: string) => ComponentChildren,
) => ComponentChildren;

const CHOICES: readonly [RepeatKind, string][] = [
  ['once', 'Once, now'],
  ['cron', 'On a cron pattern'],
  ['every', 'At an interval'],
];

/** The browser's IANA zones, offered as suggestions only: the API decides which zones it knows. */
function timeZones(): string[] {
  try {
    return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  } catch {
    return ['UTC', 'Asia/Tokyo'];
  }
}

/**
 * The start form's "Repeat" choice: once (a crawl now), or a schedule of the same crawl request on a cron pattern
 * in a time zone or at an ISO 8601 interval (CONTRACT.md, "Schedules").
 */
export function RepeatFields({
  repeat,
  onChange,
  field,
  invalid,
}: {
  repeat: RepeatValues;
  onChange: (repeat: RepeatValues) => void;
  field: FieldRenderer;
  invalid: (name: ScheduleFormField) => 'true' | undefined;
}) {
  const zones = useMemo(() => (repeat.repeat === 'cron' ? timeZones() : []), [repeat.repeat]);
  const set = <K extends keyof RepeatValues>(key: K, value: RepeatValues[K]) => onChange({ ...repeat, [key]: value });

  return (
    <fieldset class="repeat">
      <legend>Repeat</legend>
      <div class="choices">
        {CHOICES.map(([kind, label]) => (
          <label key={kind} class="check">
            <input
              type="radio"
              name="repeat"
              value={kind}
              checked={repeat.repeat === kind}
              onChange={() => set('repeat', kind)}
            />
            {label}
          </label>
        ))}
      </div>
      {repeat.repeat === 'cron' && (
        <div class="field-row">
          {field(
            'cron',
            'Cron pattern',
            'Five fields: minute hour day-of-month month day-of-week. 0 9 * * 1 is Mondays at 09:00.',
            (describedBy) => (
              <input
                id="field-cron"
                spellcheck={false}
                autocomplete="off"
                maxLength={SCHEDULE_REQUEST_LIMITS.maxCronLength}
                value={repeat.cron}
                aria-invalid={invalid('cron')}
                aria-describedby={describedBy}
                onInput={(event) => set('cron', event.currentTarget.value)}
              />
            ),
          )}
          {field('timezone', 'Time zone', 'The IANA zone the pattern is read in, e.g. Asia/Tokyo.', (describedBy) => (
            <>
              <input
                id="field-timezone"
                list="time-zones"
                spellcheck={false}
                autocomplete="off"
                maxLength={SCHEDULE_REQUEST_LIMITS.maxTimezoneLength}
                value={repeat.timezone}
                aria-invalid={invalid('timezone')}
                aria-describedby={describedBy}
                onInput={(event) => set('timezone', event.currentTarget.value)}
              />
              <datalist id="time-zones">
                {zones.map((zone) => (
                  <option key={zone} value={zone} />
                ))}
              </datalist>
            </>
          ))}
        </div>
      )}
      {repeat.repeat === 'every' &&
        field(
          'every',
          'Interval',
          'An ISO 8601 duration: PT30M, PT6H, P1D (the server sets the shortest). The first run starts at once.',
          (describedBy) => (
            <input
              id="field-every"
              spellcheck={false}
              autocomplete="off"
              maxLength={SCHEDULE_REQUEST_LIMITS.maxEveryLength}
              value={repeat.every}
              aria-invalid={invalid('every')}
              aria-describedby={describedBy}
              onInput={(event) => set('every', event.currentTarget.value)}
            />
          ),
        )}
    </fieldset>
  );
}
