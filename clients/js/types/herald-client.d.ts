// Declarations of @herald/client (src/herald-client.js). Written by hand: the source is plain JavaScript so that the
// edge can serve it to browsers as it is.

/** Connection states, in the order a connection usually goes through them. */
export declare const ConnectionState: Readonly<{
  IDLE: 'idle';
  CONNECTING: 'connecting';
  OPEN: 'open';
  RECONNECTING: 'reconnecting';
  CLOSED: 'closed';
}>;
export type ConnectionStateValue = (typeof ConnectionState)[keyof typeof ConnectionState];

/** Close codes the edge uses (docs/protocol.md §6). */
export declare const CloseCode: Readonly<{
  NORMAL: 1000;
  BINARY_FRAME: 1003;
  TOO_MANY_BAD_FRAMES: 1008;
  TOO_BIG: 1009;
  DRAINING: 1012;
  UNAUTHORIZED: 4001;
  FORBIDDEN: 4003;
  SLOW_CONSUMER: 4008;
  LIMIT_EXCEEDED: 4009;
  TOO_MANY_CONNECTIONS: 4029;
}>;

/** A notification as the producer published it (the protocol's envelope). */
export interface Notification<D = Record<string, unknown>> {
  /** The producer's idempotency key: not a position. */
  id: string;
  channel: string;
  type: string;
  data: D;
  createdAt: number;
  expiresAt: number | null;
}

export interface MessageMeta {
  channel: string;
  /** The position (`<offset>-1`): what the client stores and resumes from. */
  id: string;
  /** True while a subscription replays history (before its `subscribed`), or for an operator's replay. */
  replay: boolean;
  /** True for an operator's replay only (`heraldctl replay`): the notification was sent again on purpose. */
  resent: boolean;
}

export interface ResetEvent {
  channel: string;
  reason: string;
}

export interface HeraldErrorEvent {
  /** A protocol error code (`forbidden`, `unavailable`, ...), a close code the client stopped on, or a client code
   * (`token-unavailable`, `connect`, `bad-frame`). */
  code: string | number;
  message: string;
  channel?: string;
}

export interface SubscribedFrame {
  op: 'subscribed';
  channel: string;
  recovered: boolean;
  replayed: number;
  position: string;
}

/** Where the client keeps each channel's last position. Calls are synchronous. */
export interface PositionStore {
  get(channel: string): string | null | undefined;
  put(channel: string, position: string): void;
  remove(channel: string): void;
}

/** The part of the Web Storage API the client uses (`localStorage` has it). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Hooks for the application's metrics; each is optional and is called synchronously. */
export interface HeraldMetrics {
  connected?(url: string, node: string): void;
  /** The server's close code, 1006 for a broken connection, 4000 for a silent one, 1000 for close(). */
  disconnected?(code: number): void;
  messageDelivered?(channel: string): void;
  duplicateDropped?(channel: string): void;
  reset?(channel: string): void;
  /** About to connect to `url`; `attempt` counts from 1 since the last welcome. */
  reconnectAttempt?(url: string, attempt: number): void;
}

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

export interface HeraldClientOptions {
  /** The edge's WebSocket URL; default `ws(s)://<page host>/ws` in a page. */
  url?: string;
  /** Several edges: each connection attempt goes to the next one. Wins over `url`. */
  urls?: string[];
  /** A fixed JWT, sent as `access_token`. */
  token?: string;
  /** Called before every connection attempt and before the token expires; wins over `token`. */
  getToken?: () => string | Promise<string>;
  /** Default: in memory. */
  positions?: PositionStore;
  /** Shorthand for `positions: new WebStoragePositionStore(storage, storageKey)`. */
  storage?: StorageLike;
  storageKey?: string;
  initialDelayMs?: number;
  maxDelayMs?: number;
  stableAfterMs?: number;
  drainDelayMs?: number;
  tooManyConnectionsDelayMs?: number;
  handshakeTimeoutMs?: number;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  /** 0: never refresh on the open connection. */
  refreshBeforeMs?: number;
  maxAuthFailures?: number;
  maxResumeFrameChars?: number;
  metrics?: HeraldMetrics;
  onStateChange?: (state: ConnectionStateValue) => void;
  onReset?: (event: ResetEvent) => void;
  onError?: (error: HeraldErrorEvent) => void;
  /** A WebSocket constructor; default the global one, else (Node 20) the `ws` package. */
  WebSocket?: unknown;
  clock?: Partial<Clock>;
  random?: () => number;
}

export interface SubscribeOptions {
  /** Start after this position (default: the stored one, else the channel's end). */
  since?: string;
  onReset?: (event: ResetEvent) => void;
  /** The server refused the channel (forbidden, invalid-channel). */
  onError?: (error: HeraldErrorEvent) => void;
}

export interface Subscription {
  channel: string;
  unsubscribe(): void;
}

export interface HeraldStats {
  delivered: number;
  duplicates: number;
  reconnects: number;
}

export interface HeraldEvents {
  state: ConnectionStateValue;
  open: { node: string; session: string };
  reset: ResetEvent;
  error: HeraldErrorEvent;
  subscribed: SubscribedFrame;
  message: { channel: string; id: string; notification: Notification };
  /** A notification dropped because the client already had it (by position); not passed to listeners. */
  duplicate: { channel: string; id: string; replay: boolean };
}

export declare class HeraldClient {
  constructor(options?: HeraldClientOptions);
  readonly state: ConnectionStateValue;
  readonly stats: HeraldStats;
  /** The node and session of the last welcome. */
  node: string | null;
  session: string | null;
  on<E extends keyof HeraldEvents>(event: E, listener: (payload: HeraldEvents[E]) => void): () => void;
  connect(): this;
  close(): void;
  subscribe<D = Record<string, unknown>>(
    channel: string,
    onMessage: (notification: Notification<D>, meta: MessageMeta) => void,
    options?: SubscribeOptions,
  ): Subscription;
  unsubscribe(channel: string): void;
  lastId(channel: string): string | null;
  resumeToken(): string;
}

export declare class MemoryPositionStore implements PositionStore {
  constructor();
  get(channel: string): string | null;
  put(channel: string, position: string): void;
  remove(channel: string): void;
}

export declare class WebStoragePositionStore implements PositionStore {
  constructor(storage: StorageLike, key?: string);
  get(channel: string): string | null;
  put(channel: string, position: string): void;
  remove(channel: string): void;
}

export declare function comparePositions(a: string, b: string): number;
export declare function encodeResumeToken(positions: Record<string, string>): string;
export declare function backoffDelay(
  attempt: number,
  options: { initialDelayMs: number; maxDelayMs: number },
  random?: () => number,
): number;
export declare function jwtExpiry(token: string | null | undefined): number | null;

export interface HeraldEventStreamOptions {
  /** The edge's SSE URL; default `<page origin>/sse`. */
  url?: string;
  /** The stream's channels, fixed for its life (protocol section 8). */
  channels: string[];
  token?: string;
  /** Called before every request; wins over `token`. The token goes in the `Authorization` header, never a URL. */
  getToken?: () => string | Promise<string>;
  /** Resume from this resume token. */
  lastEventId?: string;
  /** Pause before reconnecting after the stream ended; default 3000. */
  retryMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** Server-sent events read with `fetch`: the token in a header, reconnects with `Last-Event-ID`. */
export declare class HeraldEventStream {
  constructor(options: HeraldEventStreamOptions);
  readonly state: ConnectionStateValue;
  /** The last event id received: a resume token for every channel of the stream. */
  readonly lastEventId: string | null;
  /** Listens to `welcome`, `subscribed`, `message`, `reset`, `error`, `refused` and `state`; returns a remover. */
  on(event: string, listener: (payload: any) => void): () => void;
  connect(): this;
  close(): void;
}
