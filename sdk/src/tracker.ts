import { isBot } from './bot.js';
import type { Config } from './config.js';
import type { Env } from './env.js';
import type { CollectPayload, CollectType } from './protocol.js';
import { createReplay, type LoadRecorder } from './replay/loader.js';
import { createIds } from './session.js';
import { trackClicks } from './trackers/click.js';
import type { Core } from './trackers/core.js';
import { trackErrors } from './trackers/errors.js';
import { trackPageviews } from './trackers/pageview.js';
import { trackScroll } from './trackers/scroll.js';
import { createTransport } from './transport/queue.js';

type Props = Record<string, unknown>;

/** The public tracker API (`window.sightline` and the return value of `init`). */
export interface Tracker {
  /** a custom event with optional properties */
  track(name: string, props?: Props): void;
  /** attach a user id (and traits) to this visitor */
  identify(userId: string, traits?: Props): void;
  /** a pageview now, for `url` or the current location */
  pageview(url?: string): void;
  /** send queued events now */
  flush(): void;
  /** stop tracking this browser (remembered in localStorage) */
  optOut(): void;
  /** undo `optOut` */
  optIn(): void;
  /** record this session from now on */
  startReplay(): void;
  /** stop recording */
  stopReplay(): void;
}

/** Why nothing is sent on this page, or '' when tracking is allowed. */
export function blockedReason(c: Config, w: Window): string {
  const { location: l, navigator: n } = w;
  if (!c.websiteId) return 'no website id';
  if (l.protocol === 'file:' && !c.allowFileProtocol) return 'file: page';
  if (/^(localhost|127\.|\[::1\]$)/.test(l.hostname) && !c.allowLocalhost) return 'localhost';
  if (c.domains.length && !c.domains.includes(l.hostname)) return 'domain not listed';
  if (
    c.respectDnt &&
    (n.doNotTrack === '1' ||
      (n as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl)
  )
    return 'do not track';
  if (!c.allowBots && isBot(w)) return 'automation';
  return '';
}

/** Wires config, identity, transport and the trackers together for one page. */
export function createTracker(c: Config, env: Env, w: Window, load: LoadRecorder): Tracker {
  const d = w.document;
  const say = (...a: unknown[]) => c.debug && !c.disableConsole && console.log('[sightline]', ...a);
  const reason = blockedReason(c, w);
  if (reason) say('not tracking:', reason);
  const active = () => !reason && env.get('sl_opt') !== '1';
  const ids = createIds(env, c.cookieless);
  const screen = `${w.screen?.width}x${w.screen?.height}`;
  let current = '';

  const transport = createTransport(env, c.apiUrl, c.flushInterval, !c.cookieless, () => ({
    ...ids(),
    websiteId: c.websiteId,
    url: current || w.location.href,
    screen,
    timestamp: new Date(env.now()).toISOString(),
    ...(c.cookieless && { cookieless: true }),
  }));

  const send = (type: CollectType, extra: Partial<CollectPayload>) => {
    if (!active()) return;
    const p: CollectPayload = {
      type,
      websiteId: c.websiteId,
      domain: w.location.hostname,
      href: current || w.location.href,
      referrer: null,
      viewport: { width: w.innerWidth, height: w.innerHeight },
      screen,
      language: w.navigator.language,
      title: d.title,
      ...ids(),
      eventId: env.uuid(),
      timestamp: env.now(),
      ...(c.cookieless && { cookieless: true }),
      ...extra,
    };
    say(p);
    void transport.collect(p);
  };

  const guard =
    <A extends unknown[]>(fn: (...a: A) => void) =>
    (...a: A) => {
      try {
        fn(...a);
      } catch (e) {
        say(e);
      }
    };

  const core: Core = {
    w,
    now: env.now,
    page: () => current,
    push: (e) => {
      if (!active()) return;
      ids(); // activity keeps the session alive
      const full = { ...e, eventId: env.uuid(), timestamp: env.now(), url: current } as Parameters<
        typeof transport.push
      >[0];
      say(full);
      transport.push(full);
    },
    on: (t, type, fn) => t.addEventListener(type, guard(fn), { capture: true, passive: true }),
  };

  const scroll = c.trackScroll ? trackScroll(core) : undefined;
  const pages = trackPageviews(core, c, (href, referrer) => {
    scroll?.end();
    current = href;
    send('pageview', { href, referrer });
    scroll?.start();
  });
  if (c.trackClicks) trackClicks(core, c.trackOutbound);
  trackErrors(core);

  const replay = createReplay(
    c,
    env,
    () => ids().sessionId,
    load,
    (r) => active() && transport.replay(r),
    () => transport.flush(),
  );
  const hide = () => {
    scroll?.end();
    replay.drain();
    transport.flush(true);
  };
  core.on(d, 'visibilitychange', () => (d.visibilityState === 'hidden' ? hide() : scroll?.start()));
  core.on(w, 'pagehide', hide);

  if (active()) void replay.auto()?.catch(say);

  return {
    track: guard((name: string, props?: Props) => send('custom', { name: String(name), props })),
    identify: guard((userId: string, traits?: Props) =>
      send('identify', { userId: String(userId), traits }),
    ),
    pageview: guard((url?: string) => pages.view(url)),
    flush: guard(() => transport.flush()),
    optOut: guard(() => env.set('sl_opt', '1')),
    optIn: guard(() => env.set('sl_opt', null)),
    startReplay: guard(() => void replay.start().catch(say)),
    stopReplay: guard(() => replay.stop()),
  };
}
