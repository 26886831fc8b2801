// Types for chat-client.js: a headless client of the shop chatbot's WebSocket protocol.
// See README.md and docs/protocol.md.

/** The close codes the server uses. */
export declare const CloseCode: Readonly<{
  /** On /ws/chat/: the purchase (checkout), nothing else. On /ws/chat-success/: the series is over. */
  PURCHASE: 1000;
  GOING_AWAY: 1001;
  PROTOCOL_ERROR: 1002;
  ABNORMAL: 1006;
  BAD_MESSAGE: 1008;
  TOO_BIG: 1009;
  SERVER_ERROR: 1011;
  TRY_AGAIN_LATER: 1013;
  TAKEN_OVER: 4000;
  IDLE: 4001;
}>;

/** A random id of 16 to 64 characters of `A-Z a-z 0-9 - _` (a UUID where available). */
export declare function randomId(crypto?: { getRandomValues(array: Uint8Array): Uint8Array; randomUUID?(): string }): string;

/** The connection's life. */
export type ClientState =
  | 'idle'          // constructed, connect() not called yet
  | 'connecting'    // a socket is opening at our initiative (connect, restart, an answer after a pause)
  | 'open'          // a socket is open
  | 'reconnecting'  // the connection dropped; retrying with back-off
  | 'paused'        // idle timeout (4001): the visitor's next send() or choose() resumes
  | 'closed'        // over: checkout, an error, taken over (4000), or close()
  | 'gave-up';      // retries exhausted; online/visible, connect() or send() tries again

/** What the bot is doing: sending a chunk, waiting for an answer, or reading ours. */
export type BotStatus = 'sending' | 'waiting' | 'answered' | null;

/** A quick reply of a waiting message. */
export interface QuickReply {
  id: string;
  text: string;
}

/** A bot message of the sales dialogue. */
export interface BotMessage {
  /** Its place in the dialogue, counting all its bot messages from 0. */
  readonly index: number;
  readonly text: string;
  readonly status: 'sending' | 'waiting';
  /** The quick replies; empty unless `status` is "waiting". */
  readonly options: readonly QuickReply[];
}

/** The visitor's answer: typed text, a quick reply's id, or neither (the default way). */
export interface Answer {
  message?: string;
  option?: string;
  /** Switches the language of the replies from this answer on. */
  lang?: string;
}

/** Anything with addEventListener: `window` in a browser, a fake in tests. */
export interface EventSourceLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

/**
 * Where the client hears `online` (on `env`) and `visibilitychange` (on `env.document`,
 * or on `env` itself without one). Pass `window`. Without it the client never touches
 * the page: no automatic comeback on those events.
 */
export interface ClientEnv extends EventSourceLike {
  document?: EventSourceLike & { readonly visibilityState?: string };
  readonly visibilityState?: string;
}

/** The part of the Web Storage API the client uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The part of the WebSocket API the client uses. */
export interface WebSocketLike {
  // The client assigns these; `any` lets the DOM's WebSocket (and fakes) fit.
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
  onclose: ((ev: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface BackoffOptions {
  /** The first retry's ceiling, ms (300). Each next doubles it. */
  base?: number;
  /** The largest ceiling, ms (10 000). A delay is drawn between half the ceiling and all of it. */
  max?: number;
  /** Failed attempts in a row before "gave-up" (8). */
  tries?: number;
}

export interface CommonOptions {
  /** The server: "wss://shop.example" (http(s) is turned into ws(s)). */
  url: string;
  /** The report's slug: "newjob", "love", ... */
  report: string;
  /** "ru", "en", "pl", ... */
  lang: string;
  WebSocket?: WebSocketConstructor;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: any) => void;
  /** [0, 1), for the back-off's jitter. */
  random?: () => number;
  backoff?: BackoffOptions;
  /** Where an exception thrown by a listener goes (default `reportError`, else rethrown in a microtask). */
  reportError?: (error: unknown) => void;
  env?: ClientEnv;
  /**
   * `session`: kept for the tab's life (default `sessionStorage`); `local`: kept for the
   * browser's (default `localStorage`). `null` turns one off.
   */
  storage?: { session?: StorageLike | null; local?: StorageLike | null };
  /** The prefix of the storage keys ("astro-chat"). */
  storageKey?: string;
}

export interface ChatClientOptions extends CommonOptions {
  isNewVisitor: boolean;
  /** A number, or a string holding a decimal number: finite, 0 or more. */
  price: number | string;
  /** Shown after the price as given, e.g. "рублей" (1 to 32 characters). */
  currency: string;
  /** ISO 4217, e.g. "RUB": prices in the visitor's grammar. */
  currencyCode?: string;
  /**
   * The browser's stable id for A/B tests: `true` (default) draws one once and keeps it
   * in local storage; a string uses that one; `false` sends none (the default variant).
   */
  visitor?: boolean | string;
  /** Runs this variant of the report's dialogue (previews, QA). */
  variant?: string;
  /** Draws session and visitor ids (default randomId()). */
  randomId?: () => string;
  /** The server's frame limit, bytes (4096): longer answers are refused by send(). */
  maxBytes?: number;
}

export interface StateEvent { state: ClientState; previous: ClientState }
export interface ServerErrorEvent {
  /** One English sentence from the server. */
  error: string;
  /** The key at fault, as the client spells it ("price", "currency_code", ...), or null. */
  field: string | null;
}
export interface ClosedEvent {
  code: number;
  reason: string;
  /** Whether the client retries on its own. */
  willRetry: boolean;
}

export interface BotMessageEvent extends BotMessage {
  /** A message sent again after a resume (its index was shown before). */
  replayed: boolean;
  /** The frame as received, unknown fields included. */
  data: Record<string, unknown>;
}
export interface WaitingEvent { index: number; options: readonly QuickReply[] }
export interface SessionEvent {
  session: string;
  /** true: the same dialogue goes on from `from`; false: a new dialogue under this id. */
  resumed: boolean;
  /** The index of the next message; messages from here were dropped and come again. 0 unless resumed. */
  from: number;
  variant: string | null;
  /** How many shown messages the UI must remove (those with index >= from). */
  dropped: number;
}
export interface VariantEvent { variant: string }
export interface RestartedEvent {
  session: string;
  /** Messages of the lost dialogue the UI should remove or mark as past. */
  dropped: number;
  /** Answers still held: they go to the new dialogue's questions. */
  held: number;
}
export interface CheckoutEvent {
  /** The dialogue's id: pass it to the post-payment page (PaymentClient reads it from session storage). */
  session: string;
  lang: string;
  variant: string | null;
}
export interface SentEvent {
  message?: string;
  option?: string;
  /** It waited for the bot first. */
  held: boolean;
}

/** Every JSON frame, as sent or received (for developer tools; the UI needs none). */
export interface FrameEvent { direction: 'in' | 'out'; data: Record<string, unknown> }

export interface ChatClientEvents {
  frame: FrameEvent;
  message: BotMessageEvent;
  waiting: WaitingEvent;
  state: StateEvent;
  session: SessionEvent;
  variant: VariantEvent;
  restarted: RestartedEvent;
  checkout: CheckoutEvent;
  error: ServerErrorEvent;
  closed: ClosedEvent;
  sent: SentEvent;
}

export interface PaymentMessage {
  readonly index: number;
  readonly text: string;
  /** The report's link: a relative path (resolve it against the shop's origin), or null. */
  readonly reportUrl: string | null;
}
export interface PaymentMessageEvent extends PaymentMessage { data: Record<string, unknown> }
export interface DoneEvent { success: boolean; reportUrl: string | null }

export interface PaymentClientEvents {
  frame: FrameEvent;
  message: PaymentMessageEvent;
  state: StateEvent;
  error: ServerErrorEvent;
  closed: ClosedEvent;
  done: DoneEvent;
  /** A reconnect: the server plays the series again; remove what was shown. */
  restarted: { dropped: number };
}

declare class Emitter<Events> {
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void;
  off<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): void;
  once<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void;
}

declare class BaseClient<Events> extends Emitter<Events> {
  readonly report: string;
  /** The socket URL: <url>/ws/<endpoint>/<report>. */
  readonly url: string;
  readonly state: ClientState;
  /** Ends the conversation from this side: no retry, no wake-up. */
  close(): void;
}

/** The sales dialogue on /ws/chat/<report>. */
export declare class ChatClient extends BaseClient<ChatClientEvents> {
  constructor(options: ChatClientOptions);
  /** This dialogue's id (null before connect() and after checkout). */
  readonly session: string | null;
  readonly variant: string | null;
  readonly status: BotStatus;
  readonly lang: string;
  /** Bot messages shown, in order (indices may start above 0 after a reload). */
  readonly messages: readonly BotMessage[];
  /** The quick replies of the message the bot waits at; empty otherwise. */
  readonly options: readonly QuickReply[];
  /** Answers given but not sent yet, oldest first. */
  readonly held: readonly Answer[];
  /** Opens the dialogue: a new one, or the one this tab kept (a reload). Again after gave-up or closed. */
  connect(): void;
  /** Drops this dialogue (and held answers) and starts a new one under a new session id. */
  restart(): void;
  /** The language of replies from the next frame sent on. */
  setLang(lang: string): void;
  /**
   * The visitor's answer: sent now if the bot waits, else held and sent when it next
   * waits (one per question, in order). Resumes a paused or given-up dialogue. Throws
   * once the dialogue is closed, and on a message over 1,000 characters or the frame limit.
   */
  send(answer?: Answer): 'sent' | 'held';
  /** Taps a quick reply: send({ option }). */
  choose(optionId: string): 'sent' | 'held';
}

export interface PaymentClientOptions extends CommonOptions {
  success: boolean;
  /** Required when `success`: the URL parameters the shop got after the payment. */
  reportUrlParams?: string;
  /** The engagement dialogue's id; default: the one ChatClient kept at checkout. null sends none. */
  session?: string | null;
}

/** The post-payment dialogue on /ws/chat-success/<report>. */
export declare class PaymentClient extends BaseClient<PaymentClientEvents> {
  constructor(options: PaymentClientOptions);
  readonly messages: readonly PaymentMessage[];
  readonly reportUrl: string | null;
  connect(): void;
}
