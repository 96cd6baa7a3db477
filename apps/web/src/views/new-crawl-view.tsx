import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import type { ApiFailure } from '../api/problem.js';
import { ProblemMessage } from '../components/problem-message.js';
import { CRAWL_REQUEST_LIMITS, fieldOf, initialValues, validate, type CrawlFormValues } from '../crawl-form-rules.js';
import { navigate } from '../route.js';
import {
  initialRepeat,
  scheduleFieldOf,
  validateSchedule,
  type RepeatValues,
  type ScheduleFieldErrors as FieldErrors,
  type ScheduleFormField as FormField,
} from '../schedule-form-rules.js';
import { RepeatFields } from './repeat-fields.js';

/** Puts focus on the first field in error, so keyboard and screen-reader users land on it. */
function focusFirst(errors: FieldErrors): void {
  const first = Object.keys(errors)[0];
  if (first) document.getElementById(`field-${first}`)?.focus();
}

/**
 * The start-a-crawl form: validated in the page with the API's schema, then `POST /v1/crawls`; or, with a repeat
 * chosen, `POST /v1/schedules` with the same crawl request.
 */
export function NewCrawlView({ client }: { client: ApiClient }) {
  const [values, setValues] = useState<CrawlFormValues>(initialValues);
  const [repeat, setRepeat] = useState<RepeatValues>(initialRepeat);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const scheduling = repeat.repeat !== 'once';

  const set = <K extends keyof CrawlFormValues>(field: K, value: CrawlFormValues[K]) =>
    setValues((current) => ({ ...current, [field]: value }));

  const showErrors = (fieldErrors: FieldErrors) => {
    setErrors(fieldErrors);
    focusFirst(fieldErrors);
  };

  /** The server's 400 problem, its field errors shown on the fields (deployment limits, what a cron means). */
  const refused = (failure: ApiFailure, fieldOfPath: (path: string) => FormField | undefined) => {
    const fromServer: FieldErrors = {};
    for (const error of failure.errors ?? []) {
      const field = fieldOfPath(error.path);
      if (field) (fromServer[field] ??= []).push(error.message);
    }
    setProblem(failure);
    showErrors(fromServer);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    if (scheduling) {
      const checked = validateSchedule(values, repeat);
      if (checked.errors) return showErrors(checked.errors);
      setErrors({});
      setBusy(true);
      const result = await client.createSchedule(checked.body);
      setBusy(false);
      if (result.ok) navigate({ view: 'schedule', id: result.data.id });
      else refused(result.problem, scheduleFieldOf);
      return;
    }
    const checked = validate(values);
    if (checked.errors) return showErrors(checked.errors);
    setErrors({});
    setBusy(true);
    const result = await client.startCrawl(checked.body);
    setBusy(false);
    if (result.ok) navigate({ view: 'crawl', id: result.data.id });
    else refused(result.problem, fieldOf);
  };

  const field = (name: FormField, label: string, hint: string, control: (describedBy: string) => ComponentChildren) => {
    const describedBy = [`hint-${name}`, errors[name] ? `error-${name}` : ''].filter(Boolean).join(' ');
    return (
      <div class={`field${errors[name] ? ' has-error' : ''}`}>
        <label for={`field-${name}`}>{label}</label>
        {control(describedBy)}
        <p id={`hint-${name}`} class="hint">
          {hint}
        </p>
        {errors[name] && (
          <p id={`error-${name}`} class="field-error">
            {errors[name]!.join('; ')}
          </p>
        )}
      </div>
    );
  };
  const invalid = (name: FormField) => (errors[name] ? 'true' : undefined);

  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title" tabIndex={-1}>
        Start a crawl
      </h1>
      <form class="card" onSubmit={submit} noValidate>
        {field(
          'urls',
          'Start URLs',
          `One absolute http(s) URL per line, 1–${CRAWL_REQUEST_LIMITS.maxUrls}.`,
          (describedBy) => (
            <textarea
              id="field-urls"
              rows={3}
              spellcheck={false}
              value={values.urls}
              aria-invalid={invalid('urls')}
              aria-describedby={describedBy}
              onInput={(event) => set('urls', event.currentTarget.value)}
            />
          ),
        )}
        <div class="field-row">
          {field(
            'maxDepth',
            'Maximum depth',
            `0–${CRAWL_REQUEST_LIMITS.maxDepth}; 0 fetches only the start URLs.`,
            (describedBy) => (
              <input
                id="field-maxDepth"
                inputMode="numeric"
                value={values.maxDepth}
                aria-invalid={invalid('maxDepth')}
                aria-describedby={describedBy}
                onInput={(event) => set('maxDepth', event.currentTarget.value)}
              />
            ),
          )}
          {field(
            'maxPages',
            'Maximum pages',
            `1–${CRAWL_REQUEST_LIMITS.maxPages.toLocaleString('en')}: a hard cap on fetches.`,
            (describedBy) => (
              <input
                id="field-maxPages"
                inputMode="numeric"
                value={values.maxPages}
                aria-invalid={invalid('maxPages')}
                aria-describedby={describedBy}
                onInput={(event) => set('maxPages', event.currentTarget.value)}
              />
            ),
          )}
        </div>
        {field('scope', 'Links to follow', 'Same site means the same registrable domain.', (describedBy) => (
          <select
            id="field-scope"
            value={values.scope}
            aria-invalid={invalid('scope')}
            aria-describedby={describedBy}
            onChange={(event) => set('scope', event.currentTarget.value)}
          >
            <option value="same-host">Same host</option>
            <option value="same-site">Same site</option>
            <option value="any">Any</option>
          </select>
        ))}
        <div class="field check-field">
          <label class="check" for="field-analyze">
            <input
              id="field-analyze"
              type="checkbox"
              checked={values.analyze}
              onChange={(event) => set('analyze', event.currentTarget.checked)}
            />
            Analyse the text and build a report
          </label>
        </div>
        <details open={Boolean(errors.include || errors.exclude)}>
          <summary>URL patterns</summary>
          {field(
            'include',
            'Follow only links matching',
            'One glob per line, on the absolute URL: * within a path segment, ** across segments.',
            (describedBy) => (
              <textarea
                id="field-include"
                rows={2}
                spellcheck={false}
                value={values.include}
                aria-invalid={invalid('include')}
                aria-describedby={describedBy}
                onInput={(event) => set('include', event.currentTarget.value)}
              />
            ),
          )}
          {field(
            'exclude',
            'Never follow links matching',
            'One glob per line; start URLs are always fetched.',
            (describedBy) => (
              <textarea
                id="field-exclude"
                rows={2}
                spellcheck={false}
                value={values.exclude}
                aria-invalid={invalid('exclude')}
                aria-describedby={describedBy}
                onInput={(event) => set('exclude', event.currentTarget.value)}
              />
            ),
          )}
        </details>
        <RepeatFields repeat={repeat} onChange={setRepeat} field={field} invalid={invalid} />
        <button type="submit" disabled={busy}>
          {scheduling ? (busy ? 'Creating…' : 'Create schedule') : busy ? 'Starting…' : 'Start crawl'}
        </button>
      </form>
      {problem && (
        <ProblemMessage
          problem={problem}
          what={scheduling ? 'The schedule was not created' : 'The crawl was not started'}
        />
      )}
    </section>
  );
}
