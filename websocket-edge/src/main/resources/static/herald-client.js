/**
 * Herald's JavaScript client: protocol v1 over WebSocket (docs/protocol.md), as an ES module with no build step.
 *
 *   import { HeraldClient } from 'http://<edge>/herald-client.js';
 *   const herald = new HeraldClient({ url: 'ws://<edge>/ws', getToken: async () => fetchMyJwt() });
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
  TOO_BIG: 1009,
  DRAINING: 1012,
  UNAUTHORIZED: 4001,
  FORBIDDEN: 4003,
  SLOW_CONSUMER: 4008,
  LIMIT_EXCEEDED: 4009,
});

/** The code this client closes a silent connection with (4000-4999 is the application range). */
const HEARTBEAT_TIMEOUT = 4000;

const DEFAULTS = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  // A draining node asks its clients to spread over other nodes: reconnect soon, each at a random moment.
  drainDelayMs: 1_000,
  // A connection that stayed open this long is healthy: the next drop starts the backoff from scratch.
  stableAfterMs: 5_000,
  pingIntervalMs: 20_000,
  pongTimeoutMs: 10_000,
  // Consecutive 4001 closes before giving up on getToken.
  maxAuthFailures: 3,
  // With getToken, a token is replaced on the open connection (op refresh) this long before it expires.
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

function isPosition(value) {
  return typeof value === 'string' && /^\d+-\d+$/.test(value);
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

export class HeraldClient {
  /**
   * @param {object} options
   * @param {string} [options.url] the edge's WebSocket URL; default `ws(s)://<page host>/ws`
   * @param {string} [options.token] a JWT, sent as `access_token`
   * @param {() => (string|Promise<string>)} [options.getToken] called before every connection attempt, so an
   *   expired token is replaced; wins over `token`
   * @param {Storage} [options.storage] e.g. `localStorage`: keeps each channel's last ID across page loads
   * @param {string} [options.storageKey] default `herald.positions`
   * @param {number} [options.initialDelayMs] first backoff ceiling, default 500
   * @param {number} [options.maxDelayMs] backoff cap, default 30000
   * @param {number} [options.pingIntervalMs] idle time before a ping, default 20000
   * @param {number} [options.pongTimeoutMs] silence after a ping that counts as a dead connection, default 10000
   * @param {(state: string) => void} [options.onStateChange]
   * @param {({channel, reason}) => void} [options.onReset]
   * @param {(error) => void} [options.onError]
   * @param {Function} [options.WebSocket] the WebSocket constructor (tests pass a fake); default the global one
   * @param {{setTimeout, clearTimeout, now}} [options.clock] timers (tests pass a fake); default the global ones
   * @param {() => number} [options.random] default Math.random
   */
  constructor(options = {}) {
    this._options = { ...DEFAULTS, ...stripUndefined(options) };
    this._url = options.url ?? defaultUrl();
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') {
      throw new TypeError('no WebSocket implementation: pass options.WebSocket');
    }
    const clock = options.clock ?? {};
    this._setTimeout = clock.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = clock.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    this._now = clock.now ?? (() => Date.now());
    this._random = options.random ?? Math.random;
    this._storage = options.storage ?? null;

    this._state = ConnectionState.IDLE;
    this._socket = null;
    this._attempt = 0;
    this._authFailures = 0;
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
    this._positions = this._loadPositions();
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
   * `error` ({code, message, channel?}), `subscribed` (the server's frame), `message` ({channel, id, notification}).
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
    if (socket) closeQuietly(socket, CloseCode.NORMAL, 'client closed');
    this._setState(ConnectionState.CLOSED);
  }

  /**
   * Subscribes to a channel. `onMessage(notification, meta)` receives the notification (the envelope:
   * id, channel, type, data, createdAt, expiresAt) and `meta` = {channel, id, replay}.
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

  /** The last ID handed to the app for a channel, or null. */
  lastId(channel) {
    return this._positions[channel] ?? null;
  }

  /** The resume token for every subscribed channel with a known position (e.g. for SSE's Last-Event-ID). */
  resumeToken() {
    return encodeResumeToken(this._knownPositions());
  }

  // ---- connection ----

  async _open(state) {
    this._setState(state);
    const generation = ++this._generation;
    let url;
    try {
      url = await this._connectionUrl();
    } catch (error) {
      if (generation !== this._generation) return;
      this._emit('error', { code: 'token', message: `getToken failed: ${error?.message ?? error}` });
      this._scheduleReconnect(this._nextBackoff());
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
    this._welcomed = false;
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

  async _connectionUrl() {
    const token = this._options.getToken ? await this._options.getToken() : this._options.token;
    this._token = token ?? null;
    if (!token) return this._url;
    const url = new URL(this._url, globalThis.location?.href);
    url.searchParams.set('access_token', token);
    return url.toString();
  }

  _onClose(code, reason) {
    this._cancelHeartbeat();
    this._cancelRefresh();
    this._cancelChannelRetries();
    if (this._welcomed && this._now() - this._openedAt >= this._options.stableAfterMs) this._attempt = 0;
    this._welcomed = false;

    if (code === CloseCode.FORBIDDEN || code === CloseCode.LIMIT_EXCEEDED) {
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
    }
    // Everything else (1006 network loss, 1012 draining, 4008 slow consumer, 1009, a silent connection)
    // costs a reconnect and a resume, never a notification.
    this._stats.reconnects++;
    const delay = code === CloseCode.DRAINING
      ? Math.floor(this._random() * this._options.drainDelayMs)
      : this._nextBackoff();
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
    if (!this._options.getToken || expiresAt === null) return;
    const delay = Math.max(1_000, expiresAt - this._options.refreshBeforeMs - this._now());
    const socket = this._socket;
    this._refreshTimer = this._setTimeout(async () => {
      this._refreshTimer = null;
      let token;
      try {
        token = await this._options.getToken();
      } catch (error) {
        this._emit('error', { code: 'token', message: `getToken failed: ${error?.message ?? error}` });
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

  /** Once welcomed: one `resume` for the channels with a position, a plain `subscribe` for the rest. */
  _resubscribeAll() {
    const positioned = {};
    for (const [channel, entry] of this._channels) {
      entry.catchingUp = true;
      const lastId = this._positions[channel];
      if (lastId) positioned[channel] = lastId;
      else this._send({ op: 'subscribe', channel });
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
        this._welcomed = true;
        this._authFailures = 0;
        this._openedAt = this._now();
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
      return;
    }
    this._setPosition(frame.channel, frame.id);
    this._stats.delivered++;
    const meta = { channel: frame.channel, id: frame.id, replay: frame.replay === true || entry.catchingUp };
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
    } else if (entry && frame.code !== 'already-subscribed' && frame.code !== 'not-subscribed') {
      // forbidden, invalid-channel, invalid-position: asking again cannot help.
      this._channels.delete(frame.channel);
      this._forgetPosition(frame.channel);
      for (const listener of [...entry.listeners]) {
        if (listener.onError) safely(() => listener.onError(event));
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
    this._savePositions();
  }

  _forgetPosition(channel) {
    delete this._positions[channel];
    this._savePositions();
  }

  _loadPositions() {
    if (!this._storage) return {};
    try {
      const stored = JSON.parse(this._storage.getItem(this._options.storageKey) ?? '{}');
      const positions = {};
      for (const [channel, id] of Object.entries(stored ?? {})) {
        if (isPosition(id)) positions[channel] = id;
      }
      return positions;
    } catch {
      return {}; // unreadable storage only costs the resume position, never the client
    }
  }

  _savePositions() {
    if (!this._storage) return;
    try {
      this._storage.setItem(this._options.storageKey, JSON.stringify(this._positions));
    } catch {
      // Quota or privacy mode: positions stay in memory for this page's life.
    }
  }

  // ---- events ----

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

function defaultUrl() {
  const location = globalThis.location;
  if (!location) throw new TypeError('options.url is required outside a browser page');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

function closeQuietly(socket, code, reason) {
  socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
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
