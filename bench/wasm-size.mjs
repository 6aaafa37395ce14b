// What takes the space in a .wasm, by crate (issue 12): reads the module's code section and its
// `name` section (build with names: `KCP_WASM_NAMES=1 bash scripts/build.sh`), sums the
// function bodies per crate (from each function's demangled Rust path; the generic instances of
// another crate's code count for the crate whose code it is) and the data segments, and says how
// much each crate's code weighs raw and once gzipped (estimated: the module gzipped without that
// crate's function bodies). Shallow sizes, like `twiggy top`: code reachable only through a crate
// is not added to it.
//   node bench/wasm-size.mjs file.wasm [--top N] [--modules] [--functions]
import fs from 'node:fs';
import zlib from 'node:zlib';

const file = process.argv[2];
const top = Number(process.argv[process.argv.indexOf('--top') + 1] || 0) || 25;
const buf = fs.readFileSync(file);
let pos = 8;
const leb = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return result;
  }
};
const sections = [];
while (pos < buf.length) {
  const id = buf[pos++];
  const size = leb();
  const start = pos;
  let name = null;
  if (id === 0) {
    const len = leb();
    name = buf.subarray(pos, pos + len).toString('utf8');
  }
  sections.push({ id, name, start, end: start + size });
  pos = start + size;
}
const imports = (() => {
  const s = sections.find((x) => x.id === 2);
  if (!s) return 0;
  pos = s.start;
  const n = leb();
  let funcs = 0;
  for (let i = 0; i < n; i++) {
    // module and field names (`pos += leb()` would read pos before leb() moves it)
    for (let k = 0; k < 2; k++) {
      const len = leb();
      pos += len;
    }
    const kind = buf[pos++];
    if (kind === 0) {
      funcs++;
      leb();
    } else if (kind === 1) {
      pos++;
      const f = leb();
      leb();
      if (f & 1) leb();
    } else if (kind === 2) {
      const f = leb();
      leb();
      if (f & 1) leb();
    } else if (kind === 3) pos += 2;
    else if (kind === 4) (pos++, leb());
  }
  return funcs;
})();
// Function bodies.
const code = sections.find((x) => x.id === 10);
pos = code.start;
const count = leb();
const bodies = [];
for (let i = 0; i < count; i++) {
  const size = leb();
  bodies.push({ index: imports + i, start: pos, size: size + (pos - pos) });
  pos += size;
}
// Function names.
const names = new Map();
const nameSec = sections.find((x) => x.id === 0 && x.name === 'name');
if (!nameSec) throw new Error(`${file} has no name section: build with names: KCP_WASM_NAMES=1 bash scripts/build.sh`);
pos = nameSec.start;
pos += leb();
while (pos < nameSec.end) {
  const sub = buf[pos++];
  const size = leb();
  const end = pos + size;
  if (sub === 1) {
    const n = leb();
    for (let i = 0; i < n; i++) {
      const idx = leb();
      const len = leb();
      names.set(idx, buf.subarray(pos, pos + len).toString('utf8'));
      pos += len;
    }
  }
  pos = end;
}

// The crate a function's code belongs to, from its (legacy or v0, demangled or not) path.
// --modules: our own crate split by module (kcp_wasm::api::notification, …).
const byModule = process.argv.includes('--modules');
function crateOf(name) {
  if (!name) return '(unnamed)';
  // wasm-bindgen's export wrappers: the facade's function bodies, with what LTO inlined into them.
  if (/ (multivalue|externref) shim$/.test(name)) return '(exports: src/wasm bodies and what LTO inlined into them)';
  const own = byModule && /^<*(kcp_wasm::(?:wasm::(?:payments|notification)::|api::[a-z0-9_]+::|wasm::|[a-z0-9_]+::))/.exec(name.replace(/\[[0-9a-f]+\]/g, ''));
  if (own) return own[1].slice(0, -2);
  let n = name;
  if (/^_ZN/.test(n)) {
    // legacy mangling: _ZN<len><ident>…
    const m = /^_ZN(\d+)(.*)/.exec(n);
    n = m ? m[2].slice(0, Number(m[1])) : n;
    return n.replace(/^_</, '').replace(/\.\.LT\.\./g, '<');
  }
  // Demangled (v0 names carry a [hash] after each crate): "<X as other::Trait>::f" belongs to
  // X's crate, or to the trait's when X is a primitive or a core/alloc/std type;
  // "core::ptr::drop_in_place<rsa::…>" to what is dropped.
  n = n.replace(/\[[0-9a-f]+\]/g, '').replace(/^<+/, '').replace(/^&(mut )?/, '');
  const generic = /^(core|alloc|std)::(ptr::drop_in_place|ptr::real_drop_in_place)<(.*)>$/.exec(n);
  if (generic) return crateOf(generic[3]);
  const asImpl = /^([^<>]*?) as ([a-zA-Z_][a-zA-Z0-9_]*)::/.exec(n);
  if (asImpl) {
    const self = /^([a-zA-Z_][a-zA-Z0-9_]*)::/.exec(asImpl[1]);
    if (self && !['core', 'alloc', 'std'].includes(self[1])) return self[1];
    if (!['core', 'alloc', 'std'].includes(asImpl[2])) return asImpl[2];
    return self ? self[1] : asImpl[2];
  }
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)::/.exec(n);
  if (m) return m[1];
  if (/^__wbg|^__wbindgen|^wasm_bindgen/.test(n)) return 'wasm_bindgen';
  if (/^(memcpy|memset|memmove|memcmp|__rust|rust_)/.test(n)) return 'compiler_builtins/std';
  return '(other: ' + n.slice(0, 30) + ')';
}

const byCrate = new Map();
for (const b of bodies) {
  const c = crateOf(names.get(b.index));
  const e = byCrate.get(c) ?? { crate: c, bytes: 0, functions: 0, bodies: [] };
  e.bytes += b.size;
  e.functions++;
  e.bodies.push(b);
  byCrate.set(c, e);
}
const data = sections.filter((s) => s.id === 11).reduce((a, s) => a + s.end - s.start, 0);
const custom = sections.filter((s) => s.id === 0).reduce((a, s) => a + s.end - s.start, 0);
const strippedBytes = (drop) => {
  // The module's functional sections (no custom sections), with some bodies left out.
  const parts = [];
  for (const s of sections) {
    if (s.id === 0) continue;
    if (s.id === 10 && drop) {
      let last = s.start;
      for (const b of [...drop].sort((a, b) => a.start - b.start)) {
        parts.push(buf.subarray(last, b.start));
        last = b.start + b.size;
      }
      parts.push(buf.subarray(last, s.end));
    } else parts.push(buf.subarray(s.start, s.end));
  }
  return Buffer.concat(parts);
};
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const base = strippedBytes(null);
const baseGz = gz(base);
const rows = [...byCrate.values()].sort((a, b) => b.bytes - a.bytes).slice(0, top);
console.log(`${file}: ${buf.length} bytes with names (${custom} in custom sections); without them ${base.length} raw, ${baseGz} gzip -9; code ${code.end - code.start}, data ${data}`);
console.log('| crate | functions | code bytes | gzip saved if its code went (estimate) |');
console.log('|---|---:|---:|---:|');
for (const r of rows) {
  const saved = baseGz - gz(strippedBytes(r.bodies));
  console.log(`| ${r.crate} | ${r.functions} | ${r.bytes} | ${saved} |`);
}
if (process.argv.includes('--functions')) {
  console.log('\n| function | code bytes |\n|---|---:|');
  for (const b of [...bodies].sort((a, b) => b.size - a.size).slice(0, top)) console.log(`| \`${(names.get(b.index) ?? '?').replace(/\[[0-9a-f]+\]/g, '').slice(0, 110)}\` | ${b.size} |`);
}
