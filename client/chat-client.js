// @astro-shop/chat-client: a headless client for the shop chatbot's WebSocket protocol
// (docs/protocol.md). It knows the wire and nothing of the DOM: a widget renders what it
// emits and calls send()/choose(). Everything it touches from the platform (WebSocket,
// timers, randomness, storage, window/document events) can be injected, so it runs the
// same in a browser, in a web view and under `node --test` with a fake socket.

const ID = /^[A-Za-z0-9_-]{16,64}$/; // session and visitor ids (PROTOCOL.md)
const MAX_MESSAGE_CHARS = 1000;

/** The close codes the server uses (PROTOCOL.md, "Errors and limits"). */
export const CloseCode = Object.freeze({
  PURCHASE: 1000, // on /ws/chat/: the purchase, nothing else; on /ws/chat-success/: done
  GOING_AWAY: 1001, // a deploy: resume elsewhere
  PROTOCOL_ERROR: 1002,
  ABNORMAL: 1006, // the browser's own: the network went away
  BAD_MESSAGE: 1008,
  TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
  TAKEN_OVER: 4000,
  IDLE: 4001,
});

// Closes after which retrying cannot help or must not happen: the purchase, a message of
// ours the server refused (it would refuse it again), another tab took the dialogue over,
// and idle (reconnecting by ourselves would keep an abandoned tab's session alive forever).
// Everything else (1001 deploy, 1006 network, 1011, 1013 busy, ...) is worth a retry.
const NO_RETRY = new Set([1000, 1002, 1008, 1009, 4000, 4001]);

const DEFAULT_BACKOFF = Object.freeze({ base: 300, max: 10000, tries: 8 });

// ---- small helpers ----

// Storage may be missing, or throw on access (Safari private mode, sandboxed iframes, a
// full quota): the dialogue must still run, it just will not survive a reload.
function globalStorage(name) { try { return globalThis[name] ?? null; } catch { return null; } }
function load(store, key) { try { return store ? store.getItem(key) : null; } catch { return null; } }
function save(store, key, value) {
  try { if (value == null) store?.removeItem(key); else store?.setItem(key, value); } catch { /* as above */ }
}

/** A random id of 16 to 64 characters of A-Z a-z 0-9 - _ (a UUID where available). */
export function randomId(crypto = globalThis.crypto) {
  if (crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// "https://shop.example/" -> "wss://shop.example": integrators often have the page URL.
function socketBase(url) {
  return String(url).replace(/^http(s?):/i, 'ws$1:').replace(/\/+$/, '');
}

const bytes = (text) => new TextEncoder().encode(text).length;

// ---- events ----

class Emitter {
  #listeners = new Map();
  // A widget's bug must not break the protocol state machine half-way through a frame:
  // report it the way the platform reports listener errors (window.onerror), and go on.
  _reportError = (e) => (globalThis.reportError ? globalThis.reportError(e) : queueMicrotask(() => { throw e; }));

  /** Adds a listener; returns a function that removes it. */
  on(type, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.off(type, fn);
  }

  off(type, fn) { this.#listeners.get(type)?.delete(fn); }

  /** Like on(), removed after its first call. */
  once(type, fn) {
    const off = this.on(type, (detail) => { off(); fn(detail); });
    return off;
  }

  _emit(type, detail) {
    for (const fn of [...(this.#listeners.get(type) ?? [])]) {
      try { fn(detail); } catch (e) { this._reportError(e); }
    }
  }
}

// ---- what both endpoints share: one socket at a time, back-off, wake-ups ----

class BaseClient extends Emitter {
  constructor(endpoint, o) {
    super();
    if (!o || typeof o.url !== 'string' || !o.url) throw new TypeError('options.url is required (e.g. "wss://shop.example")');
    if (typeof o.report !== 'string' || !/^[a-z0-9_-]+$/.test(o.report)) throw new TypeError('options.report must be a report slug such as "newjob"');
    if (typeof o.lang !== 'string') throw new TypeError('options.lang is required ("ru", "en", "pl", ...)');
    this.report = o.report;
    this.url = `${socketBase(o.url)}/ws/${endpoint}/${o.report}`;
    this._WebSocket = o.WebSocket ?? globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') throw new TypeError('no WebSocket: pass options.WebSocket');
    this._setTimeout = o.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this._clearTimeout = o.clearTimeout ?? ((t) => clearTimeout(t));
    this._random = o.random ?? Math.random;
    this._backoff = { ...DEFAULT_BACKOFF, ...o.backoff };
    this._env = o.env ?? null;
    if (o.reportError) this._reportError = o.reportError;
    this._store = o.storage?.session !== undefined ? o.storage.session : globalStorage('sessionStorage');
    this._local = o.storage?.local !== undefined ? o.storage.local : globalStorage('localStorage');
    this._prefix = o.storageKey ?? 'astro-chat';
    this._state = 'idle';
    this._ws = null;      // the live socket; events of any other socket are ignored
    this._timer = null;   // the pending retry
    this._tries = 0;      // failed attempts since the server last spoke to us
    this._errored = false; // this socket got an {"error"} frame: its close is final
    this._unhook = null;
  }

  /** "idle" | "connecting" | "open" | "reconnecting" | "paused" | "closed" | "gave-up" */
  get state() { return this._state; }

  /** Ends the conversation from this side: no retry, no wake-up. */
  close() { this._stop(); this._setState('closed'); }

  _setState(state) {
    if (state === this._state) return;
    const previous = this._state;
    this._state = state;
    if (state === 'closed') { this._unhook?.(); this._unhook = null; }
    this._emit('state', { state, previous });
  }

  _stop() {
    this._clearTimeout(this._timer);
    this._timer = null;
    const ws = this._ws;
    this._ws = null; // its close event, when it comes, is no longer ours
    if (ws) try { ws.close(1000); } catch { /* already closing */ }
    this._unhook?.();
    this._unhook = null;
  }

  // Coming back online, or the tab becoming visible again (phones freeze background tabs
  // and kill their sockets), is the moment to retry at once, with a fresh budget. Not
  // when paused: after 4001 only the visitor's next answer resumes.
  _hook() {
    const env = this._env;
    if (!env || this._unhook) return;
    const doc = env.document ?? env;
    const wake = () => {
      if (this._state !== 'reconnecting' && this._state !== 'gave-up') return;
      if (this._ws) return; // an attempt is already under way
      this._clearTimeout(this._timer);
      this._timer = null;
      this._tries = 0;
      this._setState('reconnecting');
      this._dial();
    };
    const visible = () => { if ((doc.visibilityState ?? 'visible') === 'visible') wake(); };
    env.addEventListener('online', wake);
    doc.addEventListener('visibilitychange', visible);
    this._unhook = () => {
      env.removeEventListener?.('online', wake);
      doc.removeEventListener?.('visibilitychange', visible);
    };
  }

  _dial() {
    let sock;
    this._errored = false;
    this._heard = false;
    try {
      sock = new this._WebSocket(this.url);
    } catch (e) {
      // A malformed URL or a CSP refusal: counts as a failed attempt, like a refused socket.
      this._ws = null;
      this._closed({ code: CloseCode.ABNORMAL, reason: String(e?.message ?? e) });
      return;
    }
    this._ws = sock;
    sock.onopen = () => {
      if (this._ws !== sock) return;
      this._setState('open');
      this._send(this._firstFrame());
    };
    sock.onmessage = (ev) => {
      if (this._ws !== sock || this._errored) return;
      let data;
      try { data = JSON.parse(String(ev.data)); } catch { return; }
      if (!data || typeof data !== 'object' || Array.isArray(data)) return;
      this._emit('frame', { direction: 'in', data });
      // Reset the budget only once the server spoke: a server at its limit (1013) opens
      // and closes at once, and must not get an endless loop of "successful" opens.
      if (!this._heard) { this._heard = true; this._tries = 0; }
      if (typeof data.error === 'string') {
        this._errored = true;
        this._emit('error', { error: data.error, field: typeof data.field === 'string' ? data.field : null });
        return;
      }
      this._frame(data);
    };
    sock.onerror = () => { /* the close event that follows says what happened */ };
    sock.onclose = (ev) => {
      if (this._ws !== sock) return;
      this._ws = null;
      this._closed({ code: ev.code ?? CloseCode.ABNORMAL, reason: ev.reason ?? '' });
    };
  }

  _send(value) {
    this._ws.send(JSON.stringify(value));
    this._emit('frame', { direction: 'out', data: value });
  }

  // Back-off with jitter: a ceiling of base * 2^tries (300 ms, 600 ms, ... 10 s), and a
  // delay drawn between half the ceiling and all of it, so that the clients a deploy
  // dropped do not all come back in the same instant.
  _retry() {
    if (this._tries >= this._backoff.tries) { this._setState('gave-up'); return; }
    const ceiling = Math.min(this._backoff.max, this._backoff.base * 2 ** this._tries++);
    this._setState('reconnecting');
    this._timer = this._setTimeout(() => { this._timer = null; this._dial(); }, ceiling * (0.5 + this._random() / 2));
  }

  // The default close handling: final on an error frame or a code in NO_RETRY, else retry.
  _closed({ code, reason }) {
    const final = this._errored || NO_RETRY.has(code);
    this._emit('closed', { code, reason, willRetry: !final });
    if (final) this._setState('closed'); else this._retry();
  }

  _start() {
    if (this._ws || this._timer) return;
    this._hook();
    this._setState('connecting');
    this._dial();
  }
}

// ---- the sales dialogue: /ws/chat/<report> ----

export class ChatClient extends BaseClient {
  constructor(o) {
    super('chat', o);
    if (typeof o.isNewVisitor !== 'boolean') throw new TypeError('options.isNewVisitor must be true or false');
    if (o.price == null) throw new TypeError('options.price is required');
    if (typeof o.currency !== 'string') throw new TypeError('options.currency is required');
    this._maxBytes = o.maxBytes ?? 4096;
    this._newId = o.randomId ?? (() => randomId());
    this._keys = {
      session: `${this._prefix}:session:${this.report}`,
      checkout: `${this._prefix}:checkout:${this.report}`,
      visitor: `${this._prefix}:visitor`,
    };
    // The first-message fields, resent with every answer as the protocol asks.
    this._profile = { lang: o.lang, is_new_visitor: o.isNewVisitor, price: o.price, currency: o.currency };
    if (o.currencyCode != null) this._profile.currency_code = o.currencyCode;
    const visitor = o.visitor === false ? null : typeof o.visitor === 'string' ? o.visitor : this._visitorId();
    if (visitor != null) {
      if (!ID.test(visitor)) throw new TypeError('options.visitor must be 16 to 64 characters of A-Z a-z 0-9 - _');
      this._profile.visitor = visitor;
    }
    if (o.variant != null) this._profile.variant = o.variant;
    // A session kept by an earlier page of this tab (a reload): resume it.
    const kept = load(this._store, this._keys.session);
    this._session = kept && ID.test(kept) ? kept : null;
    this._resumingKept = !!this._session;
    this._reset();
  }

  _reset() {
    this._messages = []; // bot messages shown, in order; .index counts the dialogue's messages
    this._next = 0;      // the index of the next bot message: `received` when resuming
    this._seen = 0;      // the highest index shown + 1: tells a replay from news
    this._status = null; // the bot: "sending" | "waiting" | "answered" | null
    this._options = [];  // the quick replies of the current waiting message
    this._held = [];     // answers not sent yet, oldest first
    this._variant = null;
  }

  // Drawn once and kept in local storage, like the is_new_visitor flag: the same browser
  // gets the same variant of every report's A/B test. No storage: no experiment, the
  // default dialogue (an id drawn per page would make the experiment noise).
  _visitorId() {
    const kept = load(this._local, this._keys.visitor);
    if (kept && ID.test(kept)) return kept;
    if (!this._local) return null;
    const id = this._drawId();
    save(this._local, this._keys.visitor, id);
    return load(this._local, this._keys.visitor) === id ? id : null;
  }

  _drawId() {
    const id = this._newId();
    if (!ID.test(id)) throw new TypeError(`randomId() gave ${JSON.stringify(id)}: need 16 to 64 of A-Z a-z 0-9 - _`);
    return id;
  }

  get session() { return this._session; }
  get variant() { return this._variant; }
  /** The bot: "sending", "waiting" (for an answer), "answered" (ours is on its way) or null. */
  get status() { return this._status; }
  get messages() { return this._messages.slice(); }
  get options() { return this._options.slice(); }
  get held() { return this._held.map(({ held, text, ...a }) => a); }
  get lang() { return this._profile.lang; }

  /** Opens the dialogue (a new one, or the one this tab kept); again after gave-up/closed. */
  connect() {
    if (this._state === 'gave-up') this._tries = 0;
    if (!this._session) this._newSession();
    this._start();
  }

  /** Drops this dialogue and starts a new one under a new session id. */
  restart() {
    this._stop();
    this._held = [];
    this._tries = 0;
    this._resumingKept = false;
    this._newSession();
    this._start();
  }

  /** Switches the language of the bot's replies from the next frame sent on. */
  setLang(lang) {
    if (typeof lang !== 'string') throw new TypeError('lang must be a string');
    this._profile.lang = lang;
  }

  /**
   * Sends the visitor's answer, or holds it until the bot next waits: while the bot is
   * still sending, the server would ignore it. Returns "sent" or "held".
   */
  send(answer = {}) {
    const item = {};
    if (answer.message != null) {
      if (typeof answer.message !== 'string') throw new TypeError('message must be a string');
      if ([...answer.message].length > MAX_MESSAGE_CHARS) throw new RangeError(`message must be at most ${MAX_MESSAGE_CHARS} characters`);
      item.message = answer.message;
    }
    if (answer.option != null) {
      if (typeof answer.option !== 'string') throw new TypeError('option must be a string');
      item.option = answer.option;
      // The label, in case the step has moved on when it goes out (see _flush).
      item.text = this._label(answer.option);
    }
    if (answer.lang != null) this.setLang(answer.lang);
    if (this._state === 'closed') throw new Error(`the dialogue is closed; connect() or restart() first`);
    // The server closes a frame over its limit (1009) with no error: refuse it here.
    if (bytes(JSON.stringify(this._answerFrame(item))) > this._maxBytes) throw new RangeError(`the message is over ${this._maxBytes} bytes`);
    this._held.push(item);
    if (this._state === 'paused' || this._state === 'gave-up') {
      // After 4001 or giving up, the visitor's answer is what brings the dialogue back.
      this._tries = 0;
      this._setState('connecting');
      this._dial();
    }
    this._flush();
    if (this._held.includes(item)) { item.held = true; return 'held'; }
    return 'sent';
  }

  /** Taps a quick reply of the last waiting message. Returns "sent" or "held". */
  choose(optionId) { return this.send({ option: optionId }); }

  // A new dialogue: what was shown belongs to the old one (answers already held stay).
  _newSession() {
    const held = this._held;
    this._reset();
    this._held = held;
    this._session = this._drawId();
    save(this._store, this._keys.session, this._session);
  }

  _label(id) {
    for (let i = this._messages.length - 1; i >= 0; i--) {
      const o = this._messages[i].options.find((x) => x.id === id);
      if (o) return o.text;
    }
    return undefined;
  }

  _answerFrame(wire) { return { ...this._profile, session: this._session, ...wire }; }

  _firstFrame() {
    this._status = null;
    this._onSocket = 0; // bot messages on this socket: 1000 is a purchase only after some
    return { ...this._profile, session: this._session, received: this._next };
  }

  // Sends the oldest held answer if the bot waits for one: one answer per waiting
  // message, in the order given; the rest wait for the next question.
  _flush() {
    if (!this._held.length || this._status !== 'waiting' || this._state !== 'open' || !this._ws) return;
    const item = this._held.shift();
    let wire = {};
    if (item.option != null && this._options.some((o) => o.id === item.option)) wire.option = item.option;
    else if (item.option != null) {
      // A quick reply of a step the dialogue has left. Sent bare, it would take the
      // current step's default way, which can be the purchase; its label is what the
      // visitor meant, and an answer the bot does not understand never buys.
      wire.message = item.text ?? item.option;
    } else if (item.message != null) wire.message = item.message;
    this._status = 'answered';
    this._options = [];
    this._send(this._answerFrame(wire));
    this._emit('sent', { ...wire, held: !!item.held });
  }

  _frame(data) {
    if (typeof data.message === 'string') this._botMessage(data);
    else if (typeof data.session === 'string' && typeof data.resumed === 'boolean') this._sessionFrame(data);
    // Anything else is a frame kind of a newer server: ignored, like unknown fields.
  }

  // {session, resumed, from, variant}: keep the messages before `from`, drop the rest
  // (the server sends them again); resumed:false means what was shown is gone.
  _sessionFrame(d) {
    const resumed = d.resumed && Number.isInteger(d.from) && d.from >= 0;
    const before = this._messages.length;
    const startedOver = !resumed && (this._next > 0 || this._resumingKept);
    if (resumed) {
      this._messages = this._messages.filter((m) => m.index < d.from);
      this._next = d.from;
    } else {
      this._messages = [];
      this._next = 0;
      this._seen = 0;
    }
    this._resumingKept = false;
    this._status = 'sending';
    this._options = [];
    const variant = typeof d.variant === 'string' ? d.variant : null;
    this._emit('session', { session: d.session, resumed, from: resumed ? d.from : 0, variant, dropped: before - this._messages.length });
    // The UI must not say "the conversation goes on": it is a new one.
    if (startedOver) this._emit('restarted', { session: d.session, dropped: before, held: this._held.length });
    if (variant && variant !== this._variant) {
      this._variant = variant;
      this._emit('variant', { variant });
    }
  }

  _botMessage(d) {
    const status = d.status === 'waiting' ? 'waiting' : 'sending';
    const options = status !== 'waiting' || !Array.isArray(d.options) ? []
      : d.options.filter((o) => o && typeof o.id === 'string')
        .map((o) => ({ id: o.id, text: typeof o.text === 'string' ? o.text : o.id }));
    const message = { index: this._next++, text: d.message, status, options };
    this._messages.push(message);
    this._onSocket++;
    this._status = status;
    this._emit('message', { ...message, replayed: message.index < this._seen, data: d });
    this._seen = Math.max(this._seen, this._next);
    if (status !== 'waiting') return;
    this._options = options;
    this._emit('waiting', { index: message.index, options });
    this._flush();
  }

  _closed({ code, reason }) {
    const purchase = code === CloseCode.PURCHASE && !this._errored && this._onSocket > 0 && this._status === 'sending';
    this._onSocket = 0;
    if (purchase) {
      // The purchase chunk (all `sending`) ended with 1000: the checkout signal. The id
      // moves to the checkout key, where PaymentClient finds it to attribute the payment;
      // the next dialogue in this tab starts fresh instead of resuming the purchase.
      const session = this._session;
      save(this._store, this._keys.session, null);
      save(this._store, this._keys.checkout, session);
      this._session = null;
      this._emit('closed', { code, reason, willRetry: false });
      this._emit('checkout', { session, lang: this._profile.lang, variant: this._variant });
      this._setState('closed');
    } else if (code === CloseCode.IDLE && !this._errored) {
      this._emit('closed', { code, reason, willRetry: false });
      this._setState('paused');
      // An answer already waiting means the visitor is not idle: resume at once.
      if (this._held.length) { this._setState('connecting'); this._dial(); }
    } else {
      super._closed({ code, reason });
    }
  }
}

// ---- the post-payment dialogue: /ws/chat-success/<report> ----

export class PaymentClient extends BaseClient {
  constructor(o) {
    super('chat-success', o);
    if (typeof o.success !== 'boolean') throw new TypeError('options.success must be true or false');
    if (o.success && typeof o.reportUrlParams !== 'string') throw new TypeError('options.reportUrlParams is required after a successful payment');
    this._checkoutKey = `${this._prefix}:checkout:${this.report}`;
    this._first = { success: o.success, lang: o.lang };
    if (o.success) this._first.report_url_params = o.reportUrlParams;
    // The engagement dialogue that led here (ChatClient kept it at checkout): the payment
    // counts for its variant. Never an error on the server, so no check here.
    const session = o.session !== undefined ? o.session : load(this._store, this._checkoutKey);
    if (session != null) this._first.session = session;
    this._messages = [];
    this._reportUrl = null;
  }

  get messages() { return this._messages.slice(); }
  get reportUrl() { return this._reportUrl; }

  connect() {
    if (this._state === 'gave-up') this._tries = 0;
    this._start();
  }

  _firstFrame() {
    // The server plays the whole series again on a new connection.
    if (this._messages.length) {
      const dropped = this._messages.length;
      this._messages = [];
      this._emit('restarted', { dropped });
    }
    return this._first;
  }

  _frame(d) {
    if (typeof d.message !== 'string' && typeof d.report_url !== 'string') return;
    // The protocol promises a relative path under the reading path; anything else is
    // not a link we hand to a UI.
    const url = typeof d.report_url === 'string' && /^\/(?![/\\])/.test(d.report_url) ? d.report_url : null;
    const message = { index: this._messages.length, text: typeof d.message === 'string' ? d.message : '', reportUrl: url };
    this._messages.push(message);
    if (url) this._reportUrl = url;
    this._emit('message', { ...message, data: d });
  }

  _closed({ code, reason }) {
    if (code === CloseCode.PURCHASE && !this._errored) {
      save(this._store, this._checkoutKey, null); // attributed: done with it
      this._emit('closed', { code, reason, willRetry: false });
      this._emit('done', { success: this._first.success, reportUrl: this._reportUrl });
      this._setState('closed');
    } else {
      super._closed({ code, reason });
    }
  }
}
