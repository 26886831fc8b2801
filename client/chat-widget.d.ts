// Types for chat-widget.js: <chatbot-chat> and <chatbot-success>. See README.md ("The widget").
import type {
  ChatClient, PaymentClient, CheckoutEvent, DoneEvent, StateEvent, VariantEvent,
  ServerErrorEvent, FrameEvent,
} from './chat-client.js';

interface ChatElementEvents {
  state: CustomEvent<StateEvent>;
  'chat-error': CustomEvent<ServerErrorEvent>;
  frame: CustomEvent<FrameEvent>;
}

/** The sales dialogue. Attributes: report, lang, price, currency, currency-code, new-visitor, variant, visitor, server, manual. */
export declare class ChatbotChat extends HTMLElement {
  /** The client under the widget (null before the start). */
  readonly client: ChatClient | null;
  /** Opens the dialogue (a new one, or the one this tab kept); needed only with `manual`. null (and an error shown, and logged) when an attribute the client needs is missing. */
  start(): ChatClient | null;
  addEventListener<K extends keyof ChatbotChatEvents>(type: K, listener: (this: ChatbotChat, ev: ChatbotChatEvents[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}
export interface ChatbotChatEvents extends ChatElementEvents {
  /** The visitor agreed to buy: open the checkout. */
  checkout: CustomEvent<CheckoutEvent>;
  variant: CustomEvent<VariantEvent>;
}

/** The post-payment dialogue. Attributes: report, lang, success, report-url-params, session, server, manual. */
export declare class ChatbotSuccess extends HTMLElement {
  readonly client: PaymentClient | null;
  start(): PaymentClient | null;
  addEventListener<K extends keyof ChatbotSuccessEvents>(type: K, listener: (this: ChatbotSuccess, ev: ChatbotSuccessEvents[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}
export interface ChatbotSuccessEvents extends ChatElementEvents {
  done: CustomEvent<DoneEvent>;
}

declare global {
  interface HTMLElementTagNameMap {
    'chatbot-chat': ChatbotChat;
    'chatbot-success': ChatbotSuccess;
  }
}
