import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSite, runSampleSiteCli, SITE_MANIFEST_FILE } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function capture() {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      buffer = buffer.slice(nl + 1);
    }
  });
  const next = async (event: string) => {
    while (!lines.some((line) => line.event === event)) await new Promise((resolve) => setTimeout(resolve, 10));
    return lines.find((line) => line.event === event) as Record<string, unknown>;
  };
  return { stream, lines, next };
}

describe('runSampleSiteCli', () => {
  it('generate writes the same site generateSite builds, with its manifest', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'kumo-cli-test-')), 'site');
    dirs.push(path.dirname(out));
    const { stream, lines } = capture();
    const code = await runSampleSiteCli(
      ['generate', '--pages', '6', '--seed', '42', '--out', out, '--bytes-per-page', '3000'],
      {
        stdout: stream,
      },
    );
    expect(code).toBe(0);
    const site = generateSite({ pages: 6, seed: 42, bytesPerPage: 3000 });
    for (const [filePath, file] of site.files) {
      expect((await readFile(path.join(out, filePath))).equals(file.body), filePath).toBe(true);
    }
    expect(JSON.parse(await readFile(path.join(out, SITE_MANIFEST_FILE), 'utf8'))).toEqual(site.manifest);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({ event: 'generated', pages: site.manifest.pages.length, files: site.files.size });
  });

  it.each([
    ['the demo site', [] as string[]],
    ['a generated site', ['--pages', '3', '--seed', 'x']],
  ])('serve serves %s until stopped', async (_, args) => {
    const { stream, next } = capture();
    const controller = new AbortController();
    const done = runSampleSiteCli(['serve', ...args], { stdout: stream, signal: controller.signal });
    const { url } = await next('listening');
    const res = await fetch(`${url as string}/index.html`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    controller.abort();
    expect(await done).toBe(0);
    expect(await next('closed')).toMatchObject({ totalRequests: 1 });
  });

  it.each([
    [[]],
    [['bogus']],
    [['generate', '--out', '/tmp/x']],
    [['generate', '--pages', 'x', '--out', '/tmp/x']],
    [['serve', '--nope']],
    [['serve', '--dir', '/tmp', '--pages', '3']],
  ])('rejects %j with KUMO_SAMPLE_SITE_CLI_USAGE', async (argv) => {
    await expect(runSampleSiteCli(argv, { stdout: new PassThrough() })).rejects.toMatchObject({
      code: 'KUMO_SAMPLE_SITE_CLI_USAGE',
    });
  });

  it('main.ts exits 2 on bad usage and prints the code', () => {
    const main = path.join(import.meta.dirname, 'main.ts');
    expect(existsSync(main)).toBe(true);
    const run = spawnSync(process.execPath, ['--import', 'tsx', main, 'bogus'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('KUMO_SAMPLE_SITE_CLI_USAGE');
  });
});
