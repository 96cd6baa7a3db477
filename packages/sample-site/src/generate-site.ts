import { encodeText } from './encoding.js';
import { SampleSiteGeneratorError, SampleSiteOptionError } from './errors.js';
import { crawlManifest } from './expected-reachable.js';
import { hrefFor, resolveHref, type HrefStyle } from './href.js';
import { LinkTree } from './link-tree.js';
import type {
  CharsetDeclaration,
  GeneratedSite,
  LinkElement,
  ManifestFile,
  ManifestPage,
  PageRole,
  SiteEncoding,
  SiteFile,
  SiteManifest,
} from './manifest.js';
import { renderArticle, renderFrameset, type LinkPlacement, type PageLink } from './page-html.js';
import { Prng } from './prng.js';
import { TextGenerator } from './text-generator.js';
import { SITE_NAME, THEMES, type Theme } from './vocabulary.js';

export interface GenerateSiteOptions {
  /**
   * Pages in the link tree, the index included. Two more pages come on top: `/private/staff-only.html`
   * (disallowed by robots.txt) and, from 4 pages on, the page only the nofollow page links to. Required, 1–100000.
   */
  pages: number;
  /** PRNG seed: the same seed and options give byte-identical sites. Default `1`. */
  seed?: number | string;
  /** Target encoded size of an article page, in bytes (frameset pages are small). Default `15_000`. */
  bytesPerPage?: number;
  /** Tree children per page: page i links to pages i·k+1 … i·k+k. Default `5`. */
  linksPerPage?: number;
  /** Extra links per page to pages already admitted when it is fetched (see LinkTree). Default `2`. */
  extraLinksPerPage?: number;
  /** Encodings to mix; pages cycle through every (encoding × declaration) pair. Default all three. */
  encodings?: SiteEncoding[];
}

const ALL_ENCODINGS: SiteEncoding[] = ['utf-8', 'shift_jis', 'euc-jp'];
const DECLARATIONS: CharsetDeclaration[] = ['header', 'meta', 'none'];
/** Several WHATWG labels per encoding, so crawlers are tested on labels, not just canonical names. */
const LABELS: Record<SiteEncoding, string[]> = {
  'utf-8': ['UTF-8', 'utf-8', 'utf8'],
  shift_jis: ['Shift_JIS', 'shift_jis', 'x-sjis', 'sjis'],
  'euc-jp': ['EUC-JP', 'euc-jp', 'x-euc-jp'],
};

/** Paths of the fixed quirks. */
export const SITE_PATHS = {
  index: '/index.html',
  private: '/private/staff-only.html',
  nofollowTarget: '/tokushu/nofollow-only.html',
  missing: '/old/removed-page.html',
  csv: '/files/data.csv',
  robots: '/robots.txt',
  stylesheet: '/style.css',
} as const;

interface LinkPlan {
  target: string | null;
  /** Used as is for mailto:/javascript: links. */
  rawHref?: string;
  element: LinkElement;
  text?: string;
  placement: LinkPlacement;
  style?: HrefStyle;
  fragment?: string;
}

interface PlannedPage {
  path: string;
  role: PageRole;
  treeIndex: number | null;
  rng: Prng;
  primary: Theme;
  secondary: Theme;
  encoding: SiteEncoding;
  declaredIn: CharsetDeclaration;
  label: string | null;
  title: string;
  baseHref: string | null;
  links: LinkPlan[];
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SampleSiteOptionError(`${name} must be an integer from ${min} to ${max} (got ${String(value)})`);
  }
  return value;
}

function resolveOptions(options: GenerateSiteOptions): Required<GenerateSiteOptions> {
  const encodings = options.encodings ?? ALL_ENCODINGS;
  if (encodings.length === 0 || encodings.some((e) => !ALL_ENCODINGS.includes(e))) {
    throw new SampleSiteOptionError(`encodings must be a non-empty list of ${ALL_ENCODINGS.join(', ')}`);
  }
  const seed = options.seed ?? 1;
  if (typeof seed !== 'string' && !Number.isInteger(seed)) {
    throw new SampleSiteOptionError('seed must be an integer or a string');
  }
  return {
    pages: checkInteger('pages', options.pages, 1, 100_000),
    seed,
    bytesPerPage: checkInteger('bytesPerPage', options.bytesPerPage ?? 15_000, 500, 10_000_000),
    linksPerPage: checkInteger('linksPerPage', options.linksPerPage ?? 5, 1, 100),
    extraLinksPerPage: checkInteger('extraLinksPerPage', options.extraLinksPerPage ?? 2, 0, 100),
    encodings: [...new Set(encodings)],
  };
}

function treeRole(index: number, pages: number): PageRole {
  if (index === 0) return 'index';
  if (index === 1) return 'base-href';
  if (index === 2) return 'frameset';
  if (index === pages - 1 && index >= 3) return 'nofollow';
  return 'article';
}

/**
 * Generates a Japanese site in memory: a connected link tree of pages in UTF-8, Shift_JIS and EUC-JP (declared
 * in the header, a `<meta>`, or not at all), robots.txt, a stylesheet, a CSV, and the quirks listed in
 * PageRole. Deterministic for a seed. The manifest says everything a test needs to judge a crawl of it.
 */
export function generateSite(options: GenerateSiteOptions): GeneratedSite {
  const opts = resolveOptions(options);
  const root = new Prng(opts.seed);
  const tree = new LinkTree(opts.pages, opts.linksPerPage);
  const combos = root
    .fork('combos')
    .shuffle(opts.encodings.flatMap((encoding) => DECLARATIONS.map((declaredIn) => ({ encoding, declaredIn }))));

  const planned: PlannedPage[] = [];
  const plan = (path: string | ((theme: Theme) => string), role: PageRole, treeIndex: number | null) => {
    const rng = root.fork(`page:${treeIndex ?? role}`);
    const primary = rng.pick(THEMES);
    const secondary = rng.pick(THEMES.filter((theme) => theme !== primary));
    const { encoding, declaredIn } = combos[planned.length % combos.length] as (typeof combos)[number];
    const text = new TextGenerator(rng, primary, secondary);
    const number = treeIndex ?? planned.length;
    const title =
      role === 'index'
        ? `${SITE_NAME}：日本の${primary.name}と${secondary.name}のサンプルサイト`
        : role === 'private'
          ? `スタッフ専用：${text.title(number)}`
          : text.title(number);
    const page: PlannedPage = {
      path: typeof path === 'string' ? path : path(primary),
      role,
      treeIndex,
      rng,
      primary,
      secondary,
      encoding,
      declaredIn,
      label: declaredIn === 'none' ? null : rng.pick(LABELS[encoding]),
      title,
      baseHref: role === 'base-href' ? '/' : null,
      links: [],
    };
    planned.push(page);
    return page;
  };

  const treePages = Array.from({ length: opts.pages }, (_, i) =>
    plan(
      i === 0
        ? SITE_PATHS.index
        : (theme) => `/${theme.slug}/page-${String(i).padStart(4, '0')}.${i % 7 === 6 ? 'htm' : 'html'}`,
      treeRole(i, opts.pages),
      i,
    ),
  );
  const privatePage = plan(SITE_PATHS.private, 'private', null);
  const nofollowPage = treePages.find((page) => page.role === 'nofollow');
  const trapPage = nofollowPage ? plan(SITE_PATHS.nofollowTarget, 'nofollow-target', null) : undefined;

  for (const page of treePages) planTreeLinks(page, treePages, tree, opts.extraLinksPerPage);
  const index = treePages[0] as PlannedPage;
  index.links.push(
    { target: privatePage.path, element: 'a', placement: 'misc', text: 'スタッフ専用ページ' },
    { target: SITE_PATHS.missing, element: 'a', placement: 'misc', text: '削除された古い記事' },
    { target: SITE_PATHS.csv, element: 'a', placement: 'misc', text: '月別の気温データ（CSV）' },
    { target: null, rawHref: 'mailto:info@example.jp', element: 'a', placement: 'misc', text: 'お問い合わせ' },
    { target: null, rawHref: 'javascript:void(0)', element: 'a', placement: 'misc', text: '印刷する' },
  );
  if (nofollowPage && trapPage) {
    nofollowPage.links.push({ target: trapPage.path, element: 'a', placement: 'related' });
  }
  for (const page of [privatePage, trapPage]) {
    page?.links.push({ target: SITE_PATHS.index, element: 'a', placement: 'nav', text: 'トップ', style: 'root' });
  }

  const titles = new Map(planned.map((page) => [page.path, page.title]));
  const files = new Map<string, SiteFile>();
  const pages: ManifestPage[] = planned.map((page) => renderPlannedPage(page, titles, opts.bytesPerPage, files));
  const extraFiles = staticFiles(root.fork('files'));
  for (const [path, file] of extraFiles) files.set(path, file);

  const manifest: SiteManifest = {
    version: 1,
    seed: opts.seed,
    options: {
      pages: opts.pages,
      bytesPerPage: opts.bytesPerPage,
      linksPerPage: opts.linksPerPage,
      extraLinksPerPage: opts.extraLinksPerPage,
      encodings: opts.encodings,
    },
    index: SITE_PATHS.index,
    pages,
    files: [...extraFiles].map(([path, file]): ManifestFile => ({
      path,
      contentType: file.contentType,
      bytes: file.body.length,
    })),
    missing: [SITE_PATHS.missing],
    robotsDisallow: ['/private/'],
  };
  // Depth is what a correct unlimited crawl discovers, so it is computed by the same walk tests use.
  const discovered = crawlManifest(manifest, Number.POSITIVE_INFINITY);
  for (const page of pages) page.depth = discovered.get(page.path)?.depth ?? null;
  return { files, manifest };
}

function planTreeLinks(page: PlannedPage, treePages: PlannedPage[], tree: LinkTree, extras: number): void {
  const i = page.treeIndex as number;
  const rng = page.rng;
  const children = tree.children(i).map((child) => treePages[child] as PlannedPage);
  // Links from the base-href page are written relative to its base: the quirk only bites on relative links.
  const style = (): HrefStyle =>
    page.baseHref ? 'relative' : rng.pick<HrefStyle>(['root', 'relative', 'relative', 'dot-relative']);

  if (page.role === 'frameset') {
    const frames =
      children.length > 0
        ? children
        : tree
            .safeTargets(i)
            .slice(0, 2)
            .map((t) => treePages[t] as PlannedPage);
    for (const frame of frames)
      page.links.push({ target: frame.path, element: 'frame', placement: 'body', style: style() });
    return;
  }
  page.links.push({
    target: SITE_PATHS.index,
    element: 'a',
    placement: 'nav',
    text: 'トップ',
    style: rng.pick<HrefStyle>(['root', 'relative']),
  });
  for (const child of children) {
    const roll = rng.next();
    const element: LinkElement = roll < 0.1 ? 'area' : roll < 0.15 ? 'iframe' : 'a';
    page.links.push({ target: child.path, element, placement: 'body', style: style() });
  }
  const candidates = rng.shuffle(tree.safeTargets(i)).slice(0, extras);
  for (const target of candidates.sort((a, b) => a - b)) {
    page.links.push({
      target: (treePages[target] as PlannedPage).path,
      element: 'a',
      placement: 'related',
      style: style(),
      // A fragment must not make a second URL of the same page.
      ...(rng.chance(0.2) ? { fragment: `#s${rng.int(1, 9)}` } : {}),
    });
  }
  const firstChild = children[0];
  if (firstChild && rng.chance(0.3)) {
    page.links.push({ target: firstChild.path, element: 'a', placement: 'related', style: style(), fragment: '#top' });
  }
}

function charsetMeta(page: PlannedPage): string | null {
  if (page.declaredIn !== 'meta' || !page.label) return null;
  return page.rng.chance(0.5)
    ? `<meta charset="${page.label}">`
    : `<meta http-equiv="Content-Type" content="text/html; charset=${page.label}">`;
}

function renderPlannedPage(
  page: PlannedPage,
  titles: Map<string, string>,
  bytesPerPage: number,
  files: Map<string, SiteFile>,
): ManifestPage {
  const base = page.baseHref ?? page.path;
  const links: PageLink[] = [];
  const manifestLinks: ManifestPage['links'] = [];
  for (const plan of page.links) {
    const href = plan.rawHref ?? `${hrefFor(base, plan.target as string, plan.style ?? 'root')}${plan.fragment ?? ''}`;
    const target = resolveHref(href, base);
    if (target !== plan.target)
      throw new SampleSiteGeneratorError(`bug: ${href} on ${page.path} resolves to ${target}, not ${plan.target}`);
    links.push({
      href,
      element: plan.element,
      placement: plan.placement,
      text: plan.text ?? titles.get(plan.target ?? '') ?? href,
    });
    manifestLinks.push({ href, element: plan.element, target });
  }
  const spec = {
    title: page.title,
    encoding: page.encoding,
    charsetMeta: charsetMeta(page),
    baseHref: page.baseHref,
    nofollow: page.role === 'nofollow',
    links,
    targetBytes: bytesPerPage,
    text: new TextGenerator(page.rng, page.primary, page.secondary),
    rng: page.rng,
  };
  const html = page.role === 'frameset' ? renderFrameset(spec) : renderArticle(spec);
  const body = encodeText(html, page.encoding, page.path);
  const contentType = page.declaredIn === 'header' ? `text/html; charset=${page.label}` : 'text/html';
  files.set(page.path, { body, contentType, text: html });
  return {
    path: page.path,
    role: page.role,
    encoding: page.encoding,
    charsetDeclaredIn: page.declaredIn,
    charsetLabel: page.label,
    contentType,
    title: page.title,
    depth: null,
    bytes: body.length,
    nofollow: page.role === 'nofollow',
    baseHref: page.baseHref,
    links: manifestLinks,
  };
}

function textFile(text: string, contentType: string): SiteFile {
  return { body: Buffer.from(text, 'utf8'), contentType, text };
}

function staticFiles(rng: Prng): Map<string, SiteFile> {
  const rows = ['月,平均気温,降水量'];
  for (let month = 1; month <= 12; month++) {
    rows.push(`${month}月,${(rng.next() * 30).toFixed(1)},${rng.int(30, 250)}`);
  }
  return new Map([
    [
      SITE_PATHS.robots,
      textFile('# generated by @kumo/sample-site\nUser-agent: *\nDisallow: /private/\n', 'text/plain'),
    ],
    [
      SITE_PATHS.stylesheet,
      textFile('body { font-family: sans-serif; margin: 2em; }\nh1 { font-size: 1.6em; }\n', 'text/css'),
    ],
    [SITE_PATHS.csv, textFile(`${rows.join('\n')}\n`, 'text/csv')],
  ]);
}
