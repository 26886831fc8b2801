// A minimal chat on top of the headless client: it type-checks against chat-client.d.ts
// (`npm run check`). A real widget adds styling, focus, scrolling and a11y.
import { ChatClient, PaymentClient, randomId, type BotMessage, type ClientState } from './chat-client.js';

const log = document.querySelector<HTMLElement>('#log')!;
const replies = document.querySelector<HTMLElement>('#replies')!;
const form = document.querySelector<HTMLFormElement>('#composer')!;
const input = form.querySelector<HTMLInputElement>('input')!;
const status = document.querySelector<HTMLElement>('#status')!;

const chat = new ChatClient({
  url: 'wss://shop.example',
  report: 'newjob',
  lang: 'en',
  isNewVisitor: !localStorage.getItem('seen'),
  price: 250,
  currency: 'USD',
  currencyCode: 'USD',
  env: window, // comes back on `online` and when the tab is visible again
  // The defaults, spelled out (tests inject fakes here):
  WebSocket,
  storage: { session: sessionStorage, local: localStorage },
  randomId: () => randomId(crypto),
});

function bubble(who: 'bot' | 'visitor', text: string, index?: number): void {
  const p = document.createElement('p');
  p.className = who;
  p.textContent = text; // text, never HTML
  if (index !== undefined) p.dataset.index = String(index);
  log.append(p);
}

function showReplies(m: BotMessage): void {
  replies.replaceChildren(...m.options.map((o) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = o.text;
    b.onclick = () => { chat.choose(o.id); bubble('visitor', o.text); replies.replaceChildren(); };
    return b;
  }));
}

chat.on('message', (m) => {
  bubble('bot', m.text, m.index);
  if (m.status === 'waiting') showReplies(m);
});
chat.on('session', ({ resumed, from }) => {
  // Keep what came before `from`; the rest comes again.
  if (!resumed) return;
  for (const p of log.querySelectorAll<HTMLElement>('p.bot')) {
    if (Number(p.dataset.index) >= from) {
      while (p.nextSibling) p.nextSibling.remove();
      p.remove();
      break;
    }
  }
});
chat.on('restarted', () => {
  log.replaceChildren();
  status.textContent = 'The conversation expired and starts over.';
});
const words: Record<ClientState, string> = {
  idle: '', connecting: 'Connecting…', open: 'Online', reconnecting: 'Reconnecting…',
  paused: 'Paused: answer to continue', closed: 'Closed', 'gave-up': 'Offline: answer to try again',
};
chat.on('state', ({ state }) => { status.textContent = words[state]; });
chat.on('error', ({ error, field }) => { status.textContent = field ? `${field}: ${error}` : error; });
chat.on('checkout', ({ session }) => {
  localStorage.setItem('seen', '1');
  location.assign(`/checkout/newjob?session=${encodeURIComponent(session)}`);
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (!input.value.trim()) return;
  const how = chat.send({ message: input.value }); // "held" while the bot is still typing
  bubble('visitor', input.value + (how === 'held' ? ' …' : ''));
  input.value = '';
});
chat.connect();

// After the payment, on the shop's return page:
export function afterPayment(params: string): PaymentClient {
  const pay = new PaymentClient({ url: 'wss://shop.example', report: 'newjob', lang: 'en', success: true, reportUrlParams: params });
  pay.on('message', ({ text, reportUrl }) => {
    bubble('bot', text);
    if (reportUrl) {
      const a = document.createElement('a');
      a.href = new URL(reportUrl, location.origin).href;
      a.textContent = 'Open your report';
      log.append(a);
    }
  });
  pay.on('done', ({ reportUrl }) => { status.textContent = reportUrl ? 'Done' : 'Payment failed'; });
  pay.connect();
  return pay;
}

// The declarations are precise: these do not compile.
export function notCompiling(): void {
  // @ts-expect-error: no such event
  chat.on('nope', () => {});
  // @ts-expect-error: a checkout event has no options
  chat.on('checkout', (e) => e.options);
  // @ts-expect-error: a quick reply is chosen by its id
  chat.choose({ id: 'yes' });
  // @ts-expect-error: price is required
  new ChatClient({ url: 'wss://shop.example', report: 'love', lang: 'en', isNewVisitor: false, currency: 'zł' });
}

// The widget: the shop opens its checkout when the visitor agrees to buy.
import type {} from './chat-widget.js';
export function embedded(): void {
  const widget = document.querySelector('chatbot-chat');
  widget?.addEventListener('checkout', (e) => {
    location.assign(`/checkout?session=${encodeURIComponent(e.detail.session)}`);
  });
  // @ts-expect-error: a checkout's detail has no reportUrl
  widget?.addEventListener('checkout', (e) => e.detail.reportUrl);
  document.querySelector('chatbot-success')?.addEventListener('done', (e) => console.log(e.detail.success));
}
