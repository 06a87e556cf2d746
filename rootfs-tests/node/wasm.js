// WebAssembly under V8: a module written out byte by byte (so no
// toolchain is needed) whose loop tiers up from Liftoff to TurboFan, loads
// from linear memory, out-of-bounds loads that must trap as RuntimeError
// (V8 may catch them with a SIGSEGV handler over guard pages of a large
// PROT_NONE reservation, or with explicit checks), and memory.grow.
// Deterministic; node --jitless has no WebAssembly, so the oracle is the
// host's native node.
'use strict';
function hash(h, v) {
  return (Math.imul(h ^ v, 0x01000193) >>> 0);
}
function section(name, fn) {
  console.log(name + ': ' + fn());
}
section('wasm', () => {
  // a module written out byte by byte: sum(n) loops, load(a) reads memory
  const uleb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
  const sleb = (n) => { const o = []; for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); } };
  const vec = (items) => [...uleb(items.length), ...items.flat()];
  const sec = (id, body) => [id, ...uleb(body.length), ...body];
  const str = (s) => vec([...s].map((c) => c.charCodeAt(0)));
  const sumBody = [1, 2, 0x7f,                       // two i32 locals: i (1), acc (2)
    0x02, 0x40, 0x03, 0x40,                          // block loop
    0x20, 1, 0x20, 0, 0x4e, 0x0d, 1,                 // i >= n: leave
    0x20, 2, 0x20, 1, 0x20, 1, 0x6c, 0x6a,           // acc + i*i
    0x20, 1, 0x41, 3, 0x76, 0x73,                    // ^ (i >>> 3)
    0x41, ...sleb(-1640531535), 0x6c, 0x21, 2,       // * golden ratio -> acc
    0x20, 1, 0x41, 1, 0x6a, 0x21, 1, 0x0c, 0,        // i++, loop
    0x0b, 0x0b, 0x20, 2, 0x0b];
  const loadBody = [0, 0x20, 0, 0x28, 2, 0, 0x0b];
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...sec(1, vec([[0x60, 1, 0x7f, 1, 0x7f]])),
    ...sec(3, vec([[0], [0]])),
    ...sec(5, vec([[0, 1]])),
    ...sec(7, vec([[...str('sum'), 0, 0], [...str('load'), 0, 1], [...str('mem'), 2, 0]])),
    ...sec(10, vec([[...uleb(sumBody.length), ...sumBody], [...uleb(loadBody.length), ...loadBody]]))]);
  const { sum, load, mem } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  let h = 0;
  for (let k = 0; k < 200; k++) h = hash(h, sum(5000 + k));   // Liftoff, then TurboFan
  const words = new Uint32Array(mem.buffer);
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(i, 2654435761);
  for (let a = 0; a < 65536; a += 4) h = hash(h, load(a));
  let traps = 0;
  for (let a = 65533; a < 65536 + 3000; a += 7) {             // out of bounds: RuntimeError
    try { h = hash(h, load(a)); } catch (e) { if (e instanceof WebAssembly.RuntimeError) traps++; }
  }
  mem.grow(1);
  new Uint32Array(mem.buffer)[65536 / 4] = 0xdeadbeef;
  return h + ' ' + traps + ' ' + (load(65536) >>> 0).toString(16) + ' ' + mem.buffer.byteLength;
});
