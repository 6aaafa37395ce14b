// Korean documentation parity: every user-facing `X.md` has a Korean twin `X.ko.md` that says the
// same thing to Korean developers. A test cannot judge a translation, but it can hold the parts
// that must not drift:
//
// - the fenced code blocks are byte-for-byte identical and in the same order (code, comments
//   inside code blocks included, is never translated);
// - the heading structure is the same (same number of `#`, `##`, `###` … headings, in the same
//   order of levels);
// - each file links to the other in its first line;
// - every relative link in the Korean file resolves to a file or folder of the repository, and
//   goes to the Korean twin of a document when there is one;
// - no paragraph, list item or table row of the Korean file is left in English (three or more
//   English function words and no Hangul);
// - the documents users read each have a twin, except those listed in TWINS_EXPECTED_LATER;
// - Korean-only documents (KOREAN_ONLY: the glossary) are in the repository, in Korean, and every
//   relative link in them resolves.
//
// Files are found with `git ls-files` (tracked files, plus new files not yet committed and not
// ignored), so a twin only on someone's disk in an ignored path does not count.
//
// Run: node --test tests/docs/parity.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * English documents whose Korean twin is being written in another branch. The lead empties this
 * list as the twins land; the test fails if a listed twin already exists, so the list cannot
 * go stale.
 */
const TWINS_EXPECTED_LATER = [];

/** Korean documents with no English original: the translators' glossary. */
const KOREAN_ONLY = ['docs/glossary.ko.md'];

/** The English documents users read; `examples/<name>/README.md` are added when present. */
const USER_DOCS = [
  'README.md',
  'pkg/README.md',
  'pkg/docs/emulator.md',
  'docs/playground.md',
  'docs/benchmarks.md',
  'examples/README.md',
  'SECURITY.md',
];

// ---------------------------------------------------------------------------------------------
// The repository's files

const FILES = execFileSync(
  'git',
  ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
  { cwd: ROOT, encoding: 'utf8' },
)
  .split('\0')
  .filter((f) => f !== '' && existsSync(path.join(ROOT, f))); // drop tracked files deleted on disk
const FILE_SET = new Set(FILES);
const DIR_SET = new Set(['']);
for (const f of FILES) {
  for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) DIR_SET.add(d);
}

const KO_SUFFIX = '.ko.md';
const koTwinOf = (en) => en.slice(0, -'.md'.length) + KO_SUFFIX;
const englishOf = (ko) => ko.slice(0, -KO_SUFFIX.length) + '.md';

const KOREAN_FILES = FILES.filter((f) => f.endsWith(KO_SUFFIX) && !KOREAN_ONLY.includes(f)).sort();
const PAIRS = KOREAN_FILES.map((ko) => ({ en: englishOf(ko), ko }));

const read = (f) => readFileSync(path.join(ROOT, f), 'utf8').replace(/\r\n?/g, '\n');

// ---------------------------------------------------------------------------------------------
// A small Markdown reader: just enough of CommonMark for fenced code, headings and links.

const FENCE_OPEN = /^( *)(`{3,}|~{3,})(.*)$/;
const DOCTEST_COMMENT = /^\s*<!--\s*doctest:.*-->\s*$/;

/**
 * Splits a document into fenced code blocks (raw text, fences included) and the prose lines
 * outside them (code lines are replaced by empty strings, so line numbers stay true).
 */
function parse(text) {
  const lines = text.split('\n');
  const codeBlocks = [];
  const prose = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    // A backtick fence's info string may not contain a backtick (CommonMark 4.5).
    if (!open || (open[2][0] === '`' && open[3].includes('`'))) {
      prose.push(lines[i]);
      continue;
    }
    const [char, len] = [open[2][0], open[2].length];
    const close = new RegExp(`^ *\\${char}{${len},}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j])) j++; // an unclosed fence runs to the end
    // A `<!-- doctest: … -->` line right before the fence belongs to the block: it must be the
    // same in both languages, and it is not prose.
    const directive = i > 0 && DOCTEST_COMMENT.test(lines[i - 1]);
    if (directive) prose[i - 1] = '';
    codeBlocks.push({ line: i + 1, text: lines.slice(directive ? i - 1 : i, j + 1).join('\n') });
    for (let k = i; k <= j && k < lines.length; k++) prose.push('');
    i = j;
  }
  return { codeBlocks, prose };
}

/** Blanks out inline code spans (`x`, ``x``), keeping line breaks, so their text is not prose. */
function stripCodeSpans(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      out += text[i++];
      continue;
    }
    let n = 0;
    while (text[i + n] === '`') n++;
    const run = '`'.repeat(n);
    let j = text.indexOf(run, i + n);
    while (j !== -1 && text[j + n] === '`') {
      // a longer run does not close this span: skip past it
      let m = 0;
      while (text[j + m] === '`') m++;
      j = text.indexOf(run, j + m);
    }
    if (j === -1) {
      out += run; // no closing run: literal backticks
      i += n;
      continue;
    }
    out += text.slice(i, j + n).replace(/[^\n]/g, ' ');
    i = j + n;
  }
  return out;
}

/** ATX (`## x`) and setext (`x` over `===`/`---`) headings outside code, as levels in order. */
function headings(prose) {
  const levels = [];
  for (let i = 0; i < prose.length; i++) {
    const atx = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(prose[i]);
    if (atx) {
      levels.push(atx[1].length);
      continue;
    }
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(prose[i]);
    const above = i > 0 ? prose[i - 1] : '';
    if (
      setext &&
      above.trim() !== '' &&
      !/^ {0,3}(#|>|[-*+] |\d+[.)] |\||`{3}|~{3})/.test(above) &&
      !/^ {0,3}(=+|-+)[ \t]*$/.test(above)
    ) {
      levels.push(setext[1][0] === '=' ? 1 : 2);
    }
  }
  return levels;
}

/** Link and image destinations outside code: `[t](dest)`, `![a](dest "title")`, `[r]: dest`. */
function linkTargets(prose) {
  const text = stripCodeSpans(prose.join('\n'));
  const targets = [];
  const lineAt = (index) => text.slice(0, index).split('\n').length;
  for (let i = text.indexOf(']('); i !== -1; i = text.indexOf('](', i + 2)) {
    let j = i + 2;
    while (text[j] === ' ' || text[j] === '\n') j++;
    let dest = '';
    if (text[j] === '<') {
      const end = text.indexOf('>', j);
      if (end === -1) continue;
      dest = text.slice(j + 1, end);
    } else {
      let depth = 0;
      for (; j < text.length; j++) {
        const c = text[j];
        if (c === '\\' && j + 1 < text.length) {
          dest += text[++j];
          continue;
        }
        if (/\s/.test(c)) break;
        if (c === '(') depth++;
        if (c === ')' && depth-- === 0) break;
        dest += c;
      }
    }
    targets.push({ line: lineAt(i), dest });
  }
  const definition = /^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)>?/gm;
  for (let m = definition.exec(text); m; m = definition.exec(text)) {
    targets.push({ line: lineAt(m.index), dest: m[1] });
  }
  return targets;
}

/**
 * Where a relative destination points, as a repository path ('' for the root), or null for
 * absolute URLs (`https:`, `mailto:`, `//host`) and same-page anchors (`#x`).
 */
function resolveLink(fromFile, dest) {
  if (dest === '' || dest.startsWith('#') || dest.startsWith('//')) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(dest)) return null;
  let p = dest.replace(/[?#].*$/, '');
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep it as written; it will not resolve and the test will say so
  }
  const joined = p.startsWith('/')
    ? path.posix.normalize(p.slice(1))
    : path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), p));
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

const exists = (repoPath) => FILE_SET.has(repoPath) || DIR_SET.has(repoPath);

/** The first non-blank line, which must carry the link to the twin, and its number. */
const firstLine = (text) => text.split('\n').find((l) => l.trim() !== '') ?? '';
const firstLineNumber = (text) => text.split('\n').findIndex((l) => l.trim() !== '') + 1;

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;

/**
 * Units of prose that must contain Korean if they contain English sentences: each paragraph,
 * each list item, each table row and each heading.
 */
function proseUnits(prose) {
  const units = [];
  let current = null;
  const flush = () => {
    if (current) units.push(current);
    current = null;
  };
  prose.forEach((raw, index) => {
    const line = raw.replace(/^ {0,3}>\s?/, ''); // blockquotes: judge their content
    if (line.trim() === '') return flush();
    const startsUnit = /^\s*([-*+] |\d+[.)] |\||#)/.test(line);
    if (startsUnit || !current) {
      flush();
      current = { line: index + 1, text: line };
    } else {
      current.text += '\n' + line;
    }
    if (/^\s*(\||#)/.test(line)) flush(); // a table row or heading is one line
  });
  flush();
  return units;
}

/**
 * English function words in a unit once code spans and link destinations are removed. Names
 * (`Node`, `Cloudflare Workers`, `OpenSSL`) are fine untranslated; sentences are not, and
 * sentences are what carry "the", "is", "of".
 */
const FUNCTION_WORDS = new Set(
  ('a an the is are was be been it its this that these those of to in on at by for with from as ' +
    'and or but not no if when then than so do does can must may only each every any all which ' +
    'what who how there here into over after before')
    .split(' '),
);
function englishFunctionWords(text) {
  const plain = stripCodeSpans(text).replace(/\]\([^)]*\)/g, ']');
  return (plain.match(/[A-Za-z]+/g) ?? []).filter((w) => FUNCTION_WORDS.has(w.toLowerCase()));
}

// ---------------------------------------------------------------------------------------------
// The tests

test('Korean twins exist for the documents users read', () => {
  const examples = FILES.filter((f) => /^examples\/[^/]+\/README\.md$/.test(f));
  for (const en of [...USER_DOCS, ...examples]) {
    assert.ok(FILE_SET.has(en), `${en} is listed as a user document but is not in the repository`);
    const ko = koTwinOf(en);
    if (TWINS_EXPECTED_LATER.includes(en)) {
      assert.ok(
        !FILE_SET.has(ko),
        `${ko} exists now: remove ${en} from TWINS_EXPECTED_LATER in tests/docs/parity.test.mjs`,
      );
      continue;
    }
    assert.ok(FILE_SET.has(ko), `${en} has no Korean twin ${ko}`);
  }
});

test('every Korean twin has its English original', () => {
  assert.ok(PAIRS.length > 0, 'no *.ko.md file found: is this a git checkout?');
  for (const { en, ko } of PAIRS) {
    assert.ok(FILE_SET.has(en), `${ko} has no English original ${en}`);
  }
});

for (const { en, ko } of PAIRS) {
  if (!FILE_SET.has(en)) continue; // reported above
  const enText = read(en);
  const koText = read(ko);
  const enDoc = parse(enText);
  const koDoc = parse(koText);

  test(`${ko}: code blocks are identical to ${en}, in the same order`, () => {
    const n = Math.max(enDoc.codeBlocks.length, koDoc.codeBlocks.length);
    for (let i = 0; i < n; i++) {
      const e = enDoc.codeBlocks[i];
      const k = koDoc.codeBlocks[i];
      assert.ok(e, `${ko}:${k?.line}: code block #${i + 1} has no counterpart in ${en}`);
      assert.ok(k, `${en}:${e?.line}: code block #${i + 1} is missing from ${ko}`);
      assert.equal(
        k.text,
        e.text,
        `code block #${i + 1} differs: ${ko}:${k.line} vs ${en}:${e.line}`,
      );
    }
  });

  test(`${ko}: same heading structure as ${en}`, () => {
    const enLevels = headings(enDoc.prose);
    const koLevels = headings(koDoc.prose);
    const count = (levels) => {
      const c = {};
      for (const l of levels) c['#'.repeat(l)] = (c['#'.repeat(l)] ?? 0) + 1;
      return c;
    };
    assert.ok(enLevels.length > 0, `${en} has no heading`);
    assert.deepEqual(count(koLevels), count(enLevels), 'headings per level differ');
    assert.deepEqual(koLevels, enLevels, 'the order of heading levels differs');
  });

  test(`${en} and ${ko} link to each other in their first line`, () => {
    const linksTo = (from, text, to) =>
      linkTargets([firstLine(text)]).some(({ dest }) => resolveLink(from, dest) === to);
    assert.ok(linksTo(en, enText, ko), `the first line of ${en} does not link to ${ko}`);
    assert.ok(linksTo(ko, koText, en), `the first line of ${ko} does not link to ${en}`);
  });

  test(`${ko}: relative links resolve to files of the repository`, () => {
    const broken = linkTargets(koDoc.prose)
      .map((t) => ({ ...t, to: resolveLink(ko, t.dest) }))
      .filter((t) => t.to !== null && !exists(t.to))
      .map((t) => `${ko}:${t.line}: ${t.dest}`);
    assert.deepEqual(broken, [], 'links to nothing');
  });

  test(`${ko}: links to other documents go to their Korean twins when they exist`, () => {
    const english = linkTargets(koDoc.prose)
      .filter((t) => t.line !== firstLineNumber(koText)) // the [English](X.md) link itself
      .map((t) => ({ ...t, to: resolveLink(ko, t.dest) }))
      .filter((t) => t.to?.endsWith('.md') && !t.to.endsWith(KO_SUFFIX) && FILE_SET.has(koTwinOf(t.to)))
      .map((t) => `${ko}:${t.line}: ${t.dest} (use ${koTwinOf(t.to)})`);
    assert.deepEqual(english, [], 'links to an English document that has a Korean twin');
  });

  test(`${ko}: the prose is in Korean`, () => {
    assert.ok(HANGUL.test(koDoc.prose.join('\n')), `${ko} has no Korean text at all`);
    const english = proseUnits(koDoc.prose)
      .filter((u) => englishFunctionWords(u.text).length >= 3 && !HANGUL.test(stripCodeSpans(u.text)))
      .map((u) => `${ko}:${u.line}: ${u.text.split('\n')[0].slice(0, 80)}`);
    assert.deepEqual(english, [], 'left untranslated');
  });
}

for (const ko of KOREAN_ONLY) {
  test(`${ko} (Korean only) is present, in Korean, and its links resolve`, () => {
    assert.ok(FILE_SET.has(ko), `${ko} is listed in KOREAN_ONLY but is not in the repository`);
    assert.ok(!FILE_SET.has(englishOf(ko)), `${englishOf(ko)} exists: take ${ko} out of KOREAN_ONLY`);
    const { prose } = parse(read(ko));
    assert.ok(HANGUL.test(prose.join('\n')), `${ko} has no Korean text`);
    const broken = linkTargets(prose)
      .map((t) => ({ ...t, to: resolveLink(ko, t.dest) }))
      .filter((t) => t.to !== null && !exists(t.to))
      .map((t) => `${ko}:${t.line}: ${t.dest}`);
    assert.deepEqual(broken, [], 'links to nothing');
  });
}

// The reader itself, on inputs where a mistake would make the checks above pass vacuously.
test('the Markdown reader finds code, headings and links where they are', () => {
  const doc = parse(
    [
      '[English](a.md)',
      '# Title',
      '```sh',
      '# not a heading [x](nowhere.md)',
      '```',
      'Text `[y](nowhere.md)` and [z](../b/c.md#part "t") and ![i](<d e.svg>).',
      'Setext',
      '------',
      '',
      '---',
      '~~~~',
      '```',
      '~~~',
      '~~~~',
      '[r]: https://example.com',
    ].join('\n'),
  );
  assert.deepEqual(
    doc.codeBlocks.map((b) => b.text),
    ['```sh\n# not a heading [x](nowhere.md)\n```', '~~~~\n```\n~~~\n~~~~'],
  );
  assert.deepEqual(headings(doc.prose), [1, 2]);
  assert.deepEqual(
    linkTargets(doc.prose).map((t) => t.dest),
    ['a.md', '../b/c.md#part', 'd e.svg', 'https://example.com'],
  );
  assert.equal(resolveLink('docs/x.ko.md', '../b/c.md#part'), 'b/c.md');
  assert.equal(resolveLink('docs/x.ko.md', 'x.md'), 'docs/x.md');
  assert.equal(resolveLink('docs/x.ko.md', '/README.md'), 'README.md');
  assert.equal(resolveLink('docs/x.ko.md', 'https://kcp.co.kr'), null);
  assert.equal(resolveLink('docs/x.ko.md', '#api'), null);
  assert.equal(stripCodeSpans('a ``b ` c`` d'), 'a           d');
  const directed = parse('<!-- doctest: skip (a reply, shown for its shape) -->\n```json\n{}\n```');
  assert.deepEqual(directed.codeBlocks.map((b) => b.text), ['<!-- doctest: skip (a reply, shown for its shape) -->\n```json\n{}\n```']);
  assert.deepEqual(directed.prose, ['', '', '', '']);
  assert.deepEqual(
    proseUnits(['- one two three four five six', '  seven', '| 표 | 행 |', 'para', 'graph'])
      .map((u) => u.line),
    [1, 3, 4],
  );
});
