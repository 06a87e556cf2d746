// Work that makes V8 compile, optimise, deoptimise and re-optimise code
// (hot loops, type changes mid-loop, irregexp-compiled regexes, JSON,
// typed arrays, closures, classes, BigInt, sorting, promises).  Every line
// is deterministic and independent of the node version, so the native
// node, the guest's node with its JIT and with --jitless print the same.
'use strict';

function hash(h, v) {
  return (Math.imul(h ^ v, 0x01000193) >>> 0);
}

function section(name, fn) {
  console.log(name + ': ' + fn());
}

section('int loop', () => {
  let s = 0;
  for (let i = 0; i < 3e6; i++) s = (s + (i % 7) * (i & 15)) | 0;
  return s;
});

section('float loop', () => {
  let x = 0.5;
  for (let i = 1; i < 1e6; i++) x = x * 1.0000001 + Math.sqrt(i) / i;
  return x.toFixed(6);
});

section('deopt and reopt', () => {
  function add(a, b) { return a + b; }
  let acc = 0, str = '';
  for (let i = 0; i < 200000; i++) acc = add(acc, i);   // optimised for ints
  for (let i = 0; i < 2000; i++) str = add(str, i % 10); // now strings: deopt
  for (let i = 0; i < 200000; i++) acc = add(acc, 0.5);  // then doubles
  return acc + ' ' + str.length + ' ' + str.slice(0, 12);
});

section('polymorphic calls', () => {
  class Shape { area() { return 0; } }
  class Sq extends Shape { constructor(s) { super(); this.s = s; } area() { return this.s * this.s; } }
  class Ci extends Shape { constructor(r) { super(); this.r = r; } area() { return 3 * this.r * this.r; } }
  class Tr extends Shape { constructor(b, h) { super(); this.b = b; this.h = h; } area() { return this.b * this.h / 2; } }
  const shapes = [];
  for (let i = 0; i < 3000; i++) shapes.push(i % 3 === 0 ? new Sq(i % 17) : i % 3 === 1 ? new Ci(i % 13) : new Tr(i % 11, 4));
  let total = 0;
  for (let k = 0; k < 100; k++) for (const s of shapes) total += s.area();
  return total;
});

section('regex', () => {
  const words = [];
  for (let i = 0; i < 20000; i++) words.push('item' + i + (i % 3 ? '-x' : '_y') + '@host' + (i % 7) + '.example');
  const text = words.join(' ');
  const re = /item(\d+)[-_]([xy])@host([0-6])\.example/g;
  let m, h = 0, n = 0;
  while ((m = re.exec(text)) !== null) { h = hash(h, +m[1] + m[3].charCodeAt(0)); n++; }
  const replaced = text.replace(/host(\d)/g, (_, d) => 'H' + (d * 2)).length;
  return n + ' ' + h + ' ' + replaced + ' ' + /^(a+)+b$/.test('aaaaaaaaaaaaaaaaab');
});

section('json', () => {
  const obj = { list: [] };
  for (let i = 0; i < 20000; i++) obj.list.push({ id: i, name: 'n' + i, tags: ['a', 'b', String(i % 5)], v: i / 8, ok: i % 2 === 0 });
  const s = JSON.stringify(obj);
  const back = JSON.parse(s);
  let h = 0;
  for (const e of back.list) h = hash(h, e.id + e.tags[2].length + (e.ok ? 1 : 0));
  return s.length + ' ' + h;
});

section('typed arrays', () => {
  const f = new Float64Array(100000), u = new Uint8Array(100000);
  for (let i = 0; i < f.length; i++) { f[i] = Math.sin(i) * 1000; u[i] = i * 31; }
  let s = 0, h = 0;
  for (let k = 0; k < 5; k++) for (let i = 0; i < f.length; i++) { s += f[i] * u[i]; h = (h + u[i]) & 0xffff; }
  return s.toFixed(3) + ' ' + h;
});

section('closures and strings', () => {
  const makers = [];
  for (let i = 0; i < 1000; i++) makers.push((x) => (x * i) % 1009);
  let h = 0;
  for (let k = 0; k < 100; k++) for (const m of makers) h = hash(h, m(k));
  const parts = [];
  for (let i = 0; i < 10000; i++) parts.push(i.toString(36));
  return h + ' ' + parts.join('').length;
});

section('bigint', () => {
  let f = 1n;
  for (let i = 1n; i <= 300n; i++) f *= i;
  const s = f.toString();
  return s.length + ' ' + s.slice(0, 20) + ' ' + (f % 1000000007n);
});

section('sort', () => {
  const a = [];
  let x = 12345;
  for (let i = 0; i < 100000; i++) { x = (x * 1103515245 + 12345) & 0x7fffffff; a.push(x % 100000); }
  a.sort((p, q) => p - q);
  const objs = a.slice(0, 5000).map((v, i) => ({ v: v % 100, i }));
  objs.sort((p, q) => p.v - q.v || p.i - q.i);
  return a[0] + ' ' + a[50000] + ' ' + a[99999] + ' ' + objs[2500].i;
});

section('map and set', () => {
  const m = new Map(), s = new Set();
  for (let i = 0; i < 50000; i++) { m.set('k' + (i % 5000), i); s.add(i % 7777); }
  let t = 0;
  for (const [, v] of m) t += v;
  return m.size + ' ' + s.size + ' ' + t;
});

section('exceptions', () => {
  let caught = 0;
  for (let i = 0; i < 20000; i++) {
    try { if (i % 3 === 0) throw new RangeError('r' + i); if (i % 5 === 0) null.x; } catch (e) { caught += e instanceof RangeError ? 2 : 1; }
  }
  return caught;
});

(async () => {
  const order = [];
  setTimeout(() => order.push('timeout'), 0);
  await Promise.all([1, 2, 3].map(async (v) => { await null; order.push('p' + v); }));
  queueMicrotask(() => order.push('micro'));
  await new Promise((r) => setTimeout(r, 5));
  console.log('async order: ' + order.join(','));
})();
