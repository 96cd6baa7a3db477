import { useEffect, useState } from 'preact/hooks';

/** The page's views, addressed by the URL's fragment so the static server needs one entry point only. */
export type Route =
  | { view: 'crawls' }
  | { view: 'new' }
  | { view: 'crawl'; id: string }
  | { view: 'report'; id: string }
  | { view: 'schedules' }
  | { view: 'schedule'; id: string };

/** A malformed escape (`%ZZ`, typed by hand) is kept as typed: the API answers it, the page does not throw. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const crawl = /^\/crawls\/([^/]+)(\/report)?$/.exec(path);
  if (crawl?.[1]) {
    const id = decoded(crawl[1]);
    return crawl[2] ? { view: 'report', id } : { view: 'crawl', id };
  }
  const schedule = /^\/schedules\/([^/]+)$/.exec(path);
  if (schedule?.[1]) return { view: 'schedule', id: decoded(schedule[1]) };
  if (path === '/schedules') return { view: 'schedules' };
  if (path === '/new') return { view: 'new' };
  return { view: 'crawls' };
}

export function hrefOf(route: Route): string {
  switch (route.view) {
    case 'crawls':
      return '#/';
    case 'new':
      return '#/new';
    case 'crawl':
      return `#/crawls/${encodeURIComponent(route.id)}`;
    case 'report':
      return `#/crawls/${encodeURIComponent(route.id)}/report`;
    case 'schedules':
      return '#/schedules';
    case 'schedule':
      return `#/schedules/${encodeURIComponent(route.id)}`;
  }
}

export function navigate(route: Route): void {
  location.hash = hrefOf(route);
}

/** The current route, following `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
