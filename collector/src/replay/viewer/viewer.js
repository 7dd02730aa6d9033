/*
 * Sightline replay viewer. Runs on /replay/:id. Authenticates with the login session cookie, or
 * with an API key from the URL fragment (#key=sl_…, never sent to the server in a URL), which it
 * keeps in sessionStorage for this tab and removes from the address bar; then loads the session
 * and its rrweb events (with Authorization: Bearer when it has a key). Recorded content is only handed to rrweb-player, which rebuilds it inside
 * its sandboxed iframe; nothing recorded is ever written into this page as HTML.
 */
(function () {
  'use strict';
  var STORE = 'sightline.replayKey';
  var $ = function (id) {
    return document.getElementById(id);
  };
  var status = $('sl-status');

  function show(text, isError) {
    status.textContent = text;
    status.hidden = !text;
    status.className = isError ? 'sl-status sl-error' : 'sl-status';
    if (isError) document.body.setAttribute('data-state', 'error');
  }

  function readKey() {
    var frag = new URLSearchParams(location.hash.replace(/^#/, ''));
    var key = frag.get('key');
    try {
      if (key) sessionStorage.setItem(STORE, key);
      else key = sessionStorage.getItem(STORE);
    } catch (e) {
      /* storage disabled: the fragment is all we have */
    }
    if (frag.get('key')) history.replaceState(null, '', location.pathname + location.search);
    return key;
  }

  var match = /\/replay\/([^/]+)\/?$/.exec(location.pathname);
  var sessionId = match ? decodeURIComponent(match[1]) : '';
  var base = location.pathname.replace(/\/replay\/[^/]*\/?$/, '');
  var websiteParam = new URLSearchParams(location.search).get('websiteId');
  var key = readKey();

  function api(path, extra) {
    var qs = new URLSearchParams();
    if (websiteParam) qs.set('websiteId', websiteParam);
    if (extra)
      Object.keys(extra).forEach(function (k) {
        qs.set(k, extra[k]);
      });
    var q = qs.toString();
    var url = base + '/sessions/' + encodeURIComponent(sessionId) + path + (q ? '?' + q : '');
    // with a key: that key only (no cookie); without: the login session cookie of this origin
    return fetch(url, {
      headers: key ? { Authorization: 'Bearer ' + key } : {},
      credentials: key ? 'omit' : 'same-origin',
      cache: 'no-store',
    }).then(function (res) {
      if (res.ok) return res.json();
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (body) {
          var msg = body && body.error && body.error.message ? body.error.message : res.statusText;
          var err = new Error(explain(res.status, msg));
          err.status = res.status;
          throw err;
        });
    });
  }

  function explain(code, msg) {
    if (code === 401)
      return (
        (key ? 'The API key was refused (' : 'Not signed in (') +
        msg +
        '). Sign in to Sightline, or open this page as /replay/' +
        sessionId +
        '#key=<a read key> (the fragment is never sent to the server).'
      );
    if (code === 403) return 'This API key cannot read this session\u2019s website (' + msg + ').';
    if (code === 404) return 'No session with id \u201c' + sessionId + '\u201d.';
    return 'Could not load the replay: HTTP ' + code + ' ' + msg;
  }

  function fmt(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    var m = Math.floor(s / 60);
    s = s % 60;
    return m + ':' + (s < 10 ? '0' : '') + s;
  }

  function label(e) {
    if (e.type === 'pageview') return 'pageview ' + (e.url || '');
    var text = e.text || e.name || e.tag || '';
    return e.type + (text ? ': ' + String(text).slice(0, 60) : '') + (e.url ? ' on ' + e.url : '');
  }

  function link(el, id) {
    if (!id) return;
    el.href =
      './' +
      encodeURIComponent(id) +
      location.search +
      (key ? '#key=' + encodeURIComponent(key) : '');
    el.hidden = false;
  }

  function mountPlayer(events) {
    var ns = window.rrwebPlayer;
    var Player = ns && (ns.default || ns.Player || ns);
    if (typeof Player !== 'function') throw new Error('the player script did not load');
    var box = $('sl-player');
    var width = Math.max(320, Math.min(box.clientWidth || 1024, 1280));
    var height = Math.max(240, Math.min(window.innerHeight - 260, Math.round(width * 0.6)));
    return new Player({
      target: box,
      props: {
        events: events,
        width: width,
        height: height,
        autoPlay: true,
        skipInactive: true,
        speedOption: [1, 2, 4, 8],
        showController: true,
        mouseTail: false,
      },
    });
  }

  function timeline(player, session, startTime, totalTime) {
    var bar = $('sl-timeline');
    var list = $('sl-events');
    var marks = (session.events || []).filter(function (e) {
      return (
        e.type === 'pageview' || e.type === 'click' || e.type === 'rageclick' || e.type === 'error'
      );
    });
    marks.forEach(function (e) {
      var offset = Math.min(Math.max(0, e.timestamp - startTime), totalTime);
      var seek = function () {
        player.goto(offset, true);
      };
      var mark = document.createElement('button');
      mark.type = 'button';
      mark.className = 'sl-mark sl-' + e.type;
      mark.style.left = (totalTime > 0 ? (offset / totalTime) * 100 : 0) + '%';
      mark.title = fmt(offset) + ' ' + label(e);
      mark.setAttribute('aria-label', mark.title);
      mark.addEventListener('click', seek);
      bar.appendChild(mark);
      var item = document.createElement('li');
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'sl-event sl-' + e.type;
      btn.setAttribute('data-offset', String(offset));
      btn.textContent = fmt(offset) + '  ' + label(e);
      btn.addEventListener('click', seek);
      item.appendChild(btn);
      list.appendChild(item);
    });
    bar.hidden = marks.length === 0;
  }

  function start() {
    if (!sessionId) return show('No session id in the address.', true);
    var session;
    api('')
      .then(function (s) {
        session = s;
        websiteParam = s.websiteId;
        $('sl-meta').textContent =
          'session ' +
          s.id +
          ' \u00b7 visitor ' +
          s.visitorId +
          ' \u00b7 ' +
          new Date(s.startedAt).toISOString().replace('T', ' ').slice(0, 19) +
          ' UTC \u00b7 ' +
          s.pageviews +
          ' pageviews, ' +
          s.clicks +
          ' clicks';
        api('/neighbors')
          .then(function (n) {
            link($('sl-prev'), n.previous);
            link($('sl-next'), n.next);
          })
          .catch(function () {
            /* links are optional */
          });
        return api('/replay');
      })
      .then(function (events) {
        if (!Array.isArray(events) || events.length === 0)
          return show('This session has no recording.', true);
        if (
          !events.some(function (e) {
            return e.type === 2;
          })
        ) {
          return show('The recording has no full snapshot yet, so it cannot be played.', true);
        }
        var player = mountPlayer(events);
        var meta = player.getMetaData();
        timeline(player, session, meta.startTime, meta.totalTime);
        show('', false);
        document.body.setAttribute('data-state', 'playing');
      })
      .catch(function (err) {
        show(err && err.message ? err.message : String(err), true);
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
