/**
 * Herald's JavaScript client: protocol v1 over WebSocket (docs/protocol.md), as an ES module with no build step.
 * The one source of the npm package `@herald/client` (clients/js; its CommonJS build is generated from this file)
 * and of the `/herald-client.js` every edge serves (the edge's build copies this file).
 *
 *   import { HeraldClient } from '@herald/client';        // or 'http://<edge>/herald-client.js' in a page
 *   const herald = new HeraldClient({ urls: ['ws://<edge>/ws'], getToken: async () => fetchMyJwt() });
 *   herald.subscribe('user:42', (notification, meta) => render(notification));
 *   herald.on('state', (state) => showConnection(state));
 *   herald.on('reset', ({ channel, reason }) => reloadStateOf(channel));
 *   herald.connect();
 *
 * What it guarantees to the application: each notification of a subscribed channel is handed over at most once
 * and in channel order. After a drop (network, node restart or drain, slow-consumer close) it reconnects with
 * exponential backoff and full jitter and resumes every channel from the last ID it handed over, so nothing is
 * missed either; when the server can no longer prove that (history past its retention) the app gets a `reset`.
 */

/** Connection states, in the order a connection usually goes through them. */
export const ConnectionState = Object.freeze({
  IDLE: 'idle',
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
});

/** Close codes the edge uses (docs/protocol.md). */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  BINARY_FRAME: 1003,
  TOO_MANY_BAD_FRAMES: 1008,
  TOO_BIG: 1009,
  DRAINING: 1012,
  UNAUTHORIZED: 4001,
  FORBIDDEN: 4003,
  SLOW_CONSUMER: 4008,
  LIMIT_EXCEEDED: 4009,
  TOO_MANY_CONNECTIONS: 4029,
});

/** Closes that a reconnect would only repeat (the client's own doing): the client stops and reports them. */
const FINAL_CLOSES = new Set([
  CloseCode.BINARY_FRAME, CloseCode.TOO_MANY_BAD_FRAMES, CloseCode.FORBIDDEN, CloseCode.LIMIT_EXCEEDED,
]);

/** The code this client closes a silent connection with (4000-4999 is the application range). */
const HEARTBEAT_TIMEOUT = 4000;

const DEFAULTS = Object.freeze({
  initialDelayMs: 500,
  // Covers the upgrade and the welcome: an edge that accepts TCP and then says nothing is given up on.
  handshakeTimeoutMs: 10_000,
  maxDelayMs: 30_000,
  // A draining node asks its clients to spread over other nodes: reconnect soon, each at a random moment.
  drainDelayMs: 1_000,
  // A connection that stayed open this long is healthy: the next drop starts the backoff from scratch.
  stableAfterMs: 5_000,
  pingIntervalMs: 20_000,
  pongTimeoutMs: 10_000,
  // After 4029 (the user's other connections fill the node's limit) no reconnect comes sooner: the server's
  // Retry-After for the same refusal at the handshake (429), which a browser cannot read.
  tooManyConnectionsDelayMs: 5_000,
  // A resume frame stays under the server's frame limit (16 KiB): more channels go in several frames.
  maxResumeFrameChars: 15_000,
  // Consecutive 4001 closes before giving up on getToken.
  maxAuthFailures: 3,
  // With getToken, a token is replaced on the open connection (op refresh) this long before it expires (at most
  // halfway through its life); 0 turns refreshing off (the edge then closes with 4001 and the client reconnects).
  refreshBeforeMs: 60_000,
  storageKey: 'herald.positions',
});

/**
 * Compares two positions `<offset>-<sequence>` numerically (BigInt: Kafka offsets may pass 2^53).
 * Returns a negative number, zero or a positive number.
 */
export function comparePositions(a, b) {
  const [aOffset, aSeq] = splitPosition(a);
  const [bOffset, bSeq] = splitPosition(b);
  if (aOffset !== bOffset) return aOffset < bOffset ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

function splitPosition(position) {
  const match = /^(\d+)-(\d+)$/.exec(String(position));
  if (!match) throw new TypeError(`not a Herald position: ${position}`);
  return [BigInt(match[1]), BigInt(match[2])];
}

/** The largest offset the server accepts in a position (2^63 - 2). */
const MAX_OFFSET = 9223372036854775806n;

/** Whether the server accepts this as a position: `0-0`, or `<offset>-1` without leading zeros, offset <= 2^63 - 2. */
function isPosition(value) {
  if (value === '0-0') return true;
  const match = typeof value === 'string' ? /^(0|[1-9]\d{0,18})-1$/.exec(value) : null;
  return match !== null && BigInt(match[1]) <= MAX_OFFSET;
}

/** base64url (no padding) of the JSON object {channel: lastId}: the protocol's resume token. */
export function encodeResumeToken(positions) {
  const json = JSON.stringify(positions);
  // Channel names and positions are ASCII by the grammar, so btoa's Latin-1 view of the string is exact.
  return btoa(json).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Full jitter (AWS architecture blog): a random delay between 0 and the capped exponential. */
export function backoffDelay(attempt, { initialDelayMs, maxDelayMs }, random = Math.random) {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Positions kept in memory only: the default store. */
export class MemoryPositionStore {
  constructor() {
    this._positions = new Map();
  }

  get(channel) {
    return this._positions.get(channel) ?? null;
  }

  put(channel, position) {
    this._positions.set(channel, position);
  }

  remove(channel) {
    this._positions.delete(channel);
  }
}

/**
 * Positions in a Web Storage (`localStorage`, `sessionStorage`, or anything with getItem/setItem), as one JSON object
 * under `key`: they survive page reloads.
 */
export class WebStoragePositionStore {
  constructor(storage, key = DEFAULTS.storageKey) {
    this._storage = storage;
    this._key = key;
  }

  get(channel) {
    return this._read()[channel] ?? null;
  }

  put(channel, position) {
    this._write({ ...this._read(), [channel]: position });
  }

  remove(channel) {
    const positions = this._read();
    if (!(channel in positions)) return;
    delete positions[channel];
    this._write(positions);
  }

  _read() {
    try {
      const stored = JSON.parse(this._storage.getItem(this._key) ?? '{}');
      return stored && typeof stored === 'object' ? stored : {};
    } catch {
      return {}; // unreadable storage only costs the resume position, never the client
    }
  }

  _write(positions) {
    try {
      this._storage.setItem(this._key, JSON.stringify(positions));
    } catch {
      // Quota or privacy mode: positions stay in the client's memory for this page's life.
    }
  }
}

export class HeraldClient {
  /**
   * @param {object} options
   * @param {string} [options.url] the edge's WebSocket URL; default `ws(s)://<page host>/ws`
   * @param {string[]} [options.urls] several edges: each connection attempt goes to the next one (wins over `url`)
   * @param {string} [options.token] a JWT, sent as `access_token`
   * @param {() => (string|Promise<string>)} [options.getToken] called before every connection attempt, so an
   *   expired token is replaced; wins over `token`
   * @param {{get, put, remove}} [options.positions] where each channel's last position is kept; default in memory
   * @param {Storage} [options.storage] e.g. `localStorage`: shorthand for a {@link WebStoragePositionStore}
   * @param {string} [options.storageKey] default `herald.positions`
   * @param {number} [options.handshakeTimeoutMs] an edge that has not welcomed the client by then is given up on
   *   for the next one, default 10000
   * @param {number} [options.refreshBeforeMs] refresh the token this long before it expires, default 60000; 0: never
   * @param {object} [options.metrics] hooks, each optional: connected(url, node), disconnected(code),
   *   messageDelivered(channel), duplicateDropped(channel), reset(channel), reconnectAttempt(url, attempt)
   * @param {number} [options.initialDelayMs] first backoff ceiling, default 500
   * @param {number} [options.maxDelayMs] backoff cap, default 30000
   * @param {number} [options.pingIntervalMs] idle time before a ping, default 20000
   * @param {number} [options.pongTimeoutMs] silence after a ping that counts as a dead connection, default 10000
   * @param {number} [options.drainDelayMs] after 1012, reconnect at a random moment within this, default 1000
   * @param {number} [options.tooManyConnectionsDelayMs] after 4029, no reconnect sooner than this, default 5000
   * @param {number} [options.maxResumeFrameChars] longest resume frame; more channels go in several, default 15000
   * @param {(state: string) => void} [options.onStateChange]
   * @param {({channel, reason}) => void} [options.onReset]
   * @param {(error) => void} [options.onError]
   * @param {Function} [options.WebSocket] the WebSocket constructor; default the global one, else (Node 20) the
   *   `ws` package, loaded on the first connect
   * @param {{setTimeout, clearTimeout, now}} [options.clock] timers (tests pass a fake); default the global ones
   * @param {() => number} [options.random] default Math.random
   */
  constructor(options = {}) {
    this._options = { ...DEFAULTS, ...stripUndefined(options) };
    this._urls = options.urls?.length ? [...options.urls] : [options.url ?? defaultUrl()];
    this._urlIndex = -1;
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket ?? null;
    if (this._WebSocket !== null && typeof this._WebSocket !== 'function') {
      throw new TypeError('options.WebSocket must be a WebSocket constructor');
    }
    this._metrics = options.metrics ?? {};
    const clock = options.clock ?? {};
    this._setTimeout = clock.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = clock.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    this._now = clock.now ?? (() => Date.now());
    this._random = options.random ?? Math.random;
    this._store = options.positions
      ?? (options.storage ? new WebStoragePositionStore(options.storage, this._options.storageKey) : new MemoryPositionStore());

    this._state = ConnectionState.IDLE;
    this._socket = null;
    this._attempt = 0;
    this._attemptsSinceWelcome = 0;
    this._authFailures = 0;
    this._replacingRefusedToken = false;
    this._lastResume = [];
    this._handshakeTimer = null;
    this._openedAt = 0;
    this._welcomed = false;
    this._reconnectTimer = null;
    this._pingTimer = null;
    this._pongTimer = null;
    this._refreshTimer = null;
    this._token = null;
    this._generation = 0;
    this._listeners = new Map();
    /** channel -> { listeners: Set<{onMessage, onReset, onError}>, retryTimer, retries, catchingUp } */
    this._channels = new Map();
    /** channel -> last position: a cache of the store for the subscribed channels */
    this._positions = {};
    this._stats = { delivered: 0, duplicates: 0, reconnects: 0 };
    this.node = null;
    this.session = null;

    if (options.onStateChange) this.on('state', options.onStateChange);
    if (options.onReset) this.on('reset', options.onReset);
    if (options.onError) this.on('error', options.onError);
  }

  /** One of {@link ConnectionState}. */
  get state() {
    return this._state;
  }

  /** Counters: notifications delivered to the app, duplicates dropped, reconnections made. */
  get stats() {
    return { ...this._stats };
  }

  /**
   * Listens to `state` (the new state), `open` ({node, session}), `reset` ({channel, reason}),
   * `error` ({code, message, channel?}), `subscribed` (the server's frame), `message` ({channel, id, notification}),
   * `duplicate` ({channel, id, replay}: a notification the client already handed over, dropped; `replay` when an
   * operator re-sent it, `heraldctl replay`).
   * Returns a function that removes the listener.
   */
  on(event, listener) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(listener);
    return () => this._listeners.get(event)?.delete(listener);
  }

  /** Opens the connection (and keeps it open until {@link close}). Safe to call again. */
  connect() {
    if (this._state === ConnectionState.CLOSED) {
      this._attempt = 0;
      this._authFailures = 0;
      this._replacingRefusedToken = false;
    }
    if (this._state === ConnectionState.IDLE || this._state === ConnectionState.CLOSED) {
      this._open(ConnectionState.CONNECTING);
    }
    return this;
  }

  /** Closes the connection for good; subscriptions and positions stay, so {@link connect} resumes them. */
  close() {
    this._cancelTimers();
    this._generation++;
    const socket = this._socket;
    this._socket = null;
    if (socket) {
      closeQuietly(socket, CloseCode.NORMAL, 'client closed');
      this._hook('disconnected', CloseCode.NORMAL);
    }
    this._setState(ConnectionState.CLOSED);
  }

  /**
   * Subscribes to a channel. `onMessage(notification, meta)` receives the notification (the envelope:
   * id, channel, type, data, createdAt, expiresAt) and `meta` = {channel, id, replay, resent}.
   *
   * @param {object} [options]
   * @param {string} [options.since] start after this position (default: the stored last ID, else "from now")
   * @param {({channel, reason}) => void} [options.onReset] history before this point is gone: reload the state
   * @param {(error) => void} [options.onError] the server refused the channel (forbidden, invalid)
   * @returns {{channel: string, unsubscribe: () => void}}
   */
  subscribe(channel, onMessage, options = {}) {
    if (typeof channel !== 'string' || channel.length === 0) throw new TypeError('channel must be a non-empty string');
    if (typeof onMessage !== 'function') throw new TypeError('onMessage must be a function');
    let entry = this._channels.get(channel);
    const isNew = !entry;
    if (isNew) {
      if (options.since !== undefined && !isPosition(options.since)) throw new TypeError(`since is not a position: ${options.since}`);
      // catchingUp: a subscribe is on its way; what arrives before its `subscribed` answer is history (a replay)
      entry = { listeners: new Set(), retryTimer: null, retries: 0, catchingUp: false };
      this._channels.set(channel, entry);
      if (options.since !== undefined) this._setPosition(channel, options.since);
      else this._loadPosition(channel);
    }
    const listener = { onMessage, onReset: options.onReset, onError: options.onError };
    entry.listeners.add(listener);
    if (isNew && this._state === ConnectionState.OPEN) {
      entry.catchingUp = true;
      this._send(this._subscribeFrame(channel));
    }
    return {
      channel,
      unsubscribe: () => this._removeListener(channel, listener),
    };
  }

  /** Drops every listener of a channel and tells the server; its stored position is forgotten. */
  unsubscribe(channel) {
    const entry = this._channels.get(channel);
    if (!entry) return;
    this._channels.delete(channel);
    if (entry.retryTimer) this._clearTimeout(entry.retryTimer);
    this._forgetPosition(channel);
    if (this._state === ConnectionState.OPEN) this._send({ op: 'unsubscribe', channel });
  }

  /** The last ID handed to the app for a channel (or where its subscription started), or null. */
  lastId(channel) {
    return this._positions[channel] ?? this._storedPosition(channel);
  }

  /** The resume token for every subscribed channel with a known position (e.g. for SSE's Last-Event-ID). */
  resumeToken() {
    return encodeResumeToken(this._knownPositions());
  }

  // ---- connection ----

  async _open(state) {
    this._setState(state);
    const generation = ++this._generation;
    this._urlIndex = (this._urlIndex + 1) % this._urls.length;
    const target = this._urls[this._urlIndex];
    this._hook('reconnectAttempt', target, ++this._attemptsSinceWelcome);
    let url;
    try {
      url = await this._connectionUrl(target);
    } catch (error) {
      if (generation !== this._generation) return;
      this._emit('error', { code: 'token-unavailable', message: `getToken failed: ${error?.message ?? error}` });
      if (this._replacingRefusedToken) {
        // the edge refused the last token and no new one can be had: reconnecting would only be refused again
        this._setState(ConnectionState.CLOSED);
      } else {
        this._scheduleReconnect(this._nextBackoff());
      }
      return;
    }
    try {
      this._WebSocket ??= await loadNodeWebSocket();
    } catch (error) {
      if (generation !== this._generation) return;
      this._emit('error', { code: 'connect', message: `no WebSocket implementation: ${error?.message ?? error}` });
      this._setState(ConnectionState.CLOSED);
      return;
    }
    if (generation !== this._generation) return; // closed or superseded while the token was fetched
    let socket;
    try {
      socket = new this._WebSocket(url);
    } catch (error) {
      this._emit('error', { code: 'connect', message: String(error?.message ?? error) });
      this._scheduleReconnect(this._nextBackoff());
      return;
    }
    this._socket = socket;
    this._socketUrl = target;
    this._welcomed = false;
    this._handshakeTimer = this._setTimeout(() => {
      this._handshakeTimer = null;
      if (this._socket !== socket || this._welcomed) return;
      this._socket = null;
      closeQuietly(socket, CloseCode.NORMAL, 'handshake timed out');
      this._onClose(1006, 'handshake timed out');
    }, this._options.handshakeTimeoutMs);
    socket.onopen = () => {
      if (this._socket === socket) this._armHeartbeat();
    };
    socket.onmessage = (event) => {
      if (this._socket !== socket) return;
      this._armHeartbeat();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        this._emit('error', { code: 'bad-frame', message: 'the server sent a frame that is not JSON' });
        return;
      }
      this._onFrame(frame);
    };
    socket.onerror = () => {
      // Always followed by onclose, which decides what to do.
    };
    socket.onclose = (event) => {
      if (this._socket !== socket) return;
      this._socket = null;
      this._onClose(event.code, event.reason);
    };
  }

  async _connectionUrl(target) {
    const token = this._options.getToken ? await this._options.getToken() : this._options.token;
    if (this._options.getToken && !token) throw new Error('getToken returned no token');
    this._token = token ?? null;
    if (!token) return target;
    const url = new URL(target, globalThis.location?.href);
    url.searchParams.set('access_token', token);
    return url.toString();
  }

  _onClose(code, reason) {
    this._cancelHeartbeat();
    this._cancelRefresh();
    this._cancelHandshake();
    this._cancelChannelRetries();
    if (this._welcomed && this._now() - this._openedAt >= this._options.stableAfterMs) this._attempt = 0;
    const wasWelcomed = this._welcomed;
    this._welcomed = false;
    if (wasWelcomed || code !== 1006) this._hook('disconnected', code);

    if (FINAL_CLOSES.has(code)) {
      this._emit('error', { code, message: reason || 'the server refused this client' });
      this._setState(ConnectionState.CLOSED);
      return;
    }
    if (code === CloseCode.UNAUTHORIZED) {
      this._authFailures++;
      if (!this._options.getToken || this._authFailures >= this._options.maxAuthFailures) {
        this._emit('error', { code, message: reason || 'unauthorized' });
        this._setState(ConnectionState.CLOSED);
        return;
      }
      // at once, with a new token from getToken; if it has none, the client stops instead of looping
      this._replacingRefusedToken = true;
      this._stats.reconnects++;
      this._scheduleReconnect(0);
      return;
    }
    // Everything else (1006 network loss, 1001, 1011, 1012 draining, 4000, 4008 slow consumer, 4029, 1009, a
    // silent connection, codes of later versions) costs a reconnect and a resume, never a notification.
    this._stats.reconnects++;
    let delay;
    if (code === CloseCode.DRAINING) delay = Math.floor(this._random() * this._options.drainDelayMs);
    else if (code === CloseCode.TOO_MANY_CONNECTIONS) delay = Math.max(this._options.tooManyConnectionsDelayMs, this._nextBackoff());
    else delay = this._nextBackoff();
    this._scheduleReconnect(delay);
  }

  _nextBackoff() {
    return backoffDelay(this._attempt++, this._options, this._random);
  }

  _scheduleReconnect(delay) {
    this._setState(ConnectionState.RECONNECTING);
    if (this._reconnectTimer) this._clearTimeout(this._reconnectTimer);
    this._reconnectTimer = this._setTimeout(() => {
      this._reconnectTimer = null;
      this._open(ConnectionState.RECONNECTING);
    }, delay);
  }

  /** Drops a connection that went silent (no frame since a ping) and reconnects. */
  _armHeartbeat() {
    this._cancelHeartbeat();
    this._pingTimer = this._setTimeout(() => {
      this._pingTimer = null;
      this._send({ op: 'ping' });
      this._pongTimer = this._setTimeout(() => {
        this._pongTimer = null;
        const socket = this._socket;
        if (!socket) return;
        this._socket = null;
        closeQuietly(socket, HEARTBEAT_TIMEOUT, 'heartbeat timeout');
        this._onClose(HEARTBEAT_TIMEOUT, 'heartbeat timeout');
      }, this._options.pongTimeoutMs);
    }, this._options.pingIntervalMs);
  }

  _cancelHandshake() {
    if (this._handshakeTimer) this._clearTimeout(this._handshakeTimer);
    this._handshakeTimer = null;
  }

  _cancelHeartbeat() {
    if (this._pingTimer) this._clearTimeout(this._pingTimer);
    if (this._pongTimer) this._clearTimeout(this._pongTimer);
    this._pingTimer = null;
    this._pongTimer = null;
  }

  /**
   * Replaces the token before it expires, on the open connection: the edge would otherwise close it with 4001
   * at expiry (costing a reconnect, though no notification). Only with getToken, and only for a JWT with exp.
   */
  _scheduleRefresh() {
    this._cancelRefresh();
    const expiresAt = jwtExpiry(this._token);
    if (!this._options.getToken || expiresAt === null || this._options.refreshBeforeMs <= 0) return;
    const lifetime = expiresAt - this._now();
    if (lifetime <= 0) return;
    const lead = Math.min(this._options.refreshBeforeMs, lifetime / 2);
    const delay = Math.max(500, Math.floor(lifetime - lead));
    const socket = this._socket;
    this._refreshTimer = this._setTimeout(async () => {
      this._refreshTimer = null;
      let token;
      try {
        token = await this._options.getToken();
      } catch (error) {
        this._emit('error', { code: 'token-unavailable', message: `getToken failed: ${error?.message ?? error}` });
        return; // the edge closes with 4001 at expiry; the reconnect asks getToken again
      }
      if (this._socket !== socket || !token) return;
      this._token = token;
      this._send({ op: 'refresh', token });
      this._scheduleRefresh();
    }, delay);
  }

  _cancelRefresh() {
    if (this._refreshTimer) this._clearTimeout(this._refreshTimer);
    this._refreshTimer = null;
  }

  _cancelTimers() {
    this._cancelHeartbeat();
    this._cancelHandshake();
    this._cancelRefresh();
    if (this._reconnectTimer) this._clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    this._cancelChannelRetries();
  }

  _cancelChannelRetries() {
    for (const entry of this._channels.values()) {
      if (entry.retryTimer) this._clearTimeout(entry.retryTimer);
      entry.retryTimer = null;
    }
  }

  /**
   * Once welcomed: `resume` frames for the channels with a position (as few as fit under the server's frame
   * limit), a plain `subscribe` for the rest.
   */
  _resubscribeAll() {
    let positioned = {};
    this._lastResume = [];
    for (const [channel, entry] of this._channels) {
      entry.catchingUp = true;
      const lastId = this._positions[channel];
      if (!lastId) {
        this._send({ op: 'subscribe', channel });
        continue;
      }
      this._lastResume.push(channel);
      const grown = { ...positioned, [channel]: lastId };
      if (Object.keys(positioned).length > 0 && resumeFrameChars(grown) > this._options.maxResumeFrameChars) {
        this._send({ op: 'resume', token: encodeResumeToken(positioned) });
        positioned = { [channel]: lastId };
      } else {
        positioned = grown;
      }
    }
    if (Object.keys(positioned).length > 0) {
      this._send({ op: 'resume', token: encodeResumeToken(positioned) });
    }
  }

  _subscribeFrame(channel) {
    const lastId = this._positions[channel];
    return lastId ? { op: 'subscribe', channel, since: lastId } : { op: 'subscribe', channel };
  }

  _send(frame) {
    const socket = this._socket;
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(frame));
  }

  // ---- frames ----

  _onFrame(frame) {
    switch (frame.op) {
      case 'welcome':
        this.node = frame.node;
        this.session = frame.session;
        this._cancelHandshake();
        this._welcomed = true;
        this._authFailures = 0;
        this._replacingRefusedToken = false;
        this._attemptsSinceWelcome = 0;
        this._openedAt = this._now();
        this._hook('connected', this._socketUrl, frame.node);
        this._resubscribeAll();
        this._scheduleRefresh();
        this._setState(ConnectionState.OPEN);
        this._emit('open', { node: frame.node, session: frame.session });
        break;
      case 'message':
        this._onMessage(frame);
        break;
      case 'subscribed':
        this._onSubscribed(frame);
        break;
      case 'reset':
        this._onReset(frame);
        break;
      case 'error':
        this._onServerError(frame);
        break;
      default:
        break; // pong, unsubscribed, and ops of later protocol versions
    }
  }

  _onMessage(frame) {
    const entry = this._channels.get(frame.channel);
    if (!entry || !isPosition(frame.id)) return;
    const lastId = this._positions[frame.channel];
    if (lastId && comparePositions(frame.id, lastId) <= 0) {
      this._stats.duplicates++;
      this._hook('duplicateDropped', frame.channel);
      // not for the app's handlers (it already has this one), but counters and an operator's replay are worth showing
      this._emit('duplicate', { channel: frame.channel, id: frame.id, replay: frame.replay === true });
      return;
    }
    this._setPosition(frame.channel, frame.id);
    this._stats.delivered++;
    this._hook('messageDelivered', frame.channel);
    // replay: history (a catch-up after a reconnect, or an operator's replay); resent: an operator's replay only
    const meta = {
      channel: frame.channel, id: frame.id, replay: frame.replay === true || entry.catchingUp, resent: frame.replay === true,
    };
    this._emit('message', { channel: frame.channel, id: frame.id, notification: frame.n });
    for (const listener of [...entry.listeners]) {
      safely(() => listener.onMessage(frame.n, meta));
    }
  }

  _onSubscribed(frame) {
    const entry = this._channels.get(frame.channel);
    if (!entry) return;
    entry.retries = 0;
    entry.catchingUp = false;
    // A fresh subscription starts at the channel's end: remember it, so a drop before the first message resumes there.
    const lastId = this._positions[frame.channel];
    if (isPosition(frame.position) && (!lastId || comparePositions(frame.position, lastId) > 0)) {
      this._setPosition(frame.channel, frame.position);
    }
    this._emit('subscribed', frame);
  }

  _onReset(frame) {
    const entry = this._channels.get(frame.channel);
    if (!entry) return;
    const event = { channel: frame.channel, reason: frame.reason };
    this._hook('reset', frame.channel);
    this._emit('reset', event);
    for (const listener of [...entry.listeners]) {
      if (listener.onReset) safely(() => listener.onReset(event));
    }
  }

  _onServerError(frame) {
    const event = { code: frame.code, message: frame.message, channel: frame.channel };
    const entry = frame.channel ? this._channels.get(frame.channel) : undefined;
    if (entry && (frame.code === 'unavailable' || frame.code === 'rate-limited')) {
      // The node could not reach Redis in time, or this session subscribed too fast: ask again later, on this
      // connection, with backoff.
      if (entry.retryTimer) this._clearTimeout(entry.retryTimer);
      entry.retryTimer = this._setTimeout(() => {
        entry.retryTimer = null;
        if (this._channels.get(frame.channel) === entry && this._state === ConnectionState.OPEN) {
          entry.catchingUp = true;
          this._send(this._subscribeFrame(frame.channel));
        }
      }, backoffDelay(entry.retries++, this._options, this._random));
    } else if (entry && frame.code === 'invalid-position') {
      // The stored position is unusable (corrupt storage): what came after it cannot be known, exactly as after a
      // reset. The app reloads the channel's state; the channel starts again at its current end.
      this._forgetPosition(frame.channel);
      this._onReset({ channel: frame.channel, reason: `invalid-position: ${frame.message}` });
      entry.catchingUp = true;
      this._send(this._subscribeFrame(frame.channel));
    } else if (entry && frame.code !== 'already-subscribed' && frame.code !== 'not-subscribed') {
      // forbidden, invalid-channel: asking again cannot help. A forbidden channel's stored position is kept, so a
      // later subscribe with a token that allows it resumes.
      this._channels.delete(frame.channel);
      if (entry.retryTimer) this._clearTimeout(entry.retryTimer);
      if (frame.code !== 'forbidden') this._forgetPosition(frame.channel);
      delete this._positions[frame.channel];
      for (const listener of [...entry.listeners]) {
        if (listener.onError) safely(() => listener.onError(event));
      }
    } else if (!frame.channel && frame.code === 'invalid-token') {
      // the edge could not read our resume token: ask for the same channels one by one
      for (const channel of this._lastResume) {
        const each = this._channels.get(channel);
        if (!each) continue;
        each.catchingUp = true;
        this._send(this._subscribeFrame(channel));
      }
    }
    this._emit('error', event);
  }

  _removeListener(channel, listener) {
    const entry = this._channels.get(channel);
    if (!entry || !entry.listeners.delete(listener)) return;
    if (entry.listeners.size === 0) this.unsubscribe(channel);
  }

  // ---- positions ----

  _knownPositions() {
    const known = {};
    for (const channel of this._channels.keys()) {
      if (this._positions[channel]) known[channel] = this._positions[channel];
    }
    return known;
  }

  _setPosition(channel, id) {
    this._positions[channel] = id;
    safely(() => this._store.put(channel, id));
  }

  _forgetPosition(channel) {
    delete this._positions[channel];
    safely(() => this._store.remove(channel));
  }

  /** A stored position the server would accept, else null (a corrupt one is ignored, never sent). */
  _storedPosition(channel) {
    let stored = null;
    safely(() => {
      stored = this._store.get(channel);
    });
    return isPosition(stored) ? stored : null;
  }

  _loadPosition(channel) {
    const stored = this._storedPosition(channel);
    if (stored) this._positions[channel] = stored;
  }

  // ---- events ----

  _setState(state) {
    if (this._state === state) return;
    this._state = state;
    this._emit('state', state);
  }

  /** Calls the application's metrics hook `name`, if it has one. */
  _hook(name, ...args) {
    const hook = this._metrics[name];
    if (typeof hook === 'function') safely(() => hook.apply(this._metrics, args));
  }

  _emit(event, payload) {
    for (const listener of [...(this._listeners.get(event) ?? [])]) {
      safely(() => listener(payload));
    }
  }
}

/** A JWT's exp in epoch milliseconds, or null when the token is not a JWT with an exp claim. */
export function jwtExpiry(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** The length of the resume frame for these positions (the token's base64 is 4/3 of its JSON). */
function resumeFrameChars(positions) {
  return Math.ceil((JSON.stringify(positions).length * 4) / 3) + 30;
}

function defaultUrl() {
  const location = globalThis.location;
  if (!location) throw new TypeError('options.url is required outside a browser page');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * Node 20 has no global WebSocket: the `ws` package (an optional peer dependency) is loaded then. The specifier is a
 * variable so that bundlers for browsers do not try to include it.
 */
async function loadNodeWebSocket() {
  const name = 'ws';
  const module = await import(name);
  return module.WebSocket ?? module.default;
}

function closeQuietly(socket, code, reason) {
  socket.onopen = socket.onmessage = socket.onclose = null;
  // `ws` throws an 'error' event that has no listener; browsers ignore this one
  socket.onerror = () => {};
  try {
    socket.close(code, reason);
  } catch {
    // already closing
  }
}

/** An app callback that throws must not break the client's bookkeeping. */
function safely(fn) {
  try {
    fn();
  } catch (error) {
    globalThis.console?.error?.('herald-client: a listener threw', error);
  }
}

function stripUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/**
 * Server-Sent Events (docs/protocol.md §8) for a browser, with the token in the `Authorization` header instead of
 * the URL. A browser's own `EventSource` can only put it in the URL (`access_token`), and a URL ends up where
 * a token must not: proxy access logs, and the browser's console, which prints the whole URL of a request the
 * edge refused (another origin, an expired token). This reads the stream with `fetch`, which can send headers,
 * and reconnects the way `EventSource` does: after the stream ends, with the last event id (`Last-Event-ID`), so
 * every channel resumes with no gap; not after a refusal (a non-200 answer), which it reports instead.
 *
 *   const stream = new HeraldEventStream({ url: 'https://edge/sse', channels: ['user:42'], getToken });
 *   stream.on('message', (frame) => show(frame.n));
 *   stream.on('refused', ({ status, problem }) => console.warn(problem.code));
 *   stream.connect();
 */
export class HeraldEventStream {
  /**
   * @param {object} options
   * @param {string} [options.url] the edge's SSE URL; default `<page origin>/sse`
   * @param {string[]} options.channels the stream's channels (fixed for its life, protocol §8)
   * @param {string} [options.token] a JWT
   * @param {() => (string|Promise<string>)} [options.getToken] called before every request; wins over `token`
   * @param {string} [options.lastEventId] resume from this resume token
   * @param {number} [options.retryMs] pause before reconnecting after the stream ended, default 3000
   * @param {Function} [options.fetch] default the global fetch
   */
  constructor(options = {}) {
    if (!Array.isArray(options.channels) || options.channels.length === 0) {
      throw new TypeError('channels must be a non-empty array');
    }
    this._options = { retryMs: 3_000, ...stripUndefined(options) };
    this._fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this._lastEventId = options.lastEventId ?? null;
    this._listeners = new Map();
    this._abort = null;
    this._retryTimer = null;
    this._state = ConnectionState.IDLE;
  }

  /** One of {@link ConnectionState}. */
  get state() {
    return this._state;
  }

  /** The last event id received: a resume token for every channel of the stream. */
  get lastEventId() {
    return this._lastEventId;
  }

  /**
   * Listens to the stream's events by name (`welcome`, `subscribed`, `message`, `reset`, `error`: the frame, parsed),
   * `state` (the new state) and `refused` ({status, problem}: the edge answered the request with a problem
   * document; the stream is closed). Returns a function that removes the listener.
   */
  on(event, listener) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(listener);
    return () => this._listeners.get(event)?.delete(listener);
  }

  connect() {
    if (this._state === ConnectionState.IDLE || this._state === ConnectionState.CLOSED) this._run(ConnectionState.CONNECTING);
    return this;
  }

  close() {
    if (this._retryTimer) clearTimeout(this._retryTimer);
    this._retryTimer = null;
    this._abort?.abort();
    this._abort = null;
    this._setState(ConnectionState.CLOSED);
  }

  async _run(state) {
    this._setState(state);
    const abort = new AbortController();
    this._abort = abort;
    try {
      const token = this._options.getToken ? await this._options.getToken() : this._options.token;
      const url = new URL(this._options.url ?? '/sse', globalThis.location?.href);
      for (const channel of this._options.channels) url.searchParams.append('channel', channel);
      const headers = { Accept: 'text/event-stream' };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (this._lastEventId) headers['Last-Event-ID'] = this._lastEventId;
      const response = await this._fetch(url.toString(), { headers, cache: 'no-store', signal: abort.signal });
      if (response.status !== 200) {
        const problem = await response.json().catch(() => ({}));
        this._emit('refused', { status: response.status, problem });
        this.close();
        return;
      }
      this._setState(ConnectionState.OPEN);
      await this._read(response.body);
    } catch (error) {
      if (abort.signal.aborted) return; // closed by the app
      this._emit('error', { code: 'connect', message: String(error?.message ?? error) });
    }
    if (this._abort !== abort) return;
    // the stream ended (node restart, drain, slow consumer) or could not be reached: like EventSource, try again
    this._setState(ConnectionState.RECONNECTING);
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      this._run(ConnectionState.RECONNECTING);
    }, this._options.retryMs);
  }

  async _read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { name: 'message', data: [], id: null };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (event.id !== null) this._lastEventId = event.id;
          if (event.data.length > 0) this._dispatch(event.name, event.data.join('\n'));
          event = { name: 'message', data: [], id: null };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
          if (field === 'event') event.name = text;
          else if (field === 'data') event.data.push(text);
          else if (field === 'id') event.id = text;
        }
      }
    }
  }

  _dispatch(name, data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      this._emit('error', { code: 'bad-frame', message: 'the server sent an event that is not JSON' });
      return;
    }
    this._emit(name, frame);
  }

  _setState(state) {
    if (this._state === state) return;
    this._state = state;
    this._emit('state', state);
  }

  _emit(event, payload) {
    for (const listener of [...(this._listeners.get(event) ?? [])]) {
      safely(() => listener(payload));
    }
  }
}
