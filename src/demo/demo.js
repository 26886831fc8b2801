// Chatbot demo pages: a form that sets the attributes of the embedded widget (the same
// <chatbot-chat> / <chatbot-success> a shop embeds: client/chat-widget.js), and the
// developer panel, which shows every frame the widget's client sends and receives.
//
// Security: everything from the server or the visitor goes into the page as text.
// Words of the chrome come from the catalogue embedded in the page (#catalogue), in the
// language picked; nothing here names a locale.
const $ = (id) => document.getElementById(id);
const body = document.body;
const PAGE = body.dataset.page; // "engagement" | "success"
const DATA = JSON.parse($('catalogue').textContent);
const REPORT_ID = DATA.report;
const LOCALES = new Map(DATA.locales.map((l) => [l.code, l]));
const QUERY = new URLSearchParams(location.search);
const DEV_KEY = 'chatbot-demo.developer-panel';
const WIDE_KEY = 'chatbot-demo.developer-wide';

const widget = $('widget');
const langSelect = $('lang');
let locale = LOCALES.get(document.documentElement.lang) || DATA.locales[0];
const ui = (key) => (locale.ui[key] != null ? locale.ui[key] : key);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = String(text);
  return e;
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const t = el('textarea'); // outside secure contexts
    t.value = text;
    document.body.append(t);
    t.select();
    document.execCommand('copy');
    t.remove();
  }
  button.dataset.copied = '';
  setTimeout(() => delete button.dataset.copied, 1500);
}

// ---- the chrome's language: the page and the widget ----
function applyLocale(code) {
  locale = LOCALES.get(code) || locale;
  document.documentElement.lang = locale.code;
  widget.setAttribute('lang', locale.code);
  document.querySelectorAll('[data-ui]').forEach((e) => { e.textContent = ui(e.dataset.ui); });
  document.querySelectorAll('a[data-lang-link]').forEach((a) => {
    const url = new URL(a.getAttribute('href'), location.href);
    url.searchParams.set('lang', locale.code);
    a.setAttribute('href', url.pathname + url.search);
  });
  $('title').textContent = locale.title;
  document.title = `${locale.title} \u00b7 ${ui(PAGE === 'success' ? 'post_payment_chat' : 'sales_chat')}`;
  preview();
}

// ---- developer panel: frames (pretty-printed, each with a copy button), the first
// message (a live preview before the start, then the one really sent) ----
const dev = $('dev');
const frames = $('frames');
try {
  dev.open = localStorage.getItem(DEV_KEY) === 'open';
  body.toggleAttribute('data-wide', localStorage.getItem(WIDE_KEY) === 'wide');
} catch { /* storage off */ }
dev.addEventListener('toggle', () => {
  try { localStorage.setItem(DEV_KEY, dev.open ? 'open' : 'closed'); } catch { /* storage off */ }
});
$('widen').addEventListener('click', () => {
  const wide = body.toggleAttribute('data-wide');
  $('widen').setAttribute('aria-pressed', String(wide));
  try { localStorage.setItem(WIDE_KEY, wide ? 'wide' : 'narrow'); } catch { /* storage off */ }
});
$('widen').setAttribute('aria-pressed', String(body.hasAttribute('data-wide')));

const stamp = () => new Date().toISOString().slice(11, 23);
function logFrame(direction, data) {
  const li = el('li', `frame ${direction}`);
  const head = el('div', 'frame-head');
  head.append(el('span', 'dir', direction === 'out' ? '\u2191' : '\u2193'), el('time', null, stamp()));
  const text = JSON.stringify(data, null, 2);
  const button = el('button', 'copy', '\u29c9');
  button.type = 'button';
  button.title = ui('copy');
  button.setAttribute('aria-label', ui('copy'));
  button.addEventListener('click', () => copy(JSON.stringify(data), button));
  head.append(button);
  li.append(head, el('pre', 'json', text));
  const follow = frames.scrollHeight - frames.scrollTop - frames.clientHeight < 24;
  frames.append(li);
  while (frames.childElementCount > 400) frames.firstElementChild.remove();
  if (follow) frames.scrollTop = frames.scrollHeight;
}

let sentFirst = null; // the first message of the running connection, as sent
let formFirst = () => ({});
const firstMessage = () => sentFirst ?? formFirst();
function preview() { $('first-message').textContent = JSON.stringify(firstMessage(), null, 2); }
$('copy-first').addEventListener('click', () => copy(JSON.stringify(firstMessage()), $('copy-first')));

widget.addEventListener('frame', (e) => {
  const { direction, data } = e.detail;
  logFrame(direction, data);
  // A connection's first message: the only one with `received` (sales) or `success` (post-payment).
  if (direction === 'out' && ('received' in data || 'success' in data)) { sentFirst = data; preview(); }
});
widget.addEventListener('state', () => { body.dataset.state = widget.dataset.state || 'idle'; });

function intoView() {
  requestAnimationFrame(() => {
    const r = widget.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight + 1) widget.scrollIntoView({ block: 'start' });
  });
}

// ---- the sales dialogue ----
function initEngagement() {
  const form = $('settings');
  const price = $('price'), currency = $('currency'), currencyCode = $('currency-code'), variant = $('variant');
  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const isNew = () => form.querySelector('input[name="is_new_visitor"]:checked').value === 'true';
  const priceValue = () => {
    const raw = price.value.trim().replace(/\s/g, '');
    const dotted = /^[+-]?\d*,\d+$/.test(raw) ? raw.replace(',', '.') : raw;
    return NUMBER.test(dotted) && Number.isFinite(Number(dotted)) ? Number(dotted) : price.value;
  };
  const fields = () => [price, currency, currencyCode, variant, ...form.querySelectorAll('input[name="is_new_visitor"]')];

  // The form is the widget's attributes; the widget reads them when a dialogue starts.
  function sync() {
    widget.setAttribute('price', String(priceValue()));
    widget.setAttribute('currency', currency.value);
    widget.setAttribute('new-visitor', String(isNew()));
    for (const [name, value] of [['currency-code', currencyCode.value], ['variant', variant.value]]) {
      if (value) widget.setAttribute(name, value); else widget.removeAttribute(name);
    }
    $('price-preview').textContent = JSON.stringify(priceValue());
    preview();
  }
  formFirst = () => {
    const m = { lang: langSelect.value, is_new_visitor: isNew(), price: priceValue(), currency: currency.value };
    if (currencyCode.value) m.currency_code = currencyCode.value;
    m.visitor = '<kept in localStorage>';
    if (variant.value) m.variant = variant.value;
    return { ...m, session: '<random id per dialogue>', received: 0 };
  };
  form.addEventListener('input', sync);
  form.addEventListener('change', sync);
  currency.addEventListener('input', () => currency.removeAttribute('aria-invalid'));

  function running() {
    const s = widget.dataset.state || 'idle';
    return !['idle', 'closed', 'checkout'].includes(s);
  }
  function lock() {
    const busy = running();
    for (const f of fields()) f.disabled = busy;
    $('start').hidden = busy || widget.dataset.state === 'checkout';
  }
  widget.addEventListener('state', lock);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (running()) return;
    if (!currency.value.trim()) {
      currency.setAttribute('aria-invalid', 'true');
      currency.focus();
      return;
    }
    for (const f of form.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
    $('after').hidden = true;
    sentFirst = null;
    sync();
    widget.start();
    lock();
    intoView();
  });
  widget.addEventListener('checkout', (e) => {
    const { session, lang } = e.detail;
    const link = $('to-success');
    link.href = `/api/chatbot-demo/success/${encodeURIComponent(REPORT_ID)}/?lang=${encodeURIComponent(lang)}&session=${encodeURIComponent(session)}`;
    $('after').hidden = false;
    lock();
  });
  $('again').addEventListener('click', () => {
    $('after').hidden = true;
    sentFirst = null;
    sync();
    widget.start();
    lock();
  });
  // The server named the field at fault: mark it in the form.
  widget.addEventListener('chat-error', (e) => {
    const target = { price, currency, currency_code: currencyCode, lang: langSelect, variant }[e.detail.field];
    target?.setAttribute('aria-invalid', 'true');
  });

  // A link can prefill the form: ?lang=&new=&price=&currency=&currency_code=&variant=&start=1
  if (QUERY.has('new')) {
    const value = String(!/^(0|false|no)$/i.test(QUERY.get('new')));
    form.querySelector(`input[name="is_new_visitor"][value="${value}"]`).checked = true;
  }
  if (QUERY.has('price')) price.value = QUERY.get('price');
  if (QUERY.has('currency')) currency.value = QUERY.get('currency');
  for (const [select, key] of [[variant, 'variant'], [currencyCode, 'currency_code']]) {
    const value = QUERY.get(key);
    if (value != null && [...select.options].some((o) => o.value === value)) select.value = value;
  }
  sync();
  if (QUERY.get('start') === '1') customElements.whenDefined('chatbot-chat').then(() => form.requestSubmit());
}

// ---- the post-payment dialogue ----
function initSuccess() {
  const KEYS = ['date', 'time', 'tz', 'ln_d', 'ln_m', 'dir_ln', 'lt_d', 'lt_m', 'dir_lt', 'hash', 'report_id'];
  const success = $('success'), params = $('params'), fields = $('param-fields');
  // The fields and the raw box edit one value: a field rewrites the raw string, the raw
  // string fills the fields it names, and neither overwrites the other while typed in.
  function fromFields() {
    const p = new URLSearchParams(params.value.replace(/^\?/, ''));
    for (const k of KEYS) p.set(k, $(`p-${k}`).value);
    params.value = p.toString();
  }
  function fromRaw() {
    const p = new URLSearchParams(params.value.replace(/^\?/, ''));
    for (const k of KEYS) if (p.has(k) && $(`p-${k}`).value !== p.get(k)) $(`p-${k}`).value = p.get(k);
  }
  function sync() {
    fields.disabled = !success.checked; // no report_url_params after a failed payment
    widget.setAttribute('success', String(success.checked));
    widget.setAttribute('report-url-params', params.value);
    // The sales dialogue this payment came from (its page passed it along).
    if (QUERY.has('session')) widget.setAttribute('session', QUERY.get('session'));
    preview();
  }
  formFirst = () => {
    const m = { success: success.checked, lang: langSelect.value };
    if (m.success) m.report_url_params = params.value;
    if (QUERY.has('session')) m.session = QUERY.get('session');
    return m;
  };
  fields.addEventListener('input', (e) => { if (e.target === params) fromRaw(); else fromFields(); sync(); });
  fields.addEventListener('change', (e) => { if (e.target.tagName === 'SELECT') fromFields(); sync(); });
  success.addEventListener('change', sync);
  $('run-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sentFirst = null;
    sync();
    widget.start();
    intoView();
  });
  const label = () => {
    $('run').dataset.ui = widget.dataset.state === 'done' || widget.dataset.state === 'closed' ? 'try_again' : 'run';
    $('run').textContent = ui($('run').dataset.ui);
    $('run').disabled = ['open', 'connecting', 'reconnecting'].includes(widget.dataset.state);
  };
  widget.addEventListener('state', label);
  widget.addEventListener('done', label);
  fromFields();
  sync();
}

langSelect.addEventListener('change', () => applyLocale(langSelect.value));
if (PAGE === 'engagement') initEngagement(); else initSuccess();
body.dataset.state = 'idle';
if (QUERY.has('lang') && LOCALES.has(QUERY.get('lang'))) langSelect.value = QUERY.get('lang');
applyLocale(langSelect.value);
