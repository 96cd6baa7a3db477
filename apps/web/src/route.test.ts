import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute, type Route } from './route.js';

describe('routes in the URL fragment', () => {
  it.each<Route>([
    { view: 'crawls' },
    { view: 'new' },
    { view: 'crawl', id: 'c2fbh4ytco6p4nu1gu45j' },
    { view: 'report', id: 'c2fbh4ytco6p4nu1gu45j' },
    { view: 'crawl', id: 'a/b c' },
    { view: 'schedules' },
    { view: 'schedule', id: 'sdoesnotexist000000000' },
    { view: 'schedule', id: 'a/b c' },
  ])('%o survives hrefOf → parseRoute', (route) => {
    expect(parseRoute(hrefOf(route))).toEqual(route);
  });

  it('sends anything unknown to the crawl list', () => {
    expect(parseRoute('#/nowhere')).toEqual({ view: 'crawls' });
    expect(parseRoute('')).toEqual({ view: 'crawls' });
    expect(parseRoute('#/schedules/')).toEqual({ view: 'crawls' });
  });

  it('keeps a malformed escape as typed instead of throwing', () => {
    expect(parseRoute('#/schedules/%ZZ')).toEqual({ view: 'schedule', id: '%ZZ' });
  });
});
