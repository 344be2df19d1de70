/**
 * Builds the browser example (esbuild: src/app.ts and its dark-processing worker, with `calibman` taken from
 * this checkout's core entry) into a folder with index.html, and serves it cross-origin isolated (so the dark
 * processing may use helper Web Workers on shared memory).
 *
 *   npm run example:browser            # builds into examples/browser/dist/ and serves http://localhost:8080/
 *   npm run example:browser -- 9000    # another port
 */
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/** Bundle the page's scripts into `outDir` (app.js, dark-worker.js) next to a copy of index.html. */
export async function buildBrowserExample(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: { app: path.join(here, 'src/app.ts'), 'dark-worker': path.join(here, 'src/dark-worker.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    alias: { calibman: path.join(root, 'src/index.ts') },
    logLevel: 'warning',
  });
  await copyFile(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/**
 * Serve `dir` on `port` (0 = any free one) with the headers that make the page cross-origin isolated (unless
 * `isolated` is false: then the page has no shared memory and runs the dark processing without helpers).
 * @returns the server, listening
 */
export async function serveBrowserExample(dir: string, port = 0, { isolated = true } = {}): Promise<Server> {
  const server = createServer(async (req, res) => {
    const name = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, path.normalize(name));
    if (!file.startsWith(dir + path.sep)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        ...(isolated && { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }),
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.join(here, 'dist');
  await buildBrowserExample(out);
  const server = await serveBrowserExample(out, Number(process.argv[2] ?? 8080));
  const address = server.address();
  console.log(`browser example: http://localhost:${typeof address === 'object' && address ? address.port : '?'}/ (Ctrl-C stops)`);
}
