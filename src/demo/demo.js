// Chatbot demo pages: one script for the engagement and the post-payment demo.
//
// Security: everything that comes from the server or the visitor is put into the page
// as text (textContent, setAttribute, element properties), never parsed as HTML.
// Words of the chrome come from the catalogue embedded in the page (#catalogue), in the
// language the visitor picked; nothing here names a locale.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  const PAGE = body.dataset.page; // "engagement" | "success"
  const DATA = JSON.parse($('catalogue').textContent);
  const REPORT_ID = DATA.report;
  const LOCALES = new Map(DATA.locales.map((l) => [l.code, l]));
  const WS_BASE = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
  const QUERY = new URLSearchParams(location.search);
  // The server's close codes by name (protocol::Close, passed in the page data).
  const CLOSE = DATA.close;
  // Close codes worth reconnecting after: going away, lost (1006, the browser's own),
  // service restart (1012, a proxy's), busy.
  const RECONNECT_CODES = new Set([CLOSE.going_away, 1006, 1012, CLOSE.try_again_later]);
  const MAX_ATTEMPTS = 8;
  const DEV_KEY = 'chatbot-demo.developer-panel';

  const chat = $('chat');
  const notice = $('notice');
  const statusLine = $('status-line');
  const newMessages = $('new-messages');
  const langSelect = $('lang');
  const card = document.querySelector('.chat-card');
  const finePointer = window.matchMedia && matchMedia('(pointer: fine)').matches;

  let locale = LOCALES.get(document.documentElement.lang) || DATA.locales[0];
  const ui = (key) => (locale.ui[key] != null ? locale.ui[key] : key);

  // ---- DOM helpers (text only) ----
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function uiEl(tag, cls, key) {
    const e = el(tag, cls, ui(key));
    e.dataset.ui = key;
    return e;
  }

  // ---- the chrome's language ----
  function applyLocale(code) {
    locale = LOCALES.get(code) || locale;
    document.documentElement.lang = locale.code;
    document.querySelectorAll('[data-ui]').forEach((e) => { e.textContent = ui(e.dataset.ui); });
    document.querySelectorAll('[data-ui-placeholder]').forEach((e) => { e.placeholder = ui(e.dataset.uiPlaceholder); });
    document.querySelectorAll('[data-ui-aria-label]').forEach((e) => { e.setAttribute('aria-label', ui(e.dataset.uiAriaLabel)); });
    document.querySelectorAll('a[data-lang-link]').forEach((a) => {
      const url = new URL(a.getAttribute('href'), location.href);
      url.searchParams.set('lang', locale.code);
      a.setAttribute('href', url.pathname + url.search);
    });
    $('title').textContent = locale.title;
    document.title = locale.title + ' \u00b7 ' + ui(PAGE === 'success' ? 'post_payment_chat' : 'sales_chat');
    refresh();
  }

  // ---- the log ----
  // The log follows new messages only while the visitor is at its end (`stuck`); one
  // who scrolled up gets a "new messages" button instead of a jump.
  const atBottom = () => chat.scrollHeight - chat.scrollTop - chat.clientHeight < 48;
  let stuck = true;
  let lastTop = 0;
  function toBottom() {
    chat.scrollTop = chat.scrollHeight;
    lastTop = chat.scrollTop;
    stuck = true;
    newMessages.hidden = true;
  }
  function append(node) {
    chat.append(node);
    if (typing.isConnected && node !== typing) chat.append(typing); // dots stay last
    if (stuck) toBottom(); else if (node !== typing) newMessages.hidden = false;
    return node;
  }
  chat.addEventListener('scroll', () => {
    // Only the visitor scrolls up: that lets go of the end; reaching it again holds it.
    // (A log that merely shrank, its scroll position unchanged, still holds it.)
    if (chat.scrollTop < lastTop - 2) stuck = atBottom();
    else if (atBottom()) stuck = true;
    lastTop = chat.scrollTop;
    if (stuck) newMessages.hidden = true;
  });
  // Quick replies, notices and the phone's keyboard take room from the log: keep its end
  // in view for a visitor who was there.
  if (window.ResizeObserver) new ResizeObserver(() => { if (stuck) toBottom(); }).observe(chat);
  newMessages.addEventListener('click', () => { toBottom(); chat.focus({ preventScroll: true }); });

  // A message with its speaker's name for screen readers; `lang` is the text's language.
  function addBubble(who, text, lang) {
    const b = el('div', 'bubble ' + who);
    b.append(uiEl('span', 'sr-only', who === 'visitor' ? 'you' : 'bot'));
    const p = el('p', 'text', text);
    if (lang) p.lang = lang;
    b.append(p);
    return append(b);
  }

  const typing = el('div', 'typing');
  typing.setAttribute('role', 'status');
  typing.append(uiEl('span', 'sr-only', 'typing_aria'));
  for (let i = 0; i < 3; i++) typing.append(el('span', 'dot'));

  // ---- notices: shown between the log and the controls, scrolled into view ----
  // kind: "checkout" | "done" | "failed" | "error" | "closed" | "idle" | "reconnecting" | "ok"
  let noticeTimer = null;
  function showNotice(kind, key, detail, link) {
    clearTimeout(noticeTimer);
    notice.replaceChildren(uiEl('strong', null, key));
    if (detail) notice.append(el('p', 'detail', detail));
    if (link) {
      const a = uiEl('a', link.cls, link.key);
      a.setAttribute('href', link.href);
      notice.append(a);
    }
    notice.dataset.kind = kind;
    notice.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    notice.hidden = false;
    requestAnimationFrame(() => reveal(notice));
  }
  function hideNotice() {
    clearTimeout(noticeTimer);
    notice.hidden = true;
    notice.replaceChildren();
    delete notice.dataset.kind;
  }
  // Scrolls the page (not the log) so that `node` is wholly in view.
  function reveal(node) {
    if (node.hidden || !node.isConnected) return;
    const r = node.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) node.scrollIntoView({ block: 'nearest' });
  }

  // ---- the developer panel ----
  const dev = $('dev');
  const frames = $('frames');
  try { dev.open = localStorage.getItem(DEV_KEY) === 'open'; } catch (_) { /* storage off */ }
  dev.addEventListener('toggle', () => {
    try { localStorage.setItem(DEV_KEY, dev.open ? 'open' : 'closed'); } catch (_) { /* storage off */ }
  });
  const stamp = () => {
    const d = new Date();
    const p = (n, w) => String(n).padStart(w || 2, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  };
  // dir: "out" (client to server), "in" (server to client), "event" (open/close)
  function logFrame(dir, text) {
    const li = el('li', 'frame ' + dir);
    li.append(el('time', null, stamp()));
    li.append(el('span', 'dir', dir === 'out' ? '\u2191' : dir === 'in' ? '\u2193' : '\u2022'));
    li.append(el('code', null, text));
    const follow = frames.scrollHeight - frames.scrollTop - frames.clientHeight < 24;
    frames.append(li);
    while (frames.childElementCount > 400) frames.firstElementChild.remove();
    if (follow) frames.scrollTop = frames.scrollHeight;
  }
  let firstMessage = () => ({});
  function showFirstMessage() { $('first-message').textContent = JSON.stringify(firstMessage(), null, 2); }
  $('copy-first').addEventListener('click', async () => {
    const text = JSON.stringify(firstMessage());
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const t = el('textarea'); // fallback outside secure contexts
      t.value = text;
      document.body.append(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
    $('copied').hidden = false;
    setTimeout(() => { $('copied').hidden = true; }, 1500);
  });

  // ---- the connection ----
  let ws = null;          // the live socket; events of older sockets are ignored
  let lastStatus = null;  // "sending" | "waiting" | "answered" | null
  let gotError = false;   // the server sent an {"error"} frame on this socket
  let refreshPage = () => {};

  function setState(s) { body.dataset.state = s; }
  function setStatus(s) { lastStatus = s; body.dataset.botStatus = s || ''; }
  const isOpen = () => !!ws && ws.readyState === WebSocket.OPEN;
  const state = () => body.dataset.state;

  function send(sock, value) {
    const text = JSON.stringify(value);
    sock.send(text);
    logFrame('out', text);
  }

  // Redraws what depends on the connection: typing dots, status line, controls.
  function refresh() {
    const open = isOpen();
    const dots = open && (PAGE === 'success' || lastStatus === 'sending');
    if (dots && !typing.isConnected) append(typing); else if (!dots) typing.remove();
    const s = state();
    statusLine.textContent = ui(open ? (dots ? 'status_typing' : 'status_online')
      : s === 'idle' ? 'status_online' : 'status_offline');
    refreshPage(open);
  }

  // Opens a socket on `path`; once open sends first(); hands JSON frames to onData and
  // the close event to onClose.
  function connect(path, first, onData, onClose) {
    let sock;
    try {
      sock = new WebSocket(WS_BASE + path);
    } catch (e) {
      onClose({ code: 1006, reason: String((e && e.message) || e) });
      return;
    }
    ws = sock;
    gotError = false;
    sock.onopen = () => {
      if (ws !== sock) return;
      logFrame('event', 'open ' + WS_BASE + path);
      send(sock, first());
      refresh();
    };
    sock.onmessage = (ev) => {
      if (ws !== sock) return;
      logFrame('in', String(ev.data));
      if (gotError) return;
      let data = null;
      try { data = JSON.parse(ev.data); } catch (_) { /* not JSON */ }
      if (!data || typeof data !== 'object' || Array.isArray(data)) return;
      if ('error' in data) {
        gotError = true;
        setStatus(null);
        showNotice('error', 'error_prefix', String(data.error));
        onError(String(data.error));
      } else {
        onData(data);
      }
      refresh();
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      ws = null;
      logFrame('event', `close ${ev.code}` + (ev.reason ? ` ${ev.reason}` : ''));
      onClose(ev);
      refresh();
    };
    refresh();
  }
  let onError = () => {};

  function drop() {
    if (ws) { const old = ws; ws = null; old.close(1000); logFrame('event', 'close 1000 (client)'); }
  }

  // ---- Engagement page: /ws/chat/<report_id> ----
  function initEngagement() {
    const price = $('price'), currency = $('currency'), currencyCode = $('currency-code');
    const variantSelect = $('variant');
    const start = $('start'), restart = $('restart'), restartDock = $('restart-dock');
    const tryAgain = $('try-again'), composer = $('composer'), text = $('text'), send_ = $('send');
    const replies = $('quick-replies');
    const settings = $('settings');
    const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    const visitor = () => settings.querySelector('input[name="is_new_visitor"]:checked').value === 'true';

    // The dialogue: kept across reconnects, dropped by Restart.
    let profile = null;     // first-message fields, resent every turn as the protocol asks
    let session = null;     // the id the dialogue resumes under
    let botCount = 0;       // bot messages shown: `received` when resuming
    let sentLang = null;    // the language of the last message sent: the bot's language
    let attempts = 0;       // reconnect attempts since the last open connection
    let retryTimer = null;
    let reconnecting = false;
    let pending = null;     // an answer given while paused (4001), sent once resumed

    // The price as sent: a JSON number when the field holds one (a decimal comma is
    // read as a point), else the text, so the server's rejection can be seen.
    function priceValue() {
      const raw = price.value.trim().replace(/\s/g, '');
      const dotted = /^[+-]?\d*,\d+$/.test(raw) ? raw.replace(',', '.') : raw;
      const n = Number(dotted);
      return NUMBER.test(dotted) && Number.isFinite(n) ? n : price.value;
    }
    // A stable id of this browser, kept like the visitor kind: it draws the dialogue
    // variant (PROTOCOL.md, "Dialogue variants"); `?variant=short` picks one instead.
    function visitorId() {
      const key = 'chatbot-demo.visitor';
      try {
        let id = localStorage.getItem(key);
        if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) { id = newSession(); localStorage.setItem(key, id); }
        return id;
      } catch (_) { return null; /* storage off: no experiment, the default dialogue */ }
    }
    function formProfile() {
      const p = { is_new_visitor: visitor(), price: priceValue(), currency: currency.value };
      const id = visitorId();
      if (id) p.visitor = id;
      if (variantSelect.value) p.variant = variantSelect.value;
      if (currencyCode.value) p.currency_code = currencyCode.value;
      return p;
    }
    function newSession() {
      if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    }
    const outgoing = (extra) => ({ lang: langSelect.value, ...profile, ...extra });
    firstMessage = () => ({ lang: langSelect.value, ...(profile || formProfile()),
      session: session || '<random id per dialogue>', received: botCount });

    function updatePreview() {
      $('price-preview').textContent = JSON.stringify(priceValue());
      showFirstMessage();
    }
    for (const f of [price, currency, currencyCode, variantSelect, langSelect]) {
      f.addEventListener('input', updatePreview);
      f.addEventListener('change', updatePreview);
    }
    settings.addEventListener('change', updatePreview);
    currency.addEventListener('input', () => currency.removeAttribute('aria-invalid'));

    function clearReplies() { replies.replaceChildren(); replies.hidden = true; }
    function addQuickReplies(options) {
      clearReplies();
      for (const o of options) {
        if (!o || typeof o.id !== 'string') continue;
        const b = el('button', null, typeof o.text === 'string' ? o.text : o.id);
        b.type = 'button';
        b.lang = sentLang;
        b.dataset.optionId = o.id;
        b.addEventListener('click', () => answer({ option: o.id }, b.textContent, true));
        replies.append(b);
      }
      replies.hidden = replies.childElementCount === 0;
    }

    function answer(extra, shown, tapped) {
      if (state() === 'paused' && !ws) {
        // Idle-closed (4001): the visitor's answer resumes the dialogue, then goes out.
        pending = { extra, shown, tapped };
        hideNotice();
        resume();
        return true;
      }
      if (!isOpen() || lastStatus !== 'waiting') return false;
      sentLang = langSelect.value;
      send(ws, outgoing(extra));
      clearReplies();
      addBubble('visitor', shown, sentLang);
      toBottom();
      setStatus('answered');
      refresh();
      // Focus stays on the text box (never falls to <body>); a tap on a phone does not
      // open its keyboard.
      if (!tapped || finePointer) text.focus({ preventScroll: true });
      else chat.focus({ preventScroll: true });
      return true;
    }

    function onData(d) {
      if (typeof d.session === 'string' && typeof d.message !== 'string') return onSession(d);
      if (typeof d.message !== 'string') return;
      botCount += 1;
      addBubble('bot', d.message, sentLang).dataset.index = String(botCount - 1);
      setStatus(d.status === 'waiting' ? 'waiting' : 'sending');
      if (lastStatus !== 'waiting') return;
      const hasOptions = Array.isArray(d.options) && d.options.length > 0;
      if (hasOptions) addQuickReplies(d.options);
      refresh();
      if (pending) {
        const p = pending;
        pending = null;
        answer(p.extra, p.shown, p.tapped);
        return;
      }
      requestAnimationFrame(() => {
        reveal($('dock'));
        // Focus moves to the answer unless the visitor is busy elsewhere (the form,
        // the developer panel): the first quick reply, or the text box.
        const active = document.activeElement;
        if (active && active !== document.body && !card.contains(active)) return;
        (replies.querySelector('button') || text).focus({ preventScroll: true });
      });
    }

    // The server's answer to `session`: keep the messages before `from`, replace the rest.
    function onSession(d) {
      if (d.resumed === true && Number.isInteger(d.from)) {
        const from = Math.min(d.from, botCount);
        const firstGone = [...chat.querySelectorAll('.bubble.bot')].find((b) => Number(b.dataset.index) >= from);
        if (firstGone) {
          let node = firstGone;
          while (node) { const next = node.nextElementSibling; if (node !== typing) node.remove(); node = next; }
        }
        botCount = from;
      } else {
        // A new dialogue under this id: what was shown belongs to the lost one.
        chat.replaceChildren();
        botCount = 0;
      }
      clearReplies();
      setStatus('sending');
      if (reconnecting) {
        reconnecting = false;
        showNotice('ok', 'reconnected');
        noticeTimer = setTimeout(hideNotice, 2500);
      }
      attempts = 0;
    }

    onError = (message) => {
      // A rejected field: point at it so the visitor can fix it and start again.
      const field = /^\s*(price|currency_code|currency|is_new_visitor|lang)\b/.exec(message);
      const target = field && { price, currency, currency_code: currencyCode, lang: langSelect }[field[1]];
      if (target) target.setAttribute('aria-invalid', 'true');
    };

    function onClose(ev) {
      if (ev.code === CLOSE.idle && !gotError) {
        // Idle: the dialogue stays resumable, and the page does not reconnect by itself
        // (an abandoned tab would keep it alive): the visitor's next answer resumes it.
        setState('paused');
        showNotice('idle', 'paused');
        return;
      }
      clearReplies();
      if (gotError) {
        setState('closed');
        return;
      }
      if (ev.code === CLOSE.normal && lastStatus === 'sending') {
        setState('closed');
        // The post-payment page names this dialogue, so the payment counts for its variant.
        const paidFor = session ? `&session=${encodeURIComponent(session)}` : '';
        session = null;
        showNotice('checkout', 'checkout_notice', null,
          { cls: 'checkout-link', key: 'post_payment_chat',
            href: `/api/chatbot-demo/success/${encodeURIComponent(REPORT_ID)}/?lang=${encodeURIComponent(langSelect.value)}${paidFor}` });
        notice.querySelector('a').focus({ preventScroll: true });
      } else if (ev.code === CLOSE.normal) {
        setState('closed');
        showNotice('idle', 'dialogue_over');
      } else if (ev.code === CLOSE.taken_over) {
        setState('closed');
        showNotice('closed', 'taken_over');
      } else if (RECONNECT_CODES.has(ev.code)) {
        scheduleReconnect();
      } else {
        setState('closed');
        showNotice('error', 'server_unavailable', `${ev.code}` + (ev.reason ? ` ${ev.reason}` : ''));
      }
    }

    // Back-off with jitter: about 0.3 s, 0.6 s, 1.2 s ... up to 10 s, then give up.
    function scheduleReconnect() {
      clearTimeout(retryTimer);
      reconnecting = true;
      attempts += 1;
      if (attempts > MAX_ATTEMPTS) {
        setState('closed');
        showNotice('error', 'server_unavailable');
        return;
      }
      setState('reconnecting');
      setStatus(null);
      if (notice.dataset.kind !== 'reconnecting') showNotice('reconnecting', 'connection_lost_reconnecting');
      const ceiling = Math.min(10000, 300 * 2 ** (attempts - 1));
      retryTimer = setTimeout(resume, ceiling / 2 + Math.random() * ceiling / 2);
      refresh();
    }

    function resume() {
      clearTimeout(retryTimer);
      if (!profile || ws) return;
      setState('open');
      connect('/ws/chat/' + encodeURIComponent(REPORT_ID),
        () => { sentLang = langSelect.value; return outgoing({ session, received: botCount }); },
        onData, onClose);
    }

    function reset() {
      clearTimeout(retryTimer);
      pending = null;
      drop();
      profile = null;
      session = null;
      botCount = 0;
      attempts = 0;
      reconnecting = false;
      chat.replaceChildren();
      toBottom();
      clearReplies();
      hideNotice();
      setStatus(null);
      setState('idle');
      updatePreview();
      refresh();
    }

    refreshPage = (open) => {
      const s = state();
      const waiting = open && lastStatus === 'waiting';
      const live = s === 'open' || s === 'reconnecting' || s === 'paused';
      composer.hidden = !live;
      const answerable = waiting || s === 'paused';
      send_.setAttribute('aria-disabled', String(!answerable));
      replies.querySelectorAll('button').forEach((b) => { b.disabled = !answerable; });
      for (const f of [price, currency, currencyCode, variantSelect, ...settings.querySelectorAll('input[name="is_new_visitor"]')]) {
        f.disabled = s !== 'idle';
      }
      start.hidden = s !== 'idle';
      tryAgain.hidden = !(s === 'closed' && profile && !gotError && notice.dataset.kind !== 'checkout')
        && !(s === 'reconnecting' && attempts > 2);
      restartDock.hidden = s !== 'closed';
      restart.hidden = !live;
    };

    settings.addEventListener('submit', (e) => {
      e.preventDefault();
      if (state() !== 'idle') return;
      if (!currency.value.trim()) {
        currency.setAttribute('aria-invalid', 'true');
        currency.focus();
        return;
      }
      for (const f of settings.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
      reset();
      profile = formProfile();
      session = newSession();
      sentLang = langSelect.value;
      setState('open');
      showFirstMessage();
      connect('/ws/chat/' + encodeURIComponent(REPORT_ID),
        () => outgoing({ session, received: 0 }), onData, onClose);
      // On a phone the chat then fills the screen: bring all of it into view.
      requestAnimationFrame(() => {
        const r = card.getBoundingClientRect();
        if (r.top < 0 || r.bottom > window.innerHeight + 1) card.scrollIntoView({ block: 'start' });
      });
    });
    composer.addEventListener('submit', (e) => {
      e.preventDefault();
      const t = text.value;
      if (t.trim() && answer({ message: t }, t, false)) text.value = '';
    });
    tryAgain.addEventListener('click', () => { attempts = 0; hideNotice(); resume(); });
    window.addEventListener('online', () => { if (state() === 'reconnecting') resume(); });
    const restartToSettings = () => {
      reset();
      const invalid = settings.querySelector('[aria-invalid="true"]');
      (invalid || start).focus();
    };
    restart.addEventListener('click', restartToSettings);
    restartDock.addEventListener('click', restartToSettings);
    langSelect.addEventListener('change', () => applyLocale(langSelect.value));

    // A link can prefill the form: ?lang=&new=&price=&currency=&currency_code=&start=1
    if (QUERY.has('new')) {
      const isNew = !/^(0|false|no)$/i.test(QUERY.get('new'));
      settings.querySelector(`input[name="is_new_visitor"][value="${isNew}"]`).checked = true;
    }
    if (QUERY.has('price')) price.value = QUERY.get('price');
    if (QUERY.has('currency')) currency.value = QUERY.get('currency');
    if (QUERY.has('variant') && [...variantSelect.options].some((o) => o.value === QUERY.get('variant'))) {
      variantSelect.value = QUERY.get('variant');
    }
    if (QUERY.has('currency_code')) {
      const code = QUERY.get('currency_code');
      if ([...currencyCode.options].some((o) => o.value === code)) currencyCode.value = code;
    }
    updatePreview();
    if (QUERY.get('start') === '1') requestAnimationFrame(() => settings.requestSubmit());
  }

  // ---- Post-payment page: /ws/chat-success/<report_id> ----
  function initSuccess() {
    const KEYS = ['date', 'time', 'tz', 'ln_d', 'ln_m', 'dir_ln', 'lt_d', 'lt_m', 'dir_lt', 'hash', 'report_id'];
    const success = $('success'), params = $('params'), fields = $('param-fields'), run = $('run');
    let paid = true;

    // The fields and the raw box edit one value: a field rewrites the raw string, the raw
    // string fills the fields it names, and neither overwrites the other while typed in.
    function fromFields() {
      const p = new URLSearchParams(params.value.replace(/^\?/, ''));
      for (const k of KEYS) p.set(k, $('p-' + k).value);
      params.value = p.toString();
    }
    function fromRaw() {
      const p = new URLSearchParams(params.value.replace(/^\?/, ''));
      for (const k of KEYS) {
        const f = $('p-' + k);
        if (p.has(k) && f.value !== p.get(k)) f.value = p.get(k);
      }
    }
    fields.addEventListener('input', (e) => {
      if (e.target === params) fromRaw(); else fromFields();
      showFirstMessage();
    });
    fields.addEventListener('change', (e) => { if (e.target.tagName === 'SELECT') { fromFields(); showFirstMessage(); } });
    const message = () => {
      const m = { success: success.checked, lang: langSelect.value };
      if (m.success) m.report_url_params = params.value;
      // The engagement dialogue this payment came from (its page passed it along).
      if (QUERY.has('session')) m.session = QUERY.get('session');
      return m;
    };
    firstMessage = message;
    function syncSwitch() {
      fields.disabled = !success.checked; // no report_url_params on failure
      showFirstMessage();
    }
    success.addEventListener('change', syncSwitch);
    langSelect.addEventListener('change', () => { applyLocale(langSelect.value); showFirstMessage(); });

    function onData(d) {
      const hasUrl = typeof d.report_url === 'string';
      if (typeof d.message !== 'string' && !hasUrl) return;
      const b = addBubble('bot', typeof d.message === 'string' ? d.message : '', sentLang);
      if (!hasUrl) return;
      // The protocol promises a relative path; anything else is shown, not linked.
      if (/^\/(?![/\\])/.test(d.report_url)) {
        const a = uiEl('a', 'report-link', 'open_report');
        a.href = d.report_url;
        a.target = '_blank';
        a.rel = 'noopener';
        b.append(a);
      } else {
        b.append(el('code', 'link-refused', '\u26a0'));
      }
      b.append(el('code', 'report-url', d.report_url));
    }
    let sentLang = langSelect.value;

    function onClose(ev) {
      setState('closed');
      if (gotError) return;
      if (ev.code === 1000) {
        if (paid) showNotice('done', 'dialogue_over', null, { cls: 'checkout-link', key: 'all_reports', href: `/?lang=${encodeURIComponent(langSelect.value)}` });
        else showNotice('failed', 'payment_failed_notice');
      } else {
        showNotice('error', 'server_unavailable', String(ev.code));
      }
    }

    refreshPage = () => {
      run.disabled = !!ws;
      run.dataset.ui = state() === 'closed' ? 'try_again' : 'run';
      run.textContent = ui(run.dataset.ui);
    };

    $('run-form').addEventListener('submit', (e) => {
      e.preventDefault();
      if (ws) return;
      drop();
      chat.replaceChildren();
      toBottom();
      hideNotice();
      const msg = message();
      paid = msg.success;
      sentLang = msg.lang;
      setState('open');
      connect('/ws/chat-success/' + encodeURIComponent(REPORT_ID), () => msg, onData, onClose);
      requestAnimationFrame(() => {
        const r = card.getBoundingClientRect();
        if (r.top < 0 || r.bottom > window.innerHeight + 1) card.scrollIntoView({ block: 'start' });
      });
    });
    fromFields();
    syncSwitch();
  }

  if (PAGE === 'engagement') initEngagement();
  else if (PAGE === 'success') initSuccess();
  setState('idle');
  showFirstMessage();
  applyLocale(langSelect.value);
  // A link may name the language: ?lang=xx
  if (QUERY.has('lang') && LOCALES.has(QUERY.get('lang')) && langSelect.value !== QUERY.get('lang')) {
    langSelect.value = QUERY.get('lang');
    applyLocale(langSelect.value);
  }
})();
