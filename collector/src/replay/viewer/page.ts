/**
 * The viewer page (`GET /replay/:id`). Static HTML: no inline script, no recorded content and no
 * data of the session — the page's script loads those with the key from the URL fragment. Recorded
 * DOM is only ever rebuilt by rrweb inside its sandboxed iframe (sandbox="allow-same-origin", no
 * scripts), and the CSP below also applies to that about:blank iframe.
 */

/**
 * Content-Security-Policy of the viewer. Scripts only from the collector itself; styles, images,
 * fonts and media from anywhere because recorded pages reference their own CSS, images and fonts
 * (never scripts); data only from the collector; nobody may frame the viewer.
 */
export const VIEWER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src * 'unsafe-inline' data: blob:",
  'img-src * data: blob:',
  'font-src * data: blob:',
  'media-src * data: blob:',
  "connect-src 'self'",
  "frame-src 'self' blob: data:",
  "child-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of the viewer page. */
export const viewerHeaders: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': VIEWER_CSP,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/** The page; `v` maps asset names to content hashes (cache busting for the long-cached assets). */
export function viewerHtml(v: Record<string, string>): string {
  const q = (name: string) => `../replay-assets/${name}?v=${encodeURIComponent(v[name] ?? '0')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>Session replay · Sightline</title>
<link rel="stylesheet" href="${q('player.css')}">
<link rel="stylesheet" href="${q('viewer.css')}">
<script defer src="${q('player.js')}"></script>
<script defer src="${q('viewer.js')}"></script>
</head>
<body>
<header class="sl-bar">
  <strong>Sightline replay</strong>
  <span id="sl-meta" class="sl-meta"></span>
  <nav class="sl-nav">
    <a id="sl-prev" class="sl-link" hidden>&larr; previous session</a>
    <a id="sl-next" class="sl-link" hidden>next session &rarr;</a>
  </nav>
</header>
<main>
  <p id="sl-status" class="sl-status" role="status">Loading…</p>
  <div id="sl-player"></div>
  <div id="sl-timeline" class="sl-timeline" hidden aria-label="pageviews and clicks"></div>
  <ul id="sl-events" class="sl-events"></ul>
</main>
<noscript>The replay viewer needs JavaScript.</noscript>
</body>
</html>
`;
}
