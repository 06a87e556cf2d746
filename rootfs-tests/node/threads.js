// node's other threads: worker_threads (each worker is a V8 isolate with
// its own JIT, so several threads write code, flush the instruction cache
// and run it at once), the libuv thread pool (fs, zlib and crypto work
// queued off the main thread), and timers/immediates ordering.
// Deterministic and version independent: the host's native node and the
// guest node with --jitless print the same.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

function hash(h, v) {
  return (Math.imul(h ^ v, 0x01000193) >>> 0);
}

function work(seed) {
  let h = seed;
  for (let i = 0; i < 400000; i++) h = hash(h, (i * seed) % 65521);
  const text = Array.from({ length: 3000 }, (_, i) => 'w' + ((i * seed) % 977) + ';').join('');
  for (const m of text.matchAll(/w(\d+)7;/g)) h = hash(h, +m[1]);
  const o = JSON.parse(JSON.stringify({ a: Array.from({ length: 2000 }, (_, i) => ({ i, s: String(i * seed) })) }));
  for (const e of o.a) h = hash(h, e.s.length + e.i);
  return h;
}

if (!isMainThread) {
  parentPort.postMessage(work(workerData));
} else {
  const fs = require('fs'), os = require('os'), path = require('path');
  const zlib = require('zlib'), crypto = require('crypto');
  const { promisify } = require('util');
  (async () => {
    const seeds = [3, 5, 7, 11];
    const results = await Promise.all(seeds.map((s) => new Promise((resolve, reject) => {
      const w = new Worker(__filename, { workerData: s });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    console.log('workers: ' + results.join(' ') + (results[0] === work(3) ? ' same as main' : ' DIFFER from main'));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-threads-'));
    const data = Buffer.alloc(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
    await Promise.all([0, 1, 2, 3].map((k) => fs.promises.writeFile(path.join(dir, 'f' + k), data.subarray(k * 1000))));
    const back = await Promise.all([0, 1, 2, 3].map((k) => fs.promises.readFile(path.join(dir, 'f' + k))));
    fs.rmSync(dir, { recursive: true });
    console.log('fs: ' + back.map((b) => b.length + '/' + crypto.createHash('sha256').update(b).digest('hex').slice(0, 16)).join(' '));

    const gz = await promisify(zlib.gzip)(data, { level: 6 });
    const un = await promisify(zlib.gunzip)(gz);
    const br = zlib.brotliDecompressSync(zlib.brotliCompressSync(data.subarray(0, 100000)));
    console.log('zlib: ' + un.equals(data) + ' ' + br.equals(data.subarray(0, 100000)) + ' ' +
                crypto.createHash('sha256').update(un).digest('hex').slice(0, 16));

    const key = await promisify(crypto.pbkdf2)('secret', 'salt', 20000, 32, 'sha256');
    const scr = await promisify(crypto.scrypt)('secret', 'salt', 32);
    const c = crypto.createCipheriv('aes-256-gcm', key, Buffer.alloc(12, 1));
    const ct = Buffer.concat([c.update(data.subarray(0, 4096)), c.final()]);
    console.log('crypto: ' + key.toString('hex').slice(0, 16) + ' ' + scr.toString('hex').slice(0, 16) + ' ' +
                crypto.createHash('sha256').update(ct).update(c.getAuthTag()).digest('hex').slice(0, 16));

    const order = [];
    await new Promise((resolve) => {
      setTimeout(() => { order.push('timeout'); resolve(); }, 20);
      setImmediate(() => order.push('immediate'));
      process.nextTick(() => order.push('tick'));
      Promise.resolve().then(() => order.push('promise'));
    });
    console.log('order: ' + order.join(','));
  })().catch((e) => { console.log('error: ' + e.message); process.exitCode = 1; });
}
