// Chatbot demo pages: one script for both the engagement and the post-payment demo.
// Security: everything that comes from the server or the user is put into the page
// as text (textContent, setAttribute, element properties), never parsed as HTML.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  const PAGE = body.dataset.page; // "engagement" | "success"
  const REPORT_ID = body.dataset.reportId || '';
  const WS_BASE = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
  const CLOSE_MEANINGS = {
    1000: 'normal closure',
    1001: 'going away: the server is shutting down',
    1006: 'connection lost',
    1008: 'policy violation: a bad or missing message',
    1009: 'message too big',
    1011: 'server error',
    1013: 'server busy, try again later',
  };

  const chat = $('chat');
  const notice = $('notice');
  const statusLine = $('status-line');
  const typing = makeTyping();
  let ws = null;          // the live socket; events of older sockets are ignored
  let lastStatus = null;  // the bot's last status: "sending" | "waiting" | "answered" | null
  let gotError = false;   // the server sent an {"error"} frame
  let refreshPage = () => {}; // page-specific part of refresh()

  // ---- DOM helpers (text only) ----
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function makeTyping() {
    const t = el('div', 'typing');
    t.setAttribute('aria-label', 'The bot is typing');
    for (let i = 0; i < 3; i++) t.append(el('span', 'dot'));
    return t;
  }

  function addBubble(who, text) {
    const b = el('div', 'bubble ' + who);
    b.append(el('p', 'text', text));
    chat.append(b);
    return b;
  }

  function setState(s) { body.dataset.state = s; }
  function setStatus(s) { lastStatus = s; body.dataset.botStatus = s || ''; }
  const isOpen = () => !!ws && ws.readyState === WebSocket.OPEN;

  // kind: "checkout" | "error" | "closed" | "idle" | "done"
  function showNotice(kind, title, detail, link) {
    notice.replaceChildren(el('strong', null, title));
    if (detail) notice.append(el('p', null, detail));
    if (link) {
      const a = el('a', link.cls, link.text);
      a.setAttribute('href', link.href);
      notice.append(a);
    }
    notice.dataset.kind = kind;
    notice.hidden = false;
  }

  function hideNotice() {
    notice.hidden = true;
    notice.replaceChildren();
    delete notice.dataset.kind;
  }

  function describeClose(ev) {
    const meaning = CLOSE_MEANINGS[ev.code] || 'unexpected close';
    return `Connection closed (code ${ev.code}: ${meaning})` + (ev.reason ? ` \u2014 ${ev.reason}` : '');
  }

  // Redraw everything that depends on the connection: typing dots, controls, scroll.
  function refresh() {
    const open = isOpen();
    const dots = open && (PAGE === 'success' || lastStatus === 'sending');
    if (dots) chat.append(typing); else typing.remove(); // append() keeps it last
    if (statusLine) {
      statusLine.textContent = open ? (dots ? 'typing\u2026' : 'online')
        : ws ? 'connecting\u2026' : body.dataset.state === 'closed' ? 'offline' : 'ready';
    }
    refreshPage(open);
    chat.scrollTop = chat.scrollHeight;
  }

  // Drop the current socket (if any) and clear the chat.
  function reset() {
    if (ws) { const old = ws; ws = null; old.close(1000); }
    chat.replaceChildren();
    hideNotice();
    setStatus(null);
    gotError = false;
    setState('idle');
    refresh();
  }

  // Open a socket on `path`; once open send first(); hand JSON frames to onData
  // and the close event to onClose. Error frames and errors on close are shared.
  function connect(path, first, onData, onClose) {
    reset();
    let sock;
    try {
      sock = new WebSocket(WS_BASE + path);
    } catch (e) {
      setState('closed');
      showNotice('error', 'Could not connect', String((e && e.message) || e));
      refresh();
      return;
    }
    ws = sock;
    sock.onopen = () => {
      if (ws !== sock) return;
      setState('open');
      sock.send(JSON.stringify(first()));
      refresh();
    };
    sock.onmessage = (ev) => {
      if (ws !== sock || gotError) return;
      let data = null;
      try { data = JSON.parse(ev.data); } catch (_) { /* not JSON */ }
      if (!data || typeof data !== 'object' || Array.isArray(data)) {
        showNotice('error', 'Unexpected frame from the server', String(ev.data).slice(0, 300));
      } else if ('error' in data) {
        gotError = true;
        setStatus(null);
        showNotice('error', 'The server reported an error', String(data.error));
      } else {
        onData(data);
      }
      refresh();
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      ws = null;
      setState('closed');
      if (gotError) notice.append(el('p', 'close-code', describeClose(ev)));
      else onClose(ev);
      refresh();
    };
    refresh(); // show "connecting" and lock the controls
  }

  // ---- Engagement page: /ws/chat/<report_id> ----
  function initEngagement() {
    const lang = $('lang'), price = $('price'), currency = $('currency');
    const newVisitor = $('new-visitor'), start = $('start'), restart = $('restart');
    const text = $('text'), send = $('send');
    const CURRENCIES = { ru: '\u0440\u0443\u0431\u043b\u0435\u0439', en: 'USD', pl: 'z\u0142' };
    const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    const finePointer = window.matchMedia && matchMedia('(pointer: fine)').matches;
    let currencyEdited = false;
    let profile = {}; // first-message fields, resent every turn as the protocol asks

    // Suggest the language's currency until the user types their own.
    currency.addEventListener('input', () => { currencyEdited = true; });
    lang.addEventListener('change', () => {
      if (!currencyEdited && CURRENCIES[lang.value]) currency.value = CURRENCIES[lang.value];
    });

    // A JSON number when the field holds one, else the raw string (shows validation).
    function priceValue() {
      const raw = price.value.trim();
      const n = Number(raw);
      return NUMBER.test(raw) && Number.isFinite(n) ? n : price.value;
    }

    const outgoing = (extra) => ({ lang: lang.value, ...profile, ...extra });

    function answer(extra, shown) {
      if (!isOpen() || lastStatus !== 'waiting') return false;
      ws.send(JSON.stringify(outgoing(extra)));
      chat.querySelectorAll('.quick-replies').forEach((q) => q.remove());
      addBubble('visitor', shown);
      setStatus('answered');
      refresh();
      return true;
    }

    function addQuickReplies(options) {
      const box = el('div', 'quick-replies');
      for (const o of options) {
        if (!o || typeof o.id !== 'string') continue;
        const b = el('button', null, typeof o.text === 'string' ? o.text : o.id);
        b.type = 'button';
        b.dataset.optionId = o.id;
        b.addEventListener('click', () => answer({ option: o.id }, b.textContent));
        box.append(b);
      }
      if (box.childElementCount) chat.append(box);
    }

    function onData(d) {
      if (typeof d.message !== 'string') return;
      addBubble('bot', d.message);
      setStatus(d.status === 'waiting' ? 'waiting' : 'sending');
      if (lastStatus !== 'waiting') return;
      const hasOptions = Array.isArray(d.options) && d.options.length > 0;
      if (hasOptions) addQuickReplies(d.options);
      else if (finePointer) { text.disabled = false; text.focus(); }
    }

    function onClose(ev) {
      if (ev.code === 1000 && lastStatus === 'sending') {
        showNotice('checkout', 'Checkout would start now',
          'The bot reached the purchase and closed the chat (code 1000). A real shop would now open the payment form.',
          { cls: 'checkout-link', text: 'Continue to the post-payment demo \u2192',
            href: `/api/chatbot-demo/success/${encodeURIComponent(REPORT_ID)}/` });
      } else if (ev.code === 1000 && lastStatus === 'waiting') {
        showNotice('idle', 'The bot closed the chat after a long pause',
          'Nobody answered within the idle timeout (code 1000). Press Restart to begin again.');
      } else {
        showNotice('closed', describeClose(ev));
      }
    }

    refreshPage = (open) => {
      const waiting = open && lastStatus === 'waiting';
      text.disabled = send.disabled = !waiting;
      text.placeholder = waiting ? 'Type your answer\u2026' : open ? 'Wait for the bot\u2026'
        : 'Press \u201cStart chat\u201d to begin';
      chat.querySelectorAll('.quick-replies button').forEach((b) => { b.disabled = !waiting; });
      for (const f of [newVisitor, price, currency, start]) f.disabled = !!ws;
      restart.hidden = !ws && body.dataset.state === 'idle';
    };

    $('settings').addEventListener('submit', (e) => {
      e.preventDefault();
      if (ws) return;
      profile = { is_new_visitor: newVisitor.checked, price: priceValue(), currency: currency.value };
      connect('/ws/chat/' + encodeURIComponent(REPORT_ID), () => outgoing({}), onData, onClose);
    });
    $('composer').addEventListener('submit', (e) => {
      e.preventDefault();
      const t = text.value;
      if (t.trim() && answer({ message: t }, t)) text.value = '';
    });
    restart.addEventListener('click', reset);
  }

  // ---- Post-payment page: /ws/chat-success/<report_id> ----
  function initSuccess() {
    const KEYS = ['date', 'time', 'tz', 'ln_d', 'ln_m', 'dir_ln', 'lt_d', 'lt_m', 'dir_lt', 'hash', 'report_id'];
    const success = $('success'), params = $('params'), fields = $('param-fields'), run = $('run');

    // Rebuild the raw string from the fields, in protocol order.
    function build() {
      const p = new URLSearchParams();
      for (const k of KEYS) p.append(k, $('p-' + k).value);
      params.value = p.toString();
    }
    fields.addEventListener('input', (e) => { if (e.target !== params) build(); });
    function syncSwitch() {
      fields.disabled = !success.checked; // no report_url_params on failure
      $('success-label').textContent = success.checked ? 'Payment succeeded' : 'Payment failed';
    }
    success.addEventListener('change', syncSwitch);

    function onData(d) {
      const hasUrl = typeof d.report_url === 'string';
      if (typeof d.message !== 'string' && !hasUrl) return;
      const b = addBubble('bot', typeof d.message === 'string' ? d.message : '');
      if (!hasUrl) return;
      // The protocol promises a relative path; anything else is shown, not linked.
      if (/^\/(?![/\\])/.test(d.report_url)) {
        const a = el('a', 'report-link', 'Open your report');
        a.href = d.report_url;
        a.target = '_blank';
        a.rel = 'noopener';
        b.append(a);
      } else {
        b.append(el('span', 'link-refused', 'Link withheld: not a relative path'));
      }
      b.append(el('code', 'report-url', d.report_url));
    }

    function onClose(ev) {
      if (ev.code === 1000) showNotice('done', 'The post-payment dialogue is over', 'The bot closed the chat (code 1000).');
      else showNotice('closed', describeClose(ev));
    }

    refreshPage = () => {
      run.disabled = !!ws;
      run.textContent = body.dataset.state === 'closed' ? 'Run again' : 'Run';
    };

    $('run-form').addEventListener('submit', (e) => {
      e.preventDefault();
      if (ws) return;
      const msg = { success: success.checked, lang: $('lang').value };
      if (msg.success) msg.report_url_params = params.value;
      connect('/ws/chat-success/' + encodeURIComponent(REPORT_ID), () => msg, onData, onClose);
      // The form is long: bring the chat, where the answer appears, into view.
      document.querySelector('.chat-card').scrollIntoView({ block: 'start' });
    });
    build();
    syncSwitch();
  }

  if (PAGE === 'engagement') initEngagement();
  else if (PAGE === 'success') initSuccess();
  setState('idle');
  refresh();
})();
