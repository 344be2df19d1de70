/**
 * The TypeScript snippets of README.md and docs/*.md compile against the current API: every ```ts / ```typescript
 * block is written to a temporary module inside the checkout (so `calibman` and `calibman/node` resolve to the
 * sources through tsconfig.json's `paths`) and all of them are type-checked in one TypeScript program.
 *
 * A block that is deliberately partial is skipped when its fence reads ```ts no-check or the line before it is
 * `<!-- snippet: no-check -->`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Snippet {
  /** Markdown file, relative to the checkout. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  skipped: boolean;
}

const FENCE_OPEN = /^```(ts|typescript)\b(.*)$/;
const NO_CHECK_COMMENT = /^<!--\s*snippet:\s*no-check\s*-->$/;

/** Every ts/typescript fenced block of one markdown text. */
export function extractSnippets(doc: string, markdown: string): Snippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: Snippet[] = [];
  let open: { line: number; skipped: boolean; body: string[] } | undefined;
  let inOtherFence = false;
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const trimmed = text.trim();
    if (open) {
      if (trimmed === '```') {
        snippets.push({ doc, line: open.line, code: open.body.join('\n'), skipped: open.skipped });
        open = undefined;
      } else {
        open.body.push(text);
      }
      continue;
    }
    if (inOtherFence) {
      if (trimmed === '```') inOtherFence = false;
      continue;
    }
    const m = FENCE_OPEN.exec(trimmed);
    if (m) {
      const skipped = /\bno-check\b/.test(m[2] ?? '') || NO_CHECK_COMMENT.test(previous);
      open = { line: i + 1, skipped, body: [] };
    } else if (trimmed.startsWith('```')) {
      inOtherFence = true;
    }
    if (trimmed !== '') previous = trimmed;
  }
  return snippets;
}

function documentationFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.json could not be read');
  return { ...parsed.options, noEmit: true, incremental: false, noUnusedLocals: false };
}

/** A snippet as a module of its own, so top-level await works and names do not clash between snippets. */
function asModule(s: Snippet): string {
  return `// ${s.doc}:${s.line}\n${s.code}\nexport {};\n`;
}

describe('README and docs snippets', () => {
  const snippets = documentationFiles().flatMap((doc) => extractSnippets(doc, readFileSync(join(ROOT, doc), 'utf8')));
  const checked = snippets.filter((s) => !s.skipped);
  const diagnosticsByName = new Map<string, string[]>();
  const CONTROL = 'control: a snippet with a type error';
  let dir = '';

  beforeAll(() => {
    const tmpRoot = join(ROOT, 'tmp');
    mkdirSync(tmpRoot, { recursive: true });
    dir = mkdtempSync(join(tmpRoot, 'doc-snippets-'));
    const files = new Map<string, string>();
    checked.forEach((s, i) => {
      const file = join(dir, `snippet-${i}.ts`);
      writeFileSync(file, asModule(s));
      files.set(file, `${s.doc}:${s.line}`);
    });
    // A control snippet proves that the checker does report errors in these files.
    const control = join(dir, 'control.ts');
    writeFileSync(control, "import { VERSION } from 'calibman';\nconst n: number = VERSION;\nexport { n };\n");
    files.set(control, CONTROL);

    const program = ts.createProgram([...files.keys()], compilerOptions());
    for (const [file, name] of files) {
      const source = program.getSourceFile(file);
      if (!source) throw new Error(`${file} not in the program`);
      const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      diagnosticsByName.set(
        name,
        diagnostics.map((d) => {
          const where = d.start === undefined ? '' : `line ${source.getLineAndCharacterOfPosition(d.start).line}: `;
          return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        }),
      );
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the snippets, and few are exempt from checking', () => {
    expect(checked.length).toBeGreaterThanOrEqual(10);
    expect(snippets.filter((s) => s.skipped).length).toBeLessThanOrEqual(3);
  });

  it('reports type errors (control)', () => {
    expect(diagnosticsByName.get(CONTROL)?.join('\n')).toMatch(/not assignable to type 'number'/);
  });

  it.each(checked.map((s) => [`${s.doc}:${s.line}`]))('%s type-checks', (name) => {
    expect(diagnosticsByName.get(name) ?? [`${name} was not checked`]).toEqual([]);
  });

  it('extracts blocks and honours the no-check markers', () => {
    const md = [
      '```ts',
      'const a = 1;',
      '```',
      '```sh',
      '```ts',
      '```',
      '<!-- snippet: no-check -->',
      '```typescript',
      'partial(',
      '```',
      '```ts no-check',
      'x',
      '```',
    ].join('\n');
    const found = extractSnippets('x.md', md);
    expect(found.map((s) => [s.line, s.code, s.skipped])).toEqual([
      [1, 'const a = 1;', false],
      [8, 'partial(', true],
      [11, 'x', true],
    ]);
  });
});
