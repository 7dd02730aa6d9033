#!/usr/bin/env node
// Feasibility probe for the analytics API's 10M-event goal (p95 < 50 ms per report): how fast one
// core scans 10M events held in memory as typed-array columns (time, type, page, session,
// visitor; session dimensions by session ordinal), for an overview-style answer — pageviews and
// exact unique visitors (a bitmap over dense visitor ordinals) over a time range, without and
// with a session-dimension filter. Synthetic data; no SQLite. Prints method and figures.
// Usage: node scripts/bench/columns-probe.mjs [--events 10000000]
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('events', 10_000_000);
const V = Math.round(N * 0.15); // visitors
const S = Math.round(N / 5); // sessions, 5 events each
const SPAN = 30 * 86_400_000;
let seed = 42;
const rnd = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};

const t0 = performance.now();
const ts = new Float64Array(N); // ms, ascending (events arrive roughly in time order)
const type = new Uint8Array(N); // 0 = pageview
const session = new Uint32Array(N);
const visitorOf = new Uint32Array(S);
const country = new Uint8Array(S);
for (let s = 0; s < S; s++) {
  visitorOf[s] = (rnd() * V) | 0;
  country[s] = (rnd() * 40) | 0;
}
for (let i = 0; i < N; i++) {
  ts[i] = (i / N) * SPAN;
  type[i] = rnd() < 0.38 ? 0 : 1 + ((rnd() * 5) | 0);
  session[i] = Math.min(S - 1, ((i + rnd() * 50) / 5) | 0);
}
const built = performance.now() - t0;

const bits = new Uint32Array((V >>> 5) + 1);
const popcount = (b) => {
  b -= (b >>> 1) & 0x55555555;
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  return (Math.imul((b + (b >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
};
function overview(from, to, onlyCountry) {
  bits.fill(0);
  let lo = 0;
  let hi = N;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (ts[m] < from) lo = m + 1;
    else hi = m;
  }
  let pageviews = 0;
  for (let i = lo; i < N && ts[i] < to; i++) {
    const s = session[i];
    if (onlyCountry >= 0 && country[s] !== onlyCountry) continue;
    if (type[i] === 0) pageviews++;
    const v = visitorOf[s];
    bits[v >>> 5] |= 1 << (v & 31);
  }
  let visitors = 0;
  for (let j = 0; j < bits.length; j++) visitors += popcount(bits[j]);
  return { pageviews, visitors };
}

console.log('Sightline columns probe');
console.log(
  `method: ${N.toLocaleString('en')} synthetic events over 30 days in typed arrays (Float64 time, Uint8 type, Uint32 session; per session Uint32 visitor, Uint8 country), ${V.toLocaleString('en')} visitors, ${S.toLocaleString('en')} sessions; built in ${built.toFixed(0)} ms;`,
);
console.log(
  'each query: binary search of the range start, one pass counting pageviews and setting visitor bits, then a popcount; 2 warm-up runs, then the median of 9',
);
for (const [label, c] of [
  ['30 days, no filter', -1],
  ['30 days, country = 7', 7],
]) {
  overview(0, SPAN, c);
  overview(0, SPAN, c);
  const times = [];
  let r;
  for (let k = 0; k < 9; k++) {
    const a = performance.now();
    r = overview(0, SPAN, c);
    times.push(performance.now() - a);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(22)} median ${times[4].toFixed(1)} ms, max ${times[8].toFixed(1)} ms: ${r.pageviews.toLocaleString('en')} pageviews, ${r.visitors.toLocaleString('en')} visitors`,
  );
}
console.log(
  `columns in memory: ${((N * 13 + S * 5) / 2 ** 20).toFixed(0)} MB; process RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
);
