// The headless client against a fake WebSocket, fake timers and in-memory storage: no
// network. Run: node --test client/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, PaymentClient, CloseCode, randomId } from '../chat-client.js';

// ---- fakes ----

class MemoryStorage {
  map = new Map();
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

function fakeSocketClass() {
  const sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closedWith = null;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      sockets.push(this);
    }
    send(text) { this.sent.push(JSON.parse(text)); }
    close(code) { this.closedWith = code; }
    // The server's side:
    open() { this.onopen?.({}); }
    frame(obj) { this.onmessage?.({ data: JSON.stringify(obj) }); }
    drop(code, reason = '') { this.onclose?.({ code, reason }); }
  }
  return { FakeSocket, sockets };
}

function fakeTimers() {
  const queue = [];
  return {
    queue,
    setTimeout(fn, ms) { const t = { fn, ms }; queue.push(t); return t; },
    clearTimeout(t) { const i = queue.indexOf(t); if (i >= 0) queue.splice(i, 1); },
    /** Runs the next timer; returns its delay. */
    fire() { const t = queue.shift(); assert.ok(t, 'a timer is pending'); t.fn(); return t.ms; },
  };
}

function fakeEnv() {
  const listeners = { online: new Set(), visibilitychange: new Set() };
  const target = (map) => ({
    addEventListener: (type, fn) => map[type]?.add(fn),
    removeEventListener: (type, fn) => map[type]?.delete(fn),
  });
  const document = { ...target(listeners), visibilityState: 'visible' };
  const env = { ...target(listeners), document };
  return {
    env,
    listeners,
    dispatch(type, visibility) {
      if (visibility) document.visibilityState = visibility;
      for (const fn of listeners[type]) fn();
    },
  };
}

let counter = 0;
const nextId = () => `id-${String(++counter).padStart(16, '0')}`;

function setup(options = {}, shared = {}) {
  const { FakeSocket, sockets } = fakeSocketClass();
  const timers = fakeTimers();
  const session = shared.session ?? new MemoryStorage();
  const local = shared.local ?? new MemoryStorage();
  const { env, dispatch, listeners } = fakeEnv();
  const client = new ChatClient({
    url: 'https://shop.example/',
    report: 'newjob',
    lang: 'en',
    isNewVisitor: true,
    price: 250,
    currency: 'USD',
    WebSocket: FakeSocket,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    random: () => 0.5,
    randomId: nextId,
    storage: { session, local },
    env,
    ...options,
  });
  const events = [];
  for (const type of ['message', 'waiting', 'state', 'session', 'variant', 'restarted', 'checkout', 'error', 'closed', 'sent']) {
    client.on(type, (detail) => events.push({ type, ...detail }));
  }
  const of = (type) => events.filter((e) => e.type === type);
  const last = () => sockets[sockets.length - 1];
  return { client, sockets, last, timers, session, local, env, dispatch, listeners, events, of };
}

// Connects and plays a chunk: n messages, the last one waiting with two quick replies.
function chunk(sock, n, first = 0) {
  for (let i = 0; i < n; i++) {
    const waiting = i === n - 1;
    sock.frame({
      message: `m${first + i}`,
      status: waiting ? 'waiting' : 'sending',
      ...(waiting ? { options: [{ id: 'yes', text: 'Yes, tell me' }, { id: 'later', text: 'Maybe later' }] } : {}),
    });
  }
}

function started(options, shared) {
  const t = setup(options, shared);
  t.client.connect();
  t.last().open();
  t.last().frame({ session: t.client.session, resumed: false });
  return t;
}

// ---- tests ----

test('the first message carries the profile, session, received, visitor and variant', () => {
  const t = setup({ currencyCode: 'USD', variant: 'short' });
  assert.equal(t.client.state, 'idle');
  t.client.connect();
  assert.equal(t.last().url, 'wss://shop.example/ws/chat/newjob');
  assert.equal(t.client.state, 'connecting');
  t.last().open();
  assert.equal(t.client.state, 'open');
  const [first] = t.last().sent;
  assert.deepEqual(first, {
    lang: 'en', is_new_visitor: true, price: 250, currency: 'USD', currency_code: 'USD',
    visitor: t.client._profile.visitor, variant: 'short', session: t.client.session, received: 0,
  });
  assert.match(first.session, /^[A-Za-z0-9_-]{16,64}$/);
  assert.match(first.visitor, /^[A-Za-z0-9_-]{16,64}$/);
  assert.notEqual(first.session, first.visitor);
});

test('later messages resend the same object with message or option', () => {
  const t = started();
  chunk(t.last(), 2);
  assert.equal(t.client.send({ message: 'I am looking' }), 'sent');
  chunk(t.last(), 1, 2);
  assert.equal(t.client.choose('later'), 'sent');
  const [first, typed, tapped] = t.last().sent;
  const { received, ...profile } = first;
  assert.equal(received, 0);
  assert.deepEqual(typed, { ...profile, message: 'I am looking' });
  assert.deepEqual(tapped, { ...profile, option: 'later' });
  // A language switch rides on an answer and stays.
  chunk(t.last(), 1, 3);
  t.client.send({ message: 'tak', lang: 'pl' });
  assert.equal(t.last().sent.at(-1).lang, 'pl');
  assert.equal(t.client.lang, 'pl');
});

test('message and waiting events carry index, text, status and options', () => {
  const t = started();
  chunk(t.last(), 3);
  const messages = t.of('message');
  assert.deepEqual(messages.map((m) => [m.index, m.text, m.status]), [[0, 'm0', 'sending'], [1, 'm1', 'sending'], [2, 'm2', 'waiting']]);
  assert.deepEqual(messages[2].options, [{ id: 'yes', text: 'Yes, tell me' }, { id: 'later', text: 'Maybe later' }]);
  assert.deepEqual(messages[0].options, []);
  assert.deepEqual(t.of('waiting').map((w) => w.index), [2]);
  assert.equal(t.client.status, 'waiting');
});

test('answers given while the bot is sending are held, in order, one per question', () => {
  const t = started();
  t.last().frame({ message: 'm0', status: 'sending' });
  assert.equal(t.client.send({ message: 'first' }), 'held');
  assert.equal(t.client.send({ message: 'second' }), 'held');
  assert.equal(t.last().sent.length, 1, 'nothing sent while sending');
  assert.deepEqual(t.client.held, [{ message: 'first' }, { message: 'second' }]);
  chunk(t.last(), 1, 1); // waiting
  assert.equal(t.last().sent.length, 2);
  assert.equal(t.last().sent[1].message, 'first');
  assert.equal(t.client.status, 'answered');
  assert.equal(t.client.send({ message: 'third' }), 'held', 'after an answer, until the next question');
  chunk(t.last(), 2, 2);
  assert.deepEqual(t.last().sent.slice(1).map((m) => m.message), ['first', 'second']);
  chunk(t.last(), 1, 4);
  assert.deepEqual(t.last().sent.slice(1).map((m) => m.message), ['first', 'second', 'third']);
  assert.deepEqual(t.of('sent').map((s) => s.held), [true, true, true]);
});

test('a held quick reply the next step does not offer goes out as its label, never a bare id', () => {
  const t = started();
  chunk(t.last(), 1); // waiting with yes/later
  t.client.send({ message: 'hello' });
  t.last().frame({ message: 'm1', status: 'sending' });
  assert.equal(t.client.choose('later'), 'held');
  t.last().frame({ message: 'm2', status: 'waiting', options: [{ id: 'buy', text: 'Buy' }] });
  const sent = t.last().sent.at(-1);
  assert.equal(sent.option, undefined);
  assert.equal(sent.message, 'Maybe later');
});

test('answers are held while reconnecting and sent when the resumed chunk waits', () => {
  const t = started();
  chunk(t.last(), 2);
  t.last().drop(1006);
  assert.equal(t.client.state, 'reconnecting');
  assert.equal(t.client.choose('yes'), 'held');
  t.timers.fire();
  t.last().open();
  assert.equal(t.last().sent.length, 1, 'only the resume message');
  t.last().frame({ session: t.client.session, resumed: true, from: 1 });
  t.last().frame({ message: 'm1', status: 'waiting', options: [{ id: 'yes', text: 'Yes, tell me' }] });
  assert.equal(t.last().sent[1].option, 'yes');
});

test('back-off doubles from 300 ms to 10 s with jitter, then gives up; online brings it back', () => {
  const t = started();
  t.last().drop(1006);
  const delays = [];
  while (t.client.state === 'reconnecting') {
    delays.push(t.timers.fire());
    t.last().drop(1006); // every attempt fails
  }
  // random() = 0.5: three quarters of each ceiling
  assert.deepEqual(delays, [225, 450, 900, 1800, 3600, 7200, 7500, 7500]);
  assert.equal(t.client.state, 'gave-up');
  assert.equal(t.timers.queue.length, 0);
  const count = t.sockets.length;
  t.dispatch('online');
  assert.equal(t.sockets.length, count + 1);
  assert.equal(t.client.state, 'reconnecting');
  t.last().open();
  assert.equal(t.client.state, 'open');
});

test('jitter stays between half the ceiling and all of it', () => {
  for (const r of [0, 0.999999]) {
    const t = started({ random: () => r });
    t.last().drop(1001);
    const ms = t.timers.fire();
    assert.ok(ms >= 150 && ms <= 300, `${ms}`);
  }
});

test('the retry budget resets once the server speaks, not on a bare open (1013)', () => {
  const t = started();
  t.last().drop(1013);
  t.timers.fire();
  t.last().open();
  t.last().drop(1013); // busy: opened and closed at once
  assert.equal(t.timers.fire(), 450, 'second attempt, not the first again');
  t.last().open();
  t.last().frame({ session: t.client.session, resumed: true, from: 0 });
  t.last().drop(1006);
  assert.equal(t.timers.fire(), 225);
});

test('visibilitychange to visible reconnects at once; hidden does nothing', () => {
  const t = started();
  t.last().drop(1006);
  const count = t.sockets.length;
  t.dispatch('visibilitychange', 'hidden');
  assert.equal(t.sockets.length, count);
  t.dispatch('visibilitychange', 'visible');
  assert.equal(t.sockets.length, count + 1);
  assert.equal(t.timers.queue.length, 0, 'the pending retry was cancelled');
});

for (const [code, state] of [[4001, 'paused'], [1000, 'closed'], [1008, 'closed'], [4000, 'closed'], [1009, 'closed']]) {
  test(`no retry after ${code} (${state})`, () => {
    const t = started();
    chunk(t.last(), 1);
    const count = t.sockets.length;
    t.last().drop(code);
    assert.equal(t.client.state, state);
    assert.equal(t.timers.queue.length, 0);
    t.dispatch('online');
    t.dispatch('visibilitychange', 'visible');
    assert.equal(t.sockets.length, count, 'online/visible do not wake it');
    assert.deepEqual(t.of('closed').at(-1), { type: 'closed', code, reason: '', willRetry: false });
    assert.equal(t.of('checkout').length, 0, 'a close while waiting is no purchase');
  });
}

test('after 4001 the next answer resumes, with received, and is sent once the bot waits', () => {
  const t = started();
  chunk(t.last(), 3);
  t.last().drop(CloseCode.IDLE);
  assert.equal(t.client.state, 'paused');
  assert.equal(t.client.send({ message: 'still here' }), 'held');
  assert.equal(t.client.state, 'connecting');
  t.last().open();
  assert.equal(t.last().sent[0].received, 3);
  t.last().frame({ session: t.client.session, resumed: true, from: 2 });
  t.last().frame({ message: 'm2', status: 'waiting', options: [{ id: 'yes', text: 'Yes' }] });
  assert.equal(t.last().sent[1].message, 'still here');
  assert.equal(t.of('restarted').length, 0);
});

test('resume sends received and drops messages from `from`, which come again', () => {
  const t = started();
  chunk(t.last(), 2); // 0, 1
  t.client.send({ message: 'x' });
  t.last().frame({ message: 'm2', status: 'sending' });
  t.last().frame({ message: 'm3', status: 'sending' });
  t.last().drop(1001);
  t.timers.fire();
  t.last().open();
  assert.equal(t.last().sent[0].received, 4);
  assert.equal(t.last().sent[0].session, t.client.session);
  t.last().frame({ session: t.client.session, resumed: true, from: 2 });
  assert.deepEqual(t.of('session').at(-1), { type: 'session', session: t.client.session, resumed: true, from: 2, variant: null, dropped: 2 });
  assert.deepEqual(t.client.messages.map((m) => m.index), [0, 1]);
  chunk(t.last(), 3, 2);
  assert.deepEqual(t.client.messages.map((m) => [m.index, m.text]), [[0, 'm0'], [1, 'm1'], [2, 'm2'], [3, 'm3'], [4, 'm4']]);
  assert.deepEqual(t.of('message').slice(-3).map((m) => [m.index, m.replayed]), [[2, true], [3, true], [4, false]]);
  assert.equal(t.of('restarted').length, 0);
});

test('resumed:false after a drop emits restarted and clears the transcript', () => {
  const t = started();
  assert.equal(t.of('restarted').length, 0, 'not on a fresh dialogue');
  chunk(t.last(), 3);
  t.last().drop(1006);
  t.timers.fire();
  t.last().open();
  t.last().frame({ session: t.client.session, resumed: false });
  assert.deepEqual(t.of('restarted'), [{ type: 'restarted', session: t.client.session, dropped: 3, held: 0 }]);
  assert.deepEqual(t.client.messages, []);
  chunk(t.last(), 1);
  assert.equal(t.of('message').at(-1).index, 0);
  assert.equal(t.of('message').at(-1).replayed, false);
});

test('variant: in the session frame, emitted once', () => {
  const t = setup();
  t.client.connect();
  t.last().open();
  t.last().frame({ session: t.client.session, resumed: false, variant: 'short' });
  assert.equal(t.client.variant, 'short');
  t.last().drop(1006);
  t.timers.fire();
  t.last().open();
  t.last().frame({ session: t.client.session, resumed: true, from: 0, variant: 'short' });
  assert.deepEqual(t.of('variant'), [{ type: 'variant', variant: 'short' }]);
  assert.equal(t.of('session').at(-1).variant, 'short');
});

test('checkout only after a purchase chunk (all sending) closed with 1000', () => {
  const t = started({ variant: 'long' });
  chunk(t.last(), 1);
  t.client.choose('yes');
  t.last().frame({ message: 'Great!', status: 'sending' });
  t.last().frame({ message: 'Opening the checkout', status: 'sending' });
  const session = t.client.session;
  t.last().drop(1000);
  assert.deepEqual(t.of('checkout'), [{ type: 'checkout', session, lang: 'en', variant: null }]);
  assert.equal(t.client.state, 'closed');
  assert.equal(t.timers.queue.length, 0);
  // The id moves to the checkout key; the next dialogue in the tab starts fresh.
  assert.equal(t.session.getItem('astro-chat:session:newjob'), null);
  assert.equal(t.session.getItem('astro-chat:checkout:newjob'), session);
  assert.throws(() => t.client.send({ message: 'hi' }), /closed/);
  t.client.connect();
  t.last().open();
  assert.notEqual(t.last().sent[0].session, session);
  assert.equal(t.last().sent[0].received, 0);
});

test('a resumed purchase closes with 1000 again and still checks out', () => {
  const t = started();
  chunk(t.last(), 1);
  t.client.choose('yes');
  t.last().frame({ message: 'p0', status: 'sending' });
  t.last().drop(1006);
  t.timers.fire();
  t.last().open();
  t.last().frame({ session: t.client.session, resumed: true, from: 2 });
  t.last().frame({ message: 'p1', status: 'sending' });
  t.last().drop(1000);
  assert.equal(t.of('checkout').length, 1);
});

test('1000 with no bot message on the socket is no checkout', () => {
  const t = started();
  t.last().drop(1000);
  assert.equal(t.of('checkout').length, 0);
  assert.equal(t.client.state, 'closed');
});

test('error frames give error events with field; the close that follows is final', () => {
  const t = setup();
  t.client.connect();
  t.last().open();
  t.last().frame({ error: 'price must be a finite number of 0 or more', field: 'price' });
  t.last().drop(1008);
  assert.deepEqual(t.of('error'), [{ type: 'error', error: 'price must be a finite number of 0 or more', field: 'price' }]);
  assert.equal(t.client.state, 'closed');
  assert.equal(t.timers.queue.length, 0);

  const u = setup({ report: 'nosuch' });
  u.client.connect();
  u.last().open();
  u.last().frame({ error: 'Invalid Url' });
  u.last().frame({ message: 'ignored after an error', status: 'waiting' });
  u.last().drop(1006); // even an abnormal close after an error frame is final
  assert.deepEqual(u.of('error'), [{ type: 'error', error: 'Invalid Url', field: null }]);
  assert.equal(u.of('message').length, 0);
  assert.equal(u.client.state, 'closed');
});

test('the session is kept per report in session storage, and a reload resumes it', () => {
  const t = started();
  const session = t.client.session;
  assert.equal(t.session.getItem('astro-chat:session:newjob'), session);
  chunk(t.last(), 3);
  // A reload: a new client on the same storage shows nothing yet, so received is 0.
  const u = setup({}, { session: t.session, local: t.local });
  u.client.connect();
  u.last().open();
  assert.equal(u.last().sent[0].session, session);
  assert.equal(u.last().sent[0].received, 0);
  u.last().frame({ session, resumed: true, from: 2 });
  chunk(u.last(), 1, 2);
  assert.deepEqual(u.client.messages.map((m) => m.index), [2]);
  // Another report has its own.
  const v = setup({ report: 'love' }, { session: t.session, local: t.local });
  v.client.connect();
  assert.notEqual(v.client.session, session);
  assert.equal(t.session.getItem('astro-chat:session:love'), v.client.session);
});

test('a kept session that expired emits restarted', () => {
  const t = started();
  const u = setup({}, { session: t.session, local: t.local });
  u.client.connect();
  u.last().open();
  u.last().frame({ session: t.client.session, resumed: false });
  assert.equal(u.of('restarted').length, 1);
});

test('the visitor id is drawn once and kept in local storage', () => {
  const local = new MemoryStorage();
  const a = setup({}, { local });
  const b = setup({ report: 'love' }, { local });
  const id = local.getItem('astro-chat:visitor');
  assert.match(id, /^[A-Za-z0-9_-]{16,64}$/);
  assert.equal(a.client._profile.visitor, id);
  assert.equal(b.client._profile.visitor, id);
  const none = started({ visitor: false });
  assert.equal('visitor' in none.last().sent[0], false);
  const noStorage = started({}, { local: null });
  // No storage: no experiment (an id per page would only add noise).
  const c = setup({ storage: { session: null, local: null } });
  c.client.connect();
  c.last().open();
  assert.equal('visitor' in c.last().sent[0], false);
  assert.ok(c.client.session, 'the dialogue still runs without storage');
  assert.ok(noStorage);
  assert.throws(() => setup({ visitor: 'short' }), /visitor/);
});

test('restart() drops the dialogue and starts a new session', () => {
  const t = started();
  chunk(t.last(), 2);
  const old = t.last();
  const session = t.client.session;
  t.client.restart();
  assert.equal(old.closedWith, 1000);
  old.drop(1000); // its late close event is ignored
  assert.equal(t.of('checkout').length, 0);
  t.last().open();
  assert.notEqual(t.last().sent[0].session, session);
  assert.equal(t.last().sent[0].received, 0);
  assert.deepEqual(t.client.messages, []);
  assert.equal(t.session.getItem('astro-chat:session:newjob'), t.client.session);
});

test('close() is final and unhooks the page events', () => {
  const t = started();
  t.client.close();
  assert.equal(t.client.state, 'closed');
  assert.equal(t.listeners.online.size, 0);
  assert.equal(t.listeners.visibilitychange.size, 0);
});

test('send() refuses what the server would close on', () => {
  const t = started();
  assert.throws(() => t.client.send({ message: 'x'.repeat(1001) }), RangeError);
  assert.throws(() => t.client.send({ message: '😀'.repeat(1000) }), RangeError, 'over 4096 bytes');
  assert.throws(() => t.client.send({ message: 42 }), TypeError);
  chunk(t.last(), 1);
  assert.equal(t.client.send({ message: 'é'.repeat(1000) }), 'sent');
});

test('state events tell the whole story', () => {
  const t = started();
  t.last().drop(1006);
  t.timers.fire();
  t.last().open();
  assert.deepEqual(t.of('state').map((s) => s.state), ['connecting', 'open', 'reconnecting', 'open']);
});

test('a throwing listener does not break the client', () => {
  const reported = [];
  const t = started({ reportError: (e) => reported.push(e.message) });
  t.client.on('message', () => { throw new Error('widget bug'); });
  chunk(t.last(), 1);
  assert.equal(t.client.status, 'waiting');
  assert.equal(t.of('waiting').length, 1, 'later listeners and events still run');
  assert.deepEqual(reported, ['widget bug']);
});

test('randomId gives 16 to 64 characters of the allowed alphabet, with or without randomUUID', () => {
  assert.match(randomId(), /^[A-Za-z0-9_-]{16,64}$/);
  const noUuid = { getRandomValues: (a) => globalThis.crypto.getRandomValues(a) };
  assert.match(randomId(noUuid), /^[A-Za-z0-9_-]{16,64}$/);
});

test('PaymentClient: sends the kept checkout session, hands over a safe report link, done on 1000', () => {
  const { FakeSocket, sockets } = fakeSocketClass();
  const store = new MemoryStorage();
  store.setItem('astro-chat:checkout:newjob', 'id-0000000000000abc');
  const pay = new PaymentClient({
    url: 'wss://shop.example', report: 'newjob', lang: 'en', success: true,
    reportUrlParams: 'date=2023-9-24&report_id=newjob', WebSocket: FakeSocket, storage: { session: store, local: null },
  });
  const events = [];
  for (const type of ['message', 'done', 'closed', 'state']) pay.on(type, (d) => events.push({ type, ...d }));
  pay.connect();
  const sock = sockets[0];
  assert.equal(sock.url, 'wss://shop.example/ws/chat-success/newjob');
  sock.open();
  assert.deepEqual(sock.sent[0], { success: true, lang: 'en', report_url_params: 'date=2023-9-24&report_id=newjob', session: 'id-0000000000000abc' });
  sock.frame({ message: 'Thank you' });
  sock.frame({ message: 'Your link', report_url: '/api/reading/newjob/?date=2023-9-24' });
  sock.frame({ message: 'Evil', report_url: '//evil.example/x' });
  sock.drop(1000);
  const messages = events.filter((e) => e.type === 'message');
  assert.deepEqual(messages.map((m) => m.reportUrl), [null, '/api/reading/newjob/?date=2023-9-24', null]);
  assert.deepEqual(events.filter((e) => e.type === 'done'), [{ type: 'done', success: true, reportUrl: '/api/reading/newjob/?date=2023-9-24' }]);
  assert.equal(pay.state, 'closed');
  assert.equal(store.getItem('astro-chat:checkout:newjob'), null);
});

test('PaymentClient: a drop replays the series, and says so', () => {
  const { FakeSocket, sockets } = fakeSocketClass();
  const timers = fakeTimers();
  const pay = new PaymentClient({
    url: 'wss://shop.example', report: 'love', lang: 'pl', success: false, WebSocket: FakeSocket,
    setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout, storage: { session: null, local: null },
  });
  const restarted = [];
  pay.on('restarted', (d) => restarted.push(d));
  pay.connect();
  sockets[0].open();
  assert.deepEqual(sockets[0].sent[0], { success: false, lang: 'pl' });
  sockets[0].frame({ message: 'Payment failed' });
  sockets[0].drop(1006);
  timers.fire();
  sockets[1].open();
  assert.deepEqual(restarted, [{ dropped: 1 }]);
  assert.deepEqual(pay.messages, []);
});
