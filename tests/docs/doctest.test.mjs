// Docs are tests: every fenced code block of the documents below is run, type-checked or
// explicitly skipped, so that the docs cannot drift from the package. A Korean twin (`X.ko.md`
// next to `X.md`) is picked up when present and must hold exactly the same code blocks, in the
// same order.
//
// What happens to a block is said by an HTML comment on the line before its fence:
//
//   <!-- doctest: skip (why) -->          not run; the reason is required
//   <!-- doctest: background -->          a shell block started in the background (an emulator);
//                                         the next block waits until it prints an http:// URL
//   <!-- doctest: run [name.mjs] -->      a shell block: run with bash -e; a JS block: written to
//                                         `name.mjs`, type-checked, run with node
//   <!-- doctest: file name.mjs -->       a JS block written to `name.mjs` (for a later shell
//                                         block to run) and type-checked
//   <!-- doctest: check [env] -->         type-checked only; env: node (default), workers, dom, deno
//
// JS and TS blocks without a comment are type-checked for node; any other block without one
// fails the test. Blocks run in document order, in a fresh directory per document holding
// KCP's public test pair (splCert.pem, splPrikeyPKCS8.pem), with node_modules/.bin on PATH and
// KCP_KEY_PASSWORD=changeit. Type checks are strict, skipLibCheck false (JS with checkJs, where
// parameters need no annotations).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCUMENTS = ['README.md', 'pkg/README.md', 'pkg/docs/emulator.md', 'pkg/docs/payments.md'];
const kcpDir = ['tests/fixtures/kcp', '../shared/kcp-public-test']
  .map((d) => path.join(root, d))
  .find((d) => fs.existsSync(path.join(d, 'splPrikeyPKCS8.pem')));

/** Fenced blocks of a Markdown text: `{ lang, code, line, directive }`. */
export function extractBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let prev = i - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    const d = prev >= 0 ? /^\s*<!--\s*doctest:\s*(\w+)\s*([^\s(]*)\s*(?:\((.*)\))?\s*-->\s*$/.exec(lines[prev]) : null;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (lines[j].trimStart().startsWith(fence[0].repeat(fence.length)) && lines[j].trim().replace(/[`~]/g, '') === '') break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    blocks.push({
      lang: lang.toLowerCase(),
      code: body.join('\n') + '\n',
      line: i + 1,
      directive: d ? { verb: d[1], arg: d[2] || undefined, reason: d[3] } : undefined,
    });
    i = j;
  }
  return blocks;
}

const isJs = (lang) => ['js', 'javascript', 'mjs', 'ts', 'typescript'].includes(lang);
const isSh = (lang) => ['sh', 'bash', 'shell'].includes(lang);

/** What to do with a block, after defaults; throws on a block the rules do not cover. */
function plan(block, where) {
  const d = block.directive ?? (isJs(block.lang) ? { verb: 'check', arg: 'node' } : undefined);
  if (d === undefined) throw new Error(`${where}: a \`${block.lang || 'plain'}\` block needs a <!-- doctest: … --> comment (run, background, skip (why), …)`);
  if (d.verb === 'skip') {
    if (!d.reason) throw new Error(`${where}: doctest: skip needs a reason in parentheses`);
    return { verb: 'skip' };
  }
  if (d.verb === 'check') {
    if (!isJs(block.lang)) throw new Error(`${where}: only JS/TS blocks can be type-checked`);
    return { verb: 'check', env: d.arg ?? 'node' };
  }
  if (d.verb === 'background' || (d.verb === 'run' && isSh(block.lang))) {
    if (!isSh(block.lang)) throw new Error(`${where}: background blocks are shell blocks`);
    return { verb: d.verb };
  }
  if (d.verb === 'run' || d.verb === 'file') {
    if (!isJs(block.lang)) throw new Error(`${where}: doctest: ${d.verb} of a ${block.lang} block`);
    if (d.verb === 'file' && !d.arg) throw new Error(`${where}: doctest: file needs a file name`);
    return { verb: d.verb, file: d.arg, env: 'node' };
  }
  throw new Error(`${where}: unknown doctest directive '${d.verb}'`);
}

function waitForUrl(child, where) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${where}: no http:// URL within 20 s:\n${out}`)), 20_000);
    const onData = (d) => {
      out += d;
      if (/http:\/\/\S+/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${where}: exited (${code}) before printing a URL:\n${out}`));
    });
  });
}

const TSC = path.join(root, 'node_modules/.bin/tsc');
const DENO = path.join(root, 'node_modules/.bin/deno');
const TS_ENVS = {
  node: { lib: ['es2022'], types: ['node'], module: 'nodenext', moduleResolution: 'nodenext' },
  workers: { lib: ['es2022'], types: ['@cloudflare/workers-types'], module: 'esnext', moduleResolution: 'bundler', customConditions: ['workerd'] },
  dom: { lib: ['es2022', 'dom', 'dom.iterable'], types: [], module: 'esnext', moduleResolution: 'bundler' },
};

/** Type-checks `files` (names in `dir`) for `env`; returns the compiler's complaints, or ''. */
function typeCheck(dir, env, files) {
  if (env === 'deno') {
    const r = spawnSync(DENO, ['check', '--quiet', ...files], { cwd: dir, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } });
    return r.status === 0 ? '' : `${r.stdout}${r.stderr}`;
  }
  const options = TS_ENVS[env];
  if (options === undefined) return `unknown type-check environment '${env}'`;
  const sub = path.join(dir, `tsc-${env}`);
  fs.mkdirSync(sub, { recursive: true });
  fs.writeFileSync(
    path.join(sub, 'tsconfig.json'),
    JSON.stringify({
      // JS blocks: strict null checks and the package's types, without demanding annotations
      // (a JS reader writes `async fetch(request, env)`); TS blocks: all of strict.
      compilerOptions: { strict: true, noImplicitAny: !files.every((f) => f.endsWith('.mjs')), noEmit: true, skipLibCheck: false, allowJs: true, checkJs: true, target: 'es2022', ...options },
      files: files.map((f) => path.join('..', f)),
    }),
  );
  const r = spawnSync(TSC, ['-p', sub], { encoding: 'utf8' });
  return r.status === 0 ? '' : `${r.stdout}${r.stderr}`;
}

const backgrounds = [];
function stop(child) {
  try {
    process.kill(-child.pid, 'SIGTERM'); // the whole group: bash and what it started
  } catch {
    // already gone
  }
}
after(() => backgrounds.forEach(stop));

for (const doc of DOCUMENTS) {
  describe(doc, () => {
    const text = fs.readFileSync(path.join(root, doc), 'utf8');
    const blocks = extractBlocks(text);
    const dir = path.join(root, 'test-results/doctest', doc.replace(/[/.]/g, '_'));

    test('every code block is run, type-checked or skipped with a reason', async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      for (const f of ['splCert.pem', 'splPrikeyPKCS8.pem']) fs.copyFileSync(path.join(kcpDir, f), path.join(dir, f));
      const env = { ...process.env, PATH: `${path.join(root, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}`, KCP_KEY_PASSWORD: 'changeit', NO_COLOR: '1' };
      const checks = {};
      const started = [];
      let skipped = 0;
      try {
        for (const [n, block] of blocks.entries()) {
          const where = `${doc}:${block.line}`;
          const p = plan(block, where);
          const ext = block.lang.startsWith('t') ? 'ts' : 'mjs';
          const file = p.file ?? `block-${String(n).padStart(2, '0')}-line${block.line}.${ext}`;
          if (p.verb === 'skip') {
            skipped++;
            continue;
          }
          if (p.verb === 'background') {
            const child = spawn('bash', ['-e', '-c', block.code], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
            backgrounds.push(child);
            started.push(child);
            await waitForUrl(child, where);
            continue;
          }
          if (p.verb === 'run' && isSh(block.lang)) {
            const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', block.code], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
            assert.equal(r.status, 0, `${where}: the shell block failed (${r.status}):\n${block.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
            continue;
          }
          // A JS/TS block: written out, type-checked (below, all at once), and run if asked.
          const code = p.env === 'deno' && ext === 'mjs' ? `// @ts-check\n${block.code}` : block.code;
          fs.writeFileSync(path.join(dir, file), code);
          (checks[p.env] ??= []).push(file);
          if (p.verb === 'run') {
            const r = spawnSync(process.execPath, [file], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
            assert.equal(r.status, 0, `${where}: the block failed when run (${r.status}):\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
          }
        }
      } finally {
        started.forEach(stop);
      }
      for (const [envName, files] of Object.entries(checks)) {
        const complaints = typeCheck(dir, envName, files);
        assert.equal(complaints, '', `type check (${envName}) of ${doc}'s blocks failed (files in ${path.relative(root, dir)}):\n${complaints}`);
      }
      // Keep the skipped set small: most blocks must run or be checked.
      assert.ok(skipped <= Math.ceil(blocks.length / 2), `${doc}: ${skipped} of ${blocks.length} blocks skipped`);
    });

    const twin = doc.replace(/\.md$/, '.ko.md');
    test(`the Korean twin (${twin}), when present, has the same code blocks in the same order`, { skip: !fs.existsSync(path.join(root, twin)) && `${twin} not written yet` }, () => {
      const mine = blocks.map((b) => ({ lang: b.lang, code: b.code }));
      const theirs = extractBlocks(fs.readFileSync(path.join(root, twin), 'utf8')).map((b) => ({ lang: b.lang, code: b.code }));
      assert.deepEqual(theirs, mine);
    });
  });
}

test('the block extractor reads fences, directives and languages', () => {
  const blocks = extractBlocks(['<!-- doctest: skip (needs KCP) -->', '```sh', 'echo hi', '```', '', 'text', '```js', 'let x = 1;', '```', '', '<!-- doctest: run a.mjs -->', '', '~~~ts', 'x', '~~~'].join('\n'));
  assert.deepEqual(
    blocks.map((b) => [b.lang, b.code, b.directive]),
    [
      ['sh', 'echo hi\n', { verb: 'skip', arg: undefined, reason: 'needs KCP' }],
      ['js', 'let x = 1;\n', undefined],
      ['ts', 'x\n', { verb: 'run', arg: 'a.mjs', reason: undefined }],
    ],
  );
  assert.throws(() => plan({ lang: 'sh', code: '', line: 1 }, 'x'), /needs a <!-- doctest/);
  assert.throws(() => plan({ lang: 'sh', code: '', line: 1, directive: { verb: 'skip' } }, 'x'), /reason/);
});

test("pkg/README.md's table of KCP result codes lists exactly the core's codes", async () => {
  const { resultCodes } = await import('kcp-wasm');
  const text = fs.readFileSync(path.join(root, 'pkg/README.md'), 'utf8');
  const section = text.slice(text.indexOf('## KCP result codes'), text.indexOf('\n## ', text.indexOf('## KCP result codes') + 1));
  const documented = [...section.matchAll(/^\| `([0-9A-Z]{4})` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented, resultCodes().map((c) => c.code));
});
