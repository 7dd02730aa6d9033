#!/usr/bin/env node
// Replay benchmark: records a generated, realistic page in Chromium through the built script.js +
// recorder.js and a real collector, and prints
//   - raw rrweb JSON bytes, the bytes the collector stored, and stored/raw (goal ≤ 0.15);
//   - the recorder's main-thread cost per minute of recording: CDP Performance.getMetrics
//     ScriptDuration/TaskDuration of the same scripted session with replay on minus replay off.
// The session runs in real time (default 60 s, `--seconds N`); `--runs N` repeats both modes and
// prints the median. Needs `npm run build` first and Chromium at /usr/bin/chromium (CHROMIUM_PATH).
// Usage: node scripts/bench-replay.mjs [--seconds 60] [--runs 1]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 60);
const runs = arg('runs', 1);

// ---- the page: ~600 nodes, a stylesheet, text, data-URI images, a form, live updates ----
const words =
  'analytics session replay privacy visitor conversion funnel retention cohort dashboard event page scroll click signal metric'.split(
    ' ',
  );
let seed = 7;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const sentence = (n) =>
  Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' ');
const svg = (i) =>
  'data:image/svg+xml;base64,' +
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90" fill="hsl(${(i * 47) % 360},60%,70%)"/><circle cx="${20 + ((i * 13) % 120)}" cy="45" r="${10 + (i % 20)}" fill="#fff8"/><text x="8" y="80" font-size="12">card ${i}</text></svg>`,
  ).toString('base64');
const css = Array.from(
  { length: 80 },
  (_, i) => `.c${i}{margin:${i % 7}px;padding:${i % 5}px;color:hsl(${i * 9},40%,30%)}`,
).join('\n');
const card = (i) =>
  `<article class="card c${i % 80}"><img src="${svg(i)}" alt="card ${i}" width="160" height="90"><h3>${sentence(3)}</h3><p>${sentence(30)}</p><button class="more">More</button></article>`;

function pageHtml(tag) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Bench shop</title>
<style>body{font:14px/1.4 sans-serif;margin:0}header,footer{background:#223;color:#fff;padding:12px}
nav a{color:#fff;margin-right:12px}.grid{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;padding:12px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px}.card.open p{max-height:none}.card p{max-height:4.2em;overflow:hidden}
form{padding:12px}input,textarea{display:block;margin:6px 0;width:320px}#ticker{font-weight:bold}
${css}</style>${tag}</head><body>
<header><nav>${Array.from({ length: 8 }, (_, i) => `<a href="#s${i}">${sentence(1)}</a>`).join('')}</nav><span id="ticker">0</span></header>
<main><section class="grid" id="grid">${Array.from({ length: 40 }, (_, i) => card(i)).join('')}</section>
<form><input id="q" placeholder="Search"><input id="email" type="email"><textarea id="msg" rows="4"></textarea><input id="pw" type="password"></form>
${Array.from({ length: 12 }, (_, i) => `<section id="s${i}"><h2>${sentence(4)}</h2><p>${sentence(60)}</p><ul>${Array.from({ length: 5 }, () => `<li>${sentence(6)}</li>`).join('')}</ul></section>`).join('')}
</main><footer>${sentence(12)}</footer>
<script>
  let n = 0;
  setInterval(() => { document.getElementById('ticker').textContent = String(++n); }, 1000);
  setInterval(() => {
    const grid = document.getElementById('grid');
    grid.children[n % grid.children.length].classList.toggle('open');
    if (n % 4 === 0) grid.appendChild(grid.firstElementChild);
  }, 2000);
  document.addEventListener('click', (e) => { if (e.target.matches('.more')) e.target.closest('.card').classList.toggle('open'); });
</script></body></html>`;
}

/** One second of scripted activity; `i` picks the mix so both modes do exactly the same. */
async function second(page, i) {
  const x = 100 + ((i * 137) % 1000);
  const y = 100 + ((i * 71) % 600);
  await page.mouse.move(x, y, { steps: 12 });
  if (i % 3 === 0) await page.mouse.wheel(0, i % 12 < 6 ? 400 : -400);
  if (i % 5 === 1) await page.keyboard.type(sentence(2) + ' ', { delay: 30 });
  if (i % 7 === 2) await page.click('#grid .more').catch(() => {});
  if (i % 10 === 4) await page.focus(['#q', '#email', '#msg'][i % 3]).catch(() => {});
}

const metrics = async (cdp) =>
  Object.fromEntries(
    (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
  );

async function session(h, browser, c, site, path) {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 800 },
    userAgent: h.desktopUserAgent,
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // long tasks (> 50 ms) the page sees, counted from the start
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) =>
      window.__long.push(...l.getEntries().map((e) => e.duration)),
    ).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${site.url}${path}`);
  await page.waitForTimeout(2000); // script.js, recorder.js and the first full snapshot
  const start = await metrics(cdp);
  const t0 = Date.now();
  await page.focus('#q');
  for (let i = 0; i < seconds; i++) {
    await second(page, i);
    const wait = t0 + (i + 1) * 1000 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
  }
  const end = await metrics(cdp);
  const long = await page.evaluate(() => window.__long);
  await page.close({ runBeforeUnload: true });
  return {
    startScript: start.ScriptDuration,
    startTask: start.TaskDuration,
    script: end.ScriptDuration - start.ScriptDuration,
    task: end.TaskDuration - start.TaskDuration,
    long: long.length,
    longMs: long.reduce((a, b) => a + b, 0),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (s) => `${(s * 1000).toFixed(0)} ms`;

async function main() {
  // the e2e harness (collector on loopback, static site, Chromium), loaded through tsx
  register();
  const h = await import(pathToFileURL(join(root, 'sdk/e2e/harness.ts')).href);
  const browser = await h.launchChromium();
  const results = { on: [], off: [], sizes: [] };
  // warm-up: one throwaway load per mode, so neither mode pays for a cold browser
  for (const mode of ['off', 'on']) {
    const c = await h.startCollector();
    const site = await h.startSite({
      '/shop': pageHtml(h.snippet(c, mode === 'on' ? { 'data-replay': 'on' } : {})),
    });
    const p = await browser.newPage();
    await p.goto(`${site.url}/shop`);
    await p.waitForTimeout(1500);
    await p.close();
    await site.close();
    await c.close();
  }
  for (let r = 0; r < runs; r++) {
    // alternate the order between runs
    for (const mode of r % 2 ? ['on', 'off'] : ['off', 'on']) {
      const c = await h.startCollector();
      const attrs = mode === 'on' ? { 'data-replay': 'on' } : {};
      const site = await h.startSite({ '/shop': pageHtml(h.snippet(c, attrs)) });
      results[mode].push(await session(h, browser, c, site, '/shop'));
      if (mode === 'on') {
        // the tail leaves by beacon on close: wait until no new chunk arrives for 1.5 s
        let rows = [];
        for (let last = -1; rows.length !== last; await new Promise((ok) => setTimeout(ok, 1500))) {
          last = rows.length;
          rows = c.all('select * from replay_chunks order by start_ts, seq');
        }
        const events = rows.flatMap((x) => JSON.parse(gunzipSync(x.data).toString('utf8')));
        results.sizes.push({
          chunks: rows.length,
          events: events.length,
          snapshots: events.filter((e) => e.type === 2).length,
          firstSnapshot: Buffer.byteLength(JSON.stringify(events.find((e) => e.type === 2) ?? {})),
          raw: rows.reduce((n, x) => n + x.raw_bytes, 0),
          stored: rows.reduce((n, x) => n + x.stored_bytes, 0),
          maxChunk: Math.max(...rows.map((x) => x.stored_bytes)),
          oneBlob: gzipSync(JSON.stringify(events), { level: 9 }).length,
        });
      }
      await site.close();
      await c.close();
    }
  }
  await browser.close();

  const s = results.sizes[results.sizes.length - 1];
  const on = results.on;
  const off = results.off;
  const perMin = (k) =>
    (median(on.map((x) => x[k])) - median(off.map((x) => x[k]))) * (60 / seconds);
  console.log(
    `bench-replay: ${seconds} s scripted session in real time (not accelerated), ${runs} run(s) per mode, Chromium headless, 1280x800`,
  );
  console.log(
    `page: ${Buffer.byteLength(pageHtml(''))} B of HTML, 40 cards with SVG data-URI images, 12 text sections, ~${kb(css.length)} extra CSS; live ticker every 1 s, class toggles and card moves every 2 s`,
  );
  console.log(
    `interactions: mouse path every second (12 steps), wheel scroll every 3 s, typing every 5 s, clicks every 7 s`,
  );
  console.log('');
  console.log(`chunks stored:           ${s.chunks} (largest ${s.maxChunk} B stored)`);
  console.log(
    `rrweb events:            ${s.events} (${s.snapshots} full snapshots; first one ${kb(s.firstSnapshot)} raw)`,
  );
  console.log(`raw rrweb JSON:          ${s.raw} B (${kb(s.raw)})`);
  console.log(`stored by the collector: ${s.stored} B (${kb(s.stored)})`);
  console.log(`stored / raw:            ${(s.stored / s.raw).toFixed(3)} (goal <= 0.15)`);
  console.log(
    `for reference, gzip -9 of all events as one blob: ${s.oneBlob} B, ratio ${(s.oneBlob / s.raw).toFixed(3)}`,
  );
  console.log('');
  console.log(
    `main thread, replay off: ScriptDuration ${ms(median(off.map((x) => x.script)))}, TaskDuration ${ms(median(off.map((x) => x.task)))} over ${seconds} s`,
  );
  console.log(
    `main thread, replay on:  ScriptDuration ${ms(median(on.map((x) => x.script)))}, TaskDuration ${ms(median(on.map((x) => x.task)))} over ${seconds} s`,
  );
  console.log(
    `recorder cost per minute of recording: ScriptDuration +${ms(perMin('script'))}, TaskDuration +${ms(perMin('task'))} (on - off, medians)`,
  );
  const med = (list, k) => median(list.map((x) => x[k]));
  console.log(
    `startup until 2 s after load (replay on adds recorder.js and the first full snapshot): ScriptDuration off ${ms(med(off, 'startScript'))}, on ${ms(med(on, 'startScript'))}; TaskDuration off ${ms(med(off, 'startTask'))}, on ${ms(med(on, 'startTask'))}`,
  );
  console.log(
    `long tasks (> 50 ms) over the whole page life: off ${med(off, 'long')} (${med(off, 'longMs').toFixed(0)} ms), on ${med(on, 'long')} (${med(on, 'longMs').toFixed(0)} ms)`,
  );
}

await main();
