import type { Schedule } from '@kumo/contract';

/** A schedule's name on the page: its first seed (what a person recognises), or its first source, or its id. */
export const scheduleTitle = (schedule: Pick<Schedule, 'id' | 'crawl'>): string =>
  schedule.crawl.urls[0] ?? schedule.crawl.sources?.[0]?.url ?? schedule.id;
