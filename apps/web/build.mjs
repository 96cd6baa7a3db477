// Builds the results page into dist/: one hashed script and one hashed stylesheet under dist/app/, and
// dist/index.html naming them. The API serves index.html at `/` and dist/app/ at `/app/`; hashed names let it
// cache the assets for good while index.html is revalidated on every load.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
/**
 * zod's classic API re-exports every locale (about 250 KiB minified) although only English messages are used: the
 * page gets English alone. Nothing else changes (`z.config(z.locales.en())` is what zod runs at load).
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]zod[/\\]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: root,
    }));
  },
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const result = await build({
  entryPoints: [path.join(root, 'src/main.tsx')],
  bundle: true,
  format: 'esm',
  // The form's validation (zod and the contract's schemas) is a chunk of its own, loaded with the form.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  entryNames: '[name]-[hash]',
  outdir: path.join(dist, 'app'),
  metafile: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
  absWorkingDir: root,
});

const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([, output]) => output.entryPoint !== undefined);
if (!entry?.[1].cssBundle) throw new Error('esbuild produced no entry script with a stylesheet');
const script = path.basename(entry[0]);
const style = path.basename(entry[1].cssBundle);
const template = await readFile(path.join(root, 'src/index.html'), 'utf8');
await writeFile(
  path.join(dist, 'index.html'),
  template.replaceAll('%SCRIPT%', `/app/${script}`).replaceAll('%STYLE%', `/app/${style}`),
);

// The size a browser downloads, printed on every build so a growing bundle is seen.
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
let first = 0;
let all = 0;
for (const [file] of outputs.filter(([file]) => !file.endsWith('.map') && !file.endsWith('.txt'))) {
  const bytes = await readFile(file);
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  all += gzipped;
  if ([script, style].includes(path.basename(file))) first += gzipped;
  process.stdout.write(`web: ${path.basename(file)} ${kib(bytes.length)}, ${kib(gzipped)} gzipped\n`);
}
process.stdout.write(
  `web: first load ${kib(first)} gzipped (index.html's script and stylesheet), ${kib(all)} in all\n`,
);
