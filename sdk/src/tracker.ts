import { isBot } from './bot.js';
import type { Config } from './config.js';
import type { Env } from './env.js';
import type { AnalyticsEvent } from './protocol.js';
import { sample, type Recorder } from './replay/loader.js';
import { createIds } from './session.js';
import type { Batched, Core, Load } from './trackers/core.js';
import { trackPageviews } from './trackers/pageview.js';
import { createTransport } from './transport/outbox.js';

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

/**
 * Why nothing is sent on this page, as a short code for the debug log, or 0 when tracking is
 * allowed: 1 no website id, 2 a `file:` page, 3 localhost, 4 host not in `domain`,
 * 5 Do-Not-Track / Global Privacy Control, 6 automation (bot).
 */
export function blockedReason(c: Config, w: Window): number {
  const { location: l, navigator: n } = w;
  const h = l.hostname;
  return (
    [
      !c.websiteId,
      l.protocol == 'file:' && !c.allowFileProtocol,
      /^(localhost|127(\.\d+){3}|\[::1\])$/.test(h) && !c.allowLocalhost,
      c.domains[0] && !c.domains.includes(h),
      c.respectDnt &&
        (n.doNotTrack == '1' ||
          (n as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl),
      !c.allowBots && isBot(w),
    ].indexOf(true) + 1
  );
}

/**
 * Wires config, identity, transport and the trackers together for one page; `load` fetches the
 * lazily loaded bundles (extras, recorder).
 */
export function createTracker(c: Config, env: Env, w: Window, load: Load): Tracker {
  const d = w.document;
  const l = w.location;
  const say = (...a: unknown[]) => c.debug && !c.disableConsole && console.log('[sightline]', ...a);
  const reason = blockedReason(c, w);
  if (reason) say('off', reason);
  const active = () => !reason && !env.get('sl_opt');
  const ids = createIds(env, c.cookieless);
  let current = '';

  /**
   * Fields of `/collect` payloads and of batch metadata alike (the collector ignores the ones a
   * body does not use); reading the ids marks session activity.
   */
  const base = (u = current || l.href) => ({
    websiteId: c.websiteId,
    domain: l.hostname,
    href: u,
    url: u,
    screen: w.screen.width + 'x' + w.screen.height,
    viewport: { width: w.innerWidth, height: w.innerHeight },
    cookieless: c.cookieless,
    ...ids(),
  });

  /** Stamps an event with id and time; pageview, custom and identify go out at once, the rest wait. */
  const emit: Core['push'] = (e, immediate) => {
    if (active()) {
      // a click buffered before the extras brings its own time and url
      const full = { eventId: env.uuid(), timestamp: env.now(), url: current, ...e };
      say(full);
      if (immediate)
        void core.send('/collect', JSON.stringify({ ...base(), title: d.title, ...full }));
      else core.queue?.(full as AnalyticsEvent); // the batch's metadata marks the activity
    }
  };

  const guard =
    <A extends unknown[]>(fn: (...a: A) => unknown) =>
    (...a: A) => {
      try {
        fn(...a);
      } catch (e) {
        say(e);
      }
    };

  const on: Core['on'] = (t, type, fn) => t.addEventListener(type, guard(fn), true);
  // the batch queue (`queue`, `chunk`, `flush`) is the extras' to install
  const core = {
    w,
    env,
    c,
    push: emit,
    on,
    active,
    meta: base,
    clicks: [],
  } as Omit<Core, 'send'> as Core;
  // its tick (every flushInterval) retries the outbox and flushes the extras' batch queue
  core.send = createTransport(core);

  const view = trackPageviews(
    core,
    guard((href: string, referrer: string | null) => {
      core.viewEnd?.();
      current = href;
      core.viewStart = env.now();
      emit({ type: 'pageview', href, referrer }, 1);
    }),
  );
  // autocapture lives in the extras: until they start, clicks wait for them (at most 50)
  if (c.trackClicks)
    on(d, 'click', (e) => core.clicks?.[49] || core.clicks?.push([e, env.now(), current]));

  // the batch queue, scroll spans, autocapture, rage/dead clicks and errors live in their own
  // bundle, requested at once wherever tracking is on (an async script, so it never holds the
  // page back); until it runs, clicks wait in `core.clicks`
  let started: Promise<unknown> | undefined;
  const extras = () => (started ||= load('extras').then(guard((x) => x?.(core))));
  if (active()) void extras();

  // replay: only sessions sampled in download the recorder; its chunks go through the extras'
  // batch queue, so it starts once both have arrived (requested together)
  let rec: Recorder | undefined;
  let recording: unknown;
  const record = (auto?: 1) => {
    if (active() && (!auto || sample(ids().sessionId) < c.replaySampleRate)) {
      recording = 1;
      const ready = extras();
      void load('recorder').then(
        (r) =>
          (rec = r) && ready.then(guard(() => recording && core.flush && r.start(core as Batched))),
      );
    }
  };
  if (c.replay) record(1);

  const api: Tracker = {
    track: (name, props) => emit({ type: 'custom', name, props }, 1),
    identify: (userId, traits) => emit({ type: 'identify', userId, traits }, 1),
    pageview: view,
    flush: () => core.flush?.(),
    optOut: () => env.set('sl_opt', '1'),
    optIn: () => env.set('sl_opt', ''),
    // nothing is recorded (or downloaded) where nothing may be sent
    startReplay: () => record(),
    stopReplay: () => {
      recording = 0;
      rec?.stop();
    },
  };
  // every entry point is guarded: the tracker never throws into the host page
  const methods = api as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const k in methods) methods[k] = guard(methods[k]!);
  return api;
}
