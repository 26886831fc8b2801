// <chatbot-chat> and <chatbot-success>: the shop chatbot as an embeddable widget, on the
// headless client (chat-client.js). One <script type="module"> tag; everything inside a
// shadow root, themable with CSS custom properties (--chatbot-*), in the dialogue's
// language. See README.md ("Embedding the widget").
//
// What a visitor must be able to trust, and why the code looks the way it does:
// - Nothing they type is lost: an answer given while the bot is still sending is shown at
//   once (marked as waiting) and sent when the bot asks; a refused send keeps the text.
// - Nothing looks chosen that was not: no quick reply is focused on arrival.
// - The phone's keyboard never hides the text box or the newest message: the widget is
//   sized to the visual viewport and keeps its end in view.
// - Quick replies float over the log's end (a spacer reserves their room), so their
//   arrival moves nothing already on screen (no layout shift).
// - Everything from the server or the visitor goes into the page as text, never as HTML.
import { ChatClient, PaymentClient } from './chat-client.js';
import CHROME from './chrome.js';

const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

const CSS = `
:host { display: block; height: min(var(--chatbot-height, 600px), var(--chatbot-vvh, 100dvh));
  min-height: 280px; font: var(--chatbot-font, 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  color: var(--chatbot-ink, #1f1b2e); contain: layout; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.card { height: 100%; display: flex; flex-direction: column; overflow: hidden; background: var(--chatbot-bg, #fff);
  border-radius: var(--chatbot-radius, 18px); box-shadow: var(--chatbot-shadow, 0 1px 2px rgba(31,27,46,.06), 0 6px 20px rgba(47,36,112,.08)); }
.head { flex: none; display: flex; align-items: center; gap: 10px; padding: 10px 14px; border-bottom: 1px solid var(--chatbot-line, #e4e0f2); }
.avatar { flex: none; display: grid; place-items: center; width: 38px; height: 38px; border-radius: 50%; font-size: 18px;
  color: var(--chatbot-gold, #d9a931); background: linear-gradient(135deg, #1d1548, var(--chatbot-accent, #6a4bd1)); }
.who { flex: 1; min-width: 0; line-height: 1.25; }
.who b { display: block; font-size: 15px; }
.who small { display: block; font-size: 12px; color: var(--chatbot-muted, #625d7a); }
.who small[data-live] { color: var(--chatbot-ok, #2e7d57); }
.wrap { position: relative; flex: 1; min-height: 0; display: flex; }
.log { flex: 1; min-height: 0; display: flex; flex-direction: column; gap: 8px; padding: 16px 14px 8px; overflow-y: auto;
  overscroll-behavior: contain; background: var(--chatbot-log-bg, linear-gradient(#fbfaff, #f4f2fc)); }
.log:focus-visible { outline: 2px solid var(--chatbot-accent, #6a4bd1); outline-offset: -2px; }
.spacer { flex: none; }
.bubble { max-width: 85%; padding: 9px 14px; border-radius: 18px; overflow-wrap: anywhere; white-space: pre-wrap;
  animation: pop .18s ease-out; }
.bot { align-self: flex-start; background: var(--chatbot-bot-bg, #fff); border: 1px solid var(--chatbot-line, #e4e0f2); border-bottom-left-radius: 6px; }
.visitor { align-self: flex-end; color: var(--chatbot-visitor-ink, #fff);
  background: var(--chatbot-visitor-bg, linear-gradient(135deg, #6a4bd1, #2f2470)); border-bottom-right-radius: 6px; }
.visitor[data-held] { opacity: .7; }
.visitor[data-held]::after { content: " \\2022\\2022\\2022"; }
.past { opacity: .55; }
.report { display: inline-block; margin-top: 8px; padding: 8px 18px; font-weight: 600; color: #2a1d00; text-decoration: none;
  background: linear-gradient(135deg, #f0cb63, var(--chatbot-gold, #d9a931)); border-radius: 999px; }
.typing { align-self: flex-start; display: inline-flex; gap: 5px; padding: 13px 15px; background: var(--chatbot-bot-bg, #fff);
  border: 1px solid var(--chatbot-line, #e4e0f2); border-radius: 18px 18px 18px 6px; }
.typing i { width: 7px; height: 7px; border-radius: 50%; background: var(--chatbot-accent, #6a4bd1); opacity: .35; animation: bounce 1.2s infinite; }
.typing i:nth-of-type(2) { animation-delay: .15s; } .typing i:nth-of-type(3) { animation-delay: .3s; }
.replies { position: absolute; left: 0; right: 0; bottom: 0; display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 6px;
  padding: 10px 14px 10px; background: linear-gradient(transparent, var(--chatbot-replies-bg, #f4f2fc) 14px); }
.replies button, .btn { padding: 8px 15px; font: inherit; font-size: 14px; color: var(--chatbot-accent-ink, #2f2470); background: #fff;
  border: 1.5px solid var(--chatbot-accent, #6a4bd1); border-radius: 999px; cursor: pointer; }
.replies button:hover, .btn:hover { color: #fff; background: var(--chatbot-accent, #6a4bd1); }
button:focus-visible, input:focus-visible, a:focus-visible { outline: 2px solid var(--chatbot-focus, #2f2470); outline-offset: 1px; }
.more { position: absolute; left: 50%; bottom: 10px; transform: translateX(-50%); z-index: 1; padding: 6px 14px; font: inherit;
  font-size: 14px; font-weight: 600; color: #fff; background: var(--chatbot-accent-ink, #2f2470); border: 0; border-radius: 999px; cursor: pointer; }
.notice { flex: none; padding: 9px 14px; font-size: 14px; border-top: 1px solid var(--chatbot-line, #e4e0f2);
  border-left: 4px solid var(--chatbot-accent, #6a4bd1); background: #f3f0fb; }
.notice[data-kind="error"] { color: #7a1a12; background: #fdecea; border-left-color: #d92d20; }
.notice[data-kind="checkout"], .notice[data-kind="reconnecting"] { background: #fdf6e3; border-left-color: var(--chatbot-gold, #d9a931); }
.notice[data-kind="ok"], .notice[data-kind="done"] { background: #ecf8f1; border-left-color: var(--chatbot-ok, #2e7d57); }
.notice[data-kind="failed"] { color: #6b2c00; background: #fff1e6; border-left-color: #e07a1f; }
.notice p { margin: 0; }
.notice .row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.notice .row .btn { padding: 6px 14px; }
.composer { flex: none; display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--chatbot-line, #e4e0f2); background: var(--chatbot-bg, #fff); }
.composer input { flex: 1; min-width: 0; padding: 10px 16px; font: inherit; font-size: 16px; color: inherit;
  border: 1.5px solid var(--chatbot-line, #d9d4ee); border-radius: 999px; background: #fff; }
.composer .send { color: #fff; background: var(--chatbot-accent, #6a4bd1); }
.head .btn { padding: 5px 12px; font-size: 13px; border-color: var(--chatbot-line, #d9d4ee); }
@keyframes bounce { 0%, 60%, 100% { transform: translateY(0); opacity: .35; } 30% { transform: translateY(-5px); opacity: 1; } }
@keyframes pop { from { opacity: 0; transform: translateY(4px); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { .bubble { animation: none; } .typing i { animation-duration: 2.4s; } }
`;

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = String(text);
  return e;
};

/** The best of the catalogue's locales for `wanted` ("pl-PL" → "pl"), or null. */
function pickLocale(...wanted) {
  for (const w of wanted.flat()) {
    if (!w) continue;
    const code = String(w).toLowerCase();
    if (CHROME[code]) return code;
    const base = code.split('-')[0];
    if (CHROME[base]) return base;
  }
  return null;
}

/** The frame both elements share: header, log, notice, composer, and the chrome's words. */
class ChatElement extends HTMLElement {
  static get observedAttributes() { return ['lang']; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = el('style');
    style.textContent = CSS;
    this.$ = {};
    const card = el('section', 'card');
    const head = el('div', 'head');
    const avatar = el('div', 'avatar', '\u2726');
    avatar.setAttribute('aria-hidden', 'true');
    const who = el('div', 'who');
    this.$.name = el('b');
    this.$.name.id = 'name';
    this.$.status = el('small');
    who.append(this.$.name, this.$.status);
    head.append(avatar, who);
    this.$.head = head;
    const wrap = el('div', 'wrap');
    this.$.log = el('div', 'log');
    this.$.log.setAttribute('role', 'log');
    this.$.log.setAttribute('aria-live', 'polite');
    this.$.log.setAttribute('aria-labelledby', 'name');
    this.$.log.tabIndex = 0;
    this.$.spacer = el('div', 'spacer');
    this.$.log.append(this.$.spacer);
    this.$.more = el('button', 'more');
    this.$.more.type = 'button';
    this.$.more.hidden = true;
    wrap.append(this.$.log, this.$.more);
    this.$.wrap = wrap;
    this.$.notice = el('div', 'notice');
    this.$.notice.hidden = true;
    card.setAttribute('aria-labelledby', 'name');
    card.append(head, wrap, this.$.notice);
    this.$.card = card;
    root.append(style, card);
    this.$.typing = el('div', 'typing');
    this.$.typing.setAttribute('role', 'status');
    this.$.typingLabel = el('span', 'sr');
    this.$.typing.append(this.$.typingLabel, el('i'), el('i'), el('i'));

    // The log follows new messages while the visitor is at its end; one who scrolled up
    // gets a "new messages" button instead of a jump.
    this._stuck = true;
    this._lastTop = 0;
    this.$.log.addEventListener('scroll', () => {
      const log = this.$.log;
      const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
      if (log.scrollTop < this._lastTop - 2) this._stuck = atEnd; else if (atEnd) this._stuck = true;
      this._lastTop = log.scrollTop;
      if (this._stuck) this.$.more.hidden = true;
    });
    this.$.more.addEventListener('click', () => { this._toEnd(); this.$.log.focus({ preventScroll: true }); });
    if (window.ResizeObserver) new ResizeObserver(() => { if (this._stuck) this._toEnd(); }).observe(this.$.log);
    this._fit = () => this._fitViewport();
    this._painted = false;
    this.client = null;
  }

  // Connects on insertion unless `manual` (then the page calls start()).
  connectedCallback() {
    this._locale = this._pickLocale();
    this._drawChrome();
    window.visualViewport?.addEventListener('resize', this._fit);
    window.visualViewport?.addEventListener('scroll', this._fit);
    this._fitViewport();
    if (!this.hasAttribute('manual') && !this.client) this.start();
  }

  disconnectedCallback() {
    window.visualViewport?.removeEventListener('resize', this._fit);
    window.visualViewport?.removeEventListener('scroll', this._fit);
    this.client?.close();
  }

  attributeChangedCallback(name, old, value) {
    if (name !== 'lang' || old === value || !this.isConnected) return;
    this._locale = this._pickLocale();
    this._drawChrome();
    this._langChanged?.(this._locale);
  }

  _pickLocale() {
    return pickLocale(this.getAttribute('lang'), document.documentElement.lang, navigator.languages ?? [], 'en')
      ?? Object.keys(CHROME)[0];
  }

  /** A word of the chrome in the widget's language. */
  t(key) { return CHROME[this._locale]?.[key] ?? CHROME.en?.[key] ?? key; }

  _drawChrome() {
    this.$.name.textContent = this.t('bot_name');
    this.$.more.textContent = this.t('new_messages');
    this.$.typingLabel.textContent = this.t('typing_aria');
    this.$.card.lang = this._locale;
    this._refresh();
  }

  // Sized to the visual viewport: with the phone's keyboard open, the widget is no taller
  // than what is left, and the text box (and the log's end above it) stays in view.
  _fitViewport() {
    const vv = window.visualViewport;
    if (!vv) return;
    this.style.setProperty('--chatbot-vvh', `${Math.floor(vv.height)}px`);
    const active = this.shadowRoot.activeElement;
    if (active && active.tagName === 'INPUT') {
      requestAnimationFrame(() => {
        if (this._stuck) this._toEnd();
        const r = this.getBoundingClientRect();
        if (r.bottom > vv.offsetTop + vv.height + 1 || r.top < vv.offsetTop - 1) this.scrollIntoView({ block: 'end' });
      });
    }
  }

  _toEnd() {
    const log = this.$.log;
    log.scrollTop = log.scrollHeight;
    this._lastTop = log.scrollTop;
    this._stuck = true;
    this.$.more.hidden = true;
  }

  _append(node) {
    this.$.log.insertBefore(node, this.$.spacer);
    if (this.$.typing.isConnected && node !== this.$.typing) this.$.log.insertBefore(this.$.typing, this.$.spacer);
    if (this._stuck) this._toEnd(); else if (node !== this.$.typing) this.$.more.hidden = false;
    return node;
  }

  _bubble(who, text, lang) {
    const b = el('div', `bubble ${who}`);
    b.append(el('span', 'sr', `${this.t(who === 'bot' ? 'bot' : 'you')}: `), document.createTextNode(text));
    if (lang) b.lang = lang;
    this._append(b);
    if (who === 'bot' && !this._painted) {
      this._painted = true;
      // The first bot message on screen, for the shop's (and our tests') measurements;
      // `chatbot:connect` marks when the widget opened its socket.
      requestAnimationFrame(() => performance.mark('chatbot:first-message'));
    }
    return b;
  }

  /** Empties the log (the spacer under the quick replies stays). */
  _clearLog() {
    for (const n of [...this.$.log.children]) if (n !== this.$.spacer) n.remove();
  }

  _typing(on) {
    if (on && !this.$.typing.isConnected) this._append(this.$.typing);
    else if (!on) this.$.typing.remove();
  }

  /** kind: ok | reconnecting | paused | checkout | done | failed | error | closed | confirm */
  _notice(kind, text, buttons = []) {
    const n = this.$.notice;
    clearTimeout(this._noticeTimer);
    n.replaceChildren(el('p', null, text));
    if (buttons.length) {
      const row = el('div', 'row');
      for (const [label, action] of buttons) {
        const b = el('button', 'btn', label);
        b.type = 'button';
        b.addEventListener('click', action);
        row.append(b);
      }
      n.append(row);
    }
    n.dataset.kind = kind;
    n.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    n.hidden = false;
    if (this._stuck) requestAnimationFrame(() => this._toEnd());
    if (kind === 'ok') this._noticeTimer = setTimeout(() => this._hideNotice(), 3000);
  }

  _hideNotice() {
    clearTimeout(this._noticeTimer);
    this.$.notice.hidden = true;
    this.$.notice.replaceChildren();
    delete this.$.notice.dataset.kind;
  }

  /** The server's URL: the `server` attribute, else where this script came from. */
  _server() { return this.getAttribute('server') || SCRIPT_ORIGIN; }

  /** A client event, passed on as a DOM event of the element (bubbles out of the shadow root). */
  _emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true })); }

  /** The localized sentence for a server error (never the server's English). */
  _errorText(field) {
    const key = field ? `error_${field}` : 'error_other';
    const text = CHROME[this._locale]?.[key];
    return text ?? this.t('error_other');
  }

  _refresh() {}

  start() { throw new Error('a subclass opens its dialogue'); }
}

/** <chatbot-chat report lang price currency currency-code [new-visitor] [variant] [server] [manual]> */
export class ChatbotChat extends ChatElement {
  constructor() {
    super();
    this.$.restart = el('button', 'btn');
    this.$.restart.type = 'button';
    this.$.restart.hidden = true;
    this.$.restart.addEventListener('click', () => this._confirmRestart());
    this.$.head.append(this.$.restart);
    this.$.replies = el('div', 'replies');
    this.$.replies.setAttribute('role', 'group');
    this.$.replies.setAttribute('aria-labelledby', 'name');
    this.$.replies.hidden = true;
    this.$.wrap.append(this.$.replies);
    new ResizeObserver(() => {
      this.$.spacer.style.height = this.$.replies.hidden ? '0' : `${this.$.replies.offsetHeight}px`;
      if (this._stuck) this._toEnd();
    }).observe(this.$.replies);
    const form = el('form', 'composer');
    form.setAttribute('autocomplete', 'off');
    this.$.input = el('input');
    Object.assign(this.$.input, { type: 'text', maxLength: 1000, enterKeyHint: 'send', autocomplete: 'off' });
    this.$.input.setAttribute('enterkeyhint', 'send');
    this.$.send = el('button', 'btn send');
    this.$.send.type = 'submit';
    form.append(this.$.input, this.$.send);
    form.addEventListener('submit', (e) => { e.preventDefault(); this._typed(); });
    this.$.form = form;
    this.$.card.append(form);
    this._byIndex = new Map(); // bot message index → its bubble
    this._pending = [];        // visitor bubbles of answers the client still holds
    this._checkedOut = false;
    this._wasDown = false;
    this._langChanged = (lang) => this.client?.setLang(lang);
  }

  /** Opens the dialogue (a new one, or the one this tab kept). */
  start() {
    if (this.client && this.client.state !== 'closed') return this.client;
    this._clear();
    this._checkedOut = false;
    const attr = (name) => this.getAttribute(name);
    const visitor = attr('visitor');
    let client;
    try {
      client = this._client(attr, visitor);
    } catch (error) {
      // A page that forgot `report` or `currency`: say so to its developer, and to the
      // visitor in their language, instead of a dead box.
      console.error('<chatbot-chat>:', error);
      this._notice('error', this.t('error_other'));
      return null;
    }
    this.client = client;
    this._wire(client);
    performance.mark('chatbot:connect');
    client.connect();
    this._refresh();
    return client;
  }

  _client(attr, visitor) {
    return new ChatClient({
      url: this._server(),
      report: attr('report') || '',
      lang: this._locale,
      isNewVisitor: attr('new-visitor') !== 'false',
      // A plain decimal goes as a JSON number, anything else as given (the server says what is wrong).
      price: /^\d{1,15}(\.\d{1,10})?$/.test(attr('price') ?? '') ? Number(attr('price')) : attr('price') ?? '',
      currency: attr('currency') ?? '',
      currencyCode: attr('currency-code') || undefined,
      variant: attr('variant') || undefined,
      visitor: visitor === 'false' ? false : visitor || true,
      env: window,
    });
  }

  _wire(client) {
    const on = (type, fn) => client.on(type, (d) => { if (this.client === client) fn(d); });
    on('frame', (d) => this._emit('frame', d));
    on('message', (m) => this._message(m));
    on('sent', (s) => this._sent(s));
    on('session', (s) => this._session(s));
    on('restarted', () => this._startedOver());
    on('variant', (v) => this._emit('variant', v));
    on('state', (s) => { this._state(s); this._emit('state', s); });
    on('error', (e) => { this._notice('error', this._errorText(e.field)); this._emit('chat-error', e); });
    on('closed', (c) => this._closed(c));
    on('checkout', (c) => {
      this._checkedOut = true;
      this._notice('checkout', this.t('checkout_notice'));
      this._refresh();
      this._emit('checkout', c);
    });
  }

  _clear() {
    this._clearLog();
    this._byIndex.clear();
    this._pending = [];
    this._replies([]);
    this._hideNotice();
    this._toEnd();
  }

  _message(m) {
    // A resume replays from `from`: the bubbles it dropped were removed on `session`.
    const b = this._bubble('bot', m.text, this.client.lang);
    b.dataset.index = String(m.index);
    this._byIndex.set(m.index, b);
    this._replies(m.status === 'waiting' ? m.options : []);
    this._refresh();
  }

  _replies(options) {
    const box = this.$.replies;
    box.replaceChildren();
    for (const o of options) {
      const b = el('button', null, o.text);
      b.type = 'button';
      b.lang = this.client?.lang ?? this._locale;
      b.dataset.option = o.id;
      b.addEventListener('click', () => this._answer({ option: o.id }, o.text));
      box.append(b);
    }
    box.hidden = options.length === 0;
    this.$.spacer.style.height = box.hidden ? '0' : `${box.offsetHeight}px`;
    if (this._stuck) this._toEnd();
  }

  _typed() {
    const input = this.$.input;
    const text = input.value.trim();
    if (!text) return;
    if (this._answer({ message: text }, text)) input.value = '';
  }

  // Sends (or holds) the answer and shows it at once. Returns false, leaving the visitor's
  // text where it was, when the dialogue can take no answer.
  _answer(answer, shown) {
    if (!this.client || (this.client.state === 'closed' && !this._checkedOut)) this.start();
    if (!this.client || this._checkedOut) return false;
    let how;
    try {
      how = this.client.send(answer);
    } catch {
      this._notice('error', this._errorText('message'));
      return false;
    }
    this._replies([]);
    const b = this._bubble('visitor', shown, this.client.lang);
    if (how === 'held') {
      b.dataset.held = '';
      this._pending.push(b);
    }
    this._toEnd();
    if (this.$.notice.dataset.kind === 'paused') this._hideNotice();
    this._refresh();
    return true;
  }

  _sent(s) {
    if (s.held) delete this._pending.shift()?.dataset.held;
    this._refresh();
  }

  _session(s) {
    if (s.resumed && s.dropped > 0) {
      // Messages from `from` on come again: remove them and the answers after them.
      const first = [...this._byIndex.entries()].filter(([i]) => i >= s.from).map(([, b]) => b)[0];
      for (let n = first; n && n !== this.$.spacer;) {
        const next = n.nextElementSibling;
        if (n !== this.$.typing && !this._pending.includes(n)) n.remove();
        n = next;
      }
      for (const i of [...this._byIndex.keys()]) if (i >= s.from) this._byIndex.delete(i);
    }
    if (this._wasDown && s.resumed) this._notice('ok', this.t('reconnected'));
    this._wasDown = false;
    this._replies([]);
  }

  // The dialogue the visitor had is gone (the server lost it): say so, never "it goes on".
  _startedOver() {
    for (const b of this.$.log.querySelectorAll('.bubble')) if (!this._pending.includes(b)) b.classList.add('past');
    this._byIndex.clear();
    this._notice('closed', this.t('started_over'));
    this._wasDown = false;
  }

  _state({ state }) {
    if (state === 'reconnecting') {
      this._wasDown = true;
      if (this.$.notice.dataset.kind !== 'reconnecting') this._notice('reconnecting', this.t('connection_lost_reconnecting'));
    } else if (state === 'paused') {
      this._notice('paused', this.t('paused'));
    } else if (state === 'gave-up') {
      this._reconnectNotice('error', 'server_unavailable', 'try_again');
    } else if (state === 'open' && this.$.notice.dataset.kind === 'error' && !this._checkedOut) {
      this._hideNotice();
    }
    this._refresh();
  }

  _closed({ code, willRetry }) {
    if (willRetry || this._checkedOut) return;
    if (code === 4000) {
      this._reconnectNotice('closed', 'taken_over', 'continue_here');
    } else if (this.$.notice.dataset.kind !== 'error' && code !== 4001) {
      this._reconnectNotice('error', 'server_unavailable', 'try_again');
    }
    this._replies([]);
    this._refresh();
  }

  /** A notice whose button connects again (the same dialogue, resumed). */
  _reconnectNotice(kind, textKey, buttonKey) {
    this._notice(kind, this.t(textKey), [[this.t(buttonKey), () => { this._hideNotice(); this.client.connect(); }]]);
  }

  _confirmRestart() {
    this._notice('confirm', this.t('restart_confirm'), [
      [this.t('restart'), () => { this._clear(); this.client.restart(); this._refresh(); }],
      [this.t('cancel'), () => this._hideNotice()],
    ]);
    this.$.notice.querySelector('button')?.focus();
  }

  _refresh() {
    if (!this.$.input) return;
    this.$.input.placeholder = this.t('input_placeholder');
    this.$.input.setAttribute('aria-label', this.t('input_placeholder'));
    this.$.send.textContent = this.t('send');
    this.$.restart.textContent = this.t('restart');
    const c = this.client;
    const state = c?.state ?? 'idle';
    const live = state === 'open' || state === 'connecting';
    this._typing(live && c.status === 'sending');
    this.$.restart.hidden = !c || this._checkedOut || state === 'idle';
    this.$.form.hidden = this._checkedOut;
    const key = this._checkedOut ? 'status_checkout'
      : live ? (c.status === 'sending' ? 'status_typing' : 'status_online')
        : state === 'reconnecting' ? 'status_connecting'
          : state === 'paused' ? 'status_paused'
            : c ? 'status_offline' : 'status_online';
    this.$.status.textContent = this.t(key);
    this.$.status.toggleAttribute('data-live', live || this._checkedOut);
    this.dataset.state = this._checkedOut ? 'checkout' : state;
    this.dataset.bot = c?.status ?? '';
  }
}

/** <chatbot-success report lang [success="false"] report-url-params [session] [server] [manual]> */
export class ChatbotSuccess extends ChatElement {
  constructor() {
    super();
    this._done = null;
  }

  start() {
    this.client?.close();
    this._clearLog();
    this._hideNotice();
    this._done = null;
    const attr = (name) => this.getAttribute(name);
    const success = attr('success') !== 'false';
    const options = { url: this._server(), report: attr('report') || '', lang: this._locale, success, env: window };
    if (success) options.reportUrlParams = attr('report-url-params') ?? '';
    if (this.hasAttribute('session')) options.session = attr('session') || null;
    let client;
    try {
      client = new PaymentClient(options);
    } catch (error) {
      console.error('<chatbot-success>:', error);
      this._notice('error', this.t('error_other'));
      return null;
    }
    this.client = client;
    const on = (type, fn) => client.on(type, (d) => { if (this.client === client) fn(d); });
    on('frame', (d) => this._emit('frame', d));
    on('message', (m) => {
      const b = this._bubble('bot', m.text, this._locale);
      if (m.reportUrl) {
        // The button only: the shop's reading page, resolved against the shop's origin.
        const a = el('a', 'report', this.t('open_report'));
        a.href = new URL(m.reportUrl, document.baseURI).href;
        b.append(document.createElement('br'), a);
      }
    });
    on('restarted', () => { this._clearLog(); this._refresh(); });
    on('state', (s) => { this._refresh(); this._emit('state', s); });
    on('error', (e) => { this._notice('error', this._errorText(e.field)); this._emit('chat-error', e); });
    on('done', (d) => {
      this._done = d;
      if (d.success) this._notice('done', this.t('dialogue_over'));
      else this._notice('failed', this.t('payment_failed_notice'));
      this._refresh();
      this._emit('done', d);
    });
    client.connect();
    this._refresh();
    return client;
  }

  _refresh() {
    const state = this.client?.state ?? 'idle';
    const live = state === 'open' || state === 'connecting';
    this._typing(live && !this._done);
    const key = this._done ? 'status_done' : live ? 'status_typing' : state === 'reconnecting' ? 'status_connecting'
      : this.client && state !== 'idle' ? 'status_offline' : 'status_online';
    this.$.status.textContent = this.t(key);
    this.$.status.toggleAttribute('data-live', live);
    this.dataset.state = this._done ? 'done' : state;
  }
}

if (!customElements.get('chatbot-chat')) customElements.define('chatbot-chat', ChatbotChat);
if (!customElements.get('chatbot-success')) customElements.define('chatbot-success', ChatbotSuccess);
