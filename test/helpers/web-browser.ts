import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot } from './processes.js';

/** Debian's chromium (`.ci/run` installs it); Playwright never downloads a browser here. */
export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
export const chromiumNotice = hasChromium ? '' : ' [skipped: /usr/bin/chromium not installed]';

/** Screenshots of the results page, for people to look at (gitignored). */
export const artifactsDir = path.join(repoRoot, 'test/integration/artifacts');

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

/** Headless chromium with a fresh, empty profile and no background network of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a page did that a test checks at the end: CSP violations and script errors, requests to other origins. */
export interface PageWatch {
  cspViolations: string[];
  pageErrors: string[];
  foreignRequests: string[];
  requests: { url: string; authorization: string | undefined }[];
}

export function watchPage(page: Page, origin: string): PageWatch {
  const watch: PageWatch = { cspViolations: [], pageErrors: [], foreignRequests: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' && /content security policy/i.test(message.text()))
      watch.cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => watch.pageErrors.push(String(error)));
  page.on('request', (request) => {
    const url = request.url();
    watch.requests.push({ url, authorization: request.headers().authorization });
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'))
      watch.foreignRequests.push(url);
  });
  return watch;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core on the page as it is now: the violations of impact `serious` or `critical`. axe is evaluated through
 * the DevTools protocol, which the page's CSP does not govern (a `<script>` tag would be refused, rightly).
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }[];
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => JSON.stringify(node.target)),
    }));
}

/** Saves the page at desktop and phone width under `artifactsDir` (web-<name>-<width>.png); returns the paths. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(artifactsDir, { recursive: true });
  const before = page.viewportSize();
  const paths: string[] = [];
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    // Usable at this width: nothing makes the page itself scroll sideways (wide tables scroll in their own region).
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(pageWidth, `web-${name} at ${label} width`).toBeLessThanOrEqual(size.width);
    const file = path.join(artifactsDir, `web-${name}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    paths.push(file);
  }
  if (before) await page.setViewportSize(before);
  return paths;
}
