import { CRAWL_REQUEST_LIMITS, crawlRequestSchema, type CrawlRequestInput } from '@kumo/contract';

/** What the form's fields hold, as typed. */
export interface CrawlFormValues {
  urls: string;
  maxDepth: string;
  maxPages: string;
  scope: string;
  analyze: boolean;
  include: string;
  exclude: string;
}

export const FORM_FIELDS = ['urls', 'maxDepth', 'maxPages', 'scope', 'analyze', 'include', 'exclude'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

export const initialValues: CrawlFormValues = {
  urls: '',
  maxDepth: '1',
  maxPages: '100',
  scope: 'same-host',
  analyze: true,
  include: '',
  exclude: '',
};

export { CRAWL_REQUEST_LIMITS };

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** An empty number field means "the default": the key is left out, as a client of the API would. */
function numberOf(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The request body the form's values make (before validation). */
export function bodyOf(values: CrawlFormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { urls: lines(values.urls), scope: values.scope, analyze: values.analyze };
  const maxDepth = numberOf(values.maxDepth);
  const maxPages = numberOf(values.maxPages);
  if (maxDepth !== undefined) body.maxDepth = maxDepth;
  if (maxPages !== undefined) body.maxPages = maxPages;
  if (lines(values.include).length > 0) body.include = lines(values.include);
  if (lines(values.exclude).length > 0) body.exclude = lines(values.exclude);
  return body;
}

export type FieldErrors = Partial<Record<FormField, string[]>>;

/** Maps a problem's or a zod issue's path (`urls.2`, `maxDepth`) to the form field that shows it. */
export function fieldOf(path: string | readonly PropertyKey[]): FormField | undefined {
  const first = String((typeof path === 'string' ? path.split('.') : path)[0] ?? '');
  return (FORM_FIELDS as readonly string[]).includes(first) ? (first as FormField) : undefined;
}

/**
 * Validates the form with the API's own schema (`crawlRequestSchema` of @kumo/contract, bundled into the page), so
 * the form refuses exactly what `POST /v1/crawls` would refuse for the schema's rules. Deployment limits (allowed
 * headers, politeness floors, maxPages cap) are the server's: its 400 problem is mapped onto the fields the same way.
 */
export function validate(
  values: CrawlFormValues,
): { body: CrawlRequestInput; errors: null } | { errors: FieldErrors; other: string[] } {
  const parsed = crawlRequestSchema.safeParse(bodyOf(values));
  if (parsed.success) return { body: bodyOf(values) as CrawlRequestInput, errors: null };
  const errors: FieldErrors = {};
  const other: string[] = [];
  for (const issue of parsed.error.issues) {
    const field = fieldOf(issue.path);
    const where = issue.path.length > 1 ? ` (line ${Number(issue.path[1]) + 1})` : '';
    if (field) (errors[field] ??= []).push(`${issue.message}${where}`);
    else other.push(issue.message);
  }
  return { errors, other };
}
