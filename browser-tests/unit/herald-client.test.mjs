// Unit tests of the browser client's logic with a scripted WebSocket and a manual clock: node --test browser-tests/unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HeraldClient, ConnectionState, comparePositions, encodeResumeToken, backoffDelay, jwtExpiry,
} from '../../websocket-edge/src/main/resources/static/herald-client.js';

/** Timers that only fire when the test advances time. */
class ManualClock {
  constructor() {
    this.time = 0;
    this.timers = new Map();
    this.nextId = 1;
    this.setTimeout = (fn, ms) => {
      const id = this.nextId++;
      this.timers.set(id, { fn, at: this.time + ms });
      return id;
    };
    this.clearTimeout = (id) => this.timers.delete(id);
    this.now = () => this.time;
  }

  /** Runs every timer due within `ms`, in time order (timers they set included). */
  async advance(ms) {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      await flush();
    }
    this.time = end;
  }

  pendingDelays() {
    return [...this.timers.values()].map((t) => t.at - this.time);
  }
}

/** A WebSocket the test plays the server of. */
function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = null;
      sockets.push(this);
    }

    send(text) {
      if (this.readyState !== 1) throw new Error('not open');
      this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
      this.closedWith = { code, reason };
      this.readyState = 3;
    }

    // server side
    accept(node = 'edge-a') {
      this.readyState = 1;
      this.onopen?.({});
      this.frame({ op: 'welcome', node, session: `s${sockets.indexOf(this)}` });
    }

    frame(object) {
      this.onmessage?.({ data: JSON.stringify(object) });
    }

    drop(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }
  }
  return { FakeWebSocket, sockets };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(options = {}) {
  const clock = new ManualClock();
  const { FakeWebSocket, sockets } = fakeWebSocketClass();
  const states = [];
  const client = new HeraldClient({
    url: 'ws://edge.test/ws',
    WebSocket: FakeWebSocket,
    clock,
    random: () => 0.5,
    onStateChange: (state) => states.push(state),
    ...options,
  });
  return { client, clock, sockets, states, last: () => sockets[sockets.length - 1] };
}

function message(channel, id, n) {
  return { op: 'message', channel, id, n: { id: `e${n}`, channel, type: 't', data: { n } } };
}

function decodeToken(token) {
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
}

test('connects with a fresh token, subscribes once welcomed and reports the states', async () => {
  let calls = 0;
  const { client, sockets, states, last } = setup({ getToken: async () => `jwt-${++calls}` });
  client.subscribe('user:42', () => {});
  client.connect();
  await flush();
  assert.equal(sockets.length, 1);
  assert.equal(last().url, 'ws://edge.test/ws?access_token=jwt-1');
  assert.deepEqual(last().sent, [], 'nothing is sent before the welcome');
  last().accept();
  assert.deepEqual(last().sent, [{ op: 'subscribe', channel: 'user:42' }]);
  assert.deepEqual(states, ['connecting', 'open']);
  assert.equal(client.node, 'edge-a');
});

test('connects without a token when none is given', async () => {
  const { client, last } = setup();
  client.connect();
  await flush();
  assert.equal(last().url, 'ws://edge.test/ws');
});

test('hands each notification over once, in order, comparing IDs numerically', async () => {
  const { client, last } = setup();
  const got = [];
  client.subscribe('user:42', (notification, meta) => got.push([meta.id, notification.data.n, meta.replay]));
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'subscribed', channel: 'user:42', recovered: true, replayed: 0, position: '8-1' });
  last().frame(message('user:42', '9-1', 1));
  last().frame(message('user:42', '10-1', 2));
  last().frame(message('user:42', '9-1', 1)); // a duplicate
  last().frame({ ...message('user:42', '10-1', 2), replay: true }); // the same again, replayed
  last().frame({ ...message('user:42', '11-1', 3), replay: true });
  last().frame(message('user:99', '12-1', 4)); // not subscribed
  assert.deepEqual(got, [['9-1', 1, false], ['10-1', 2, false], ['11-1', 3, true]]);
  assert.equal(client.lastId('user:42'), '11-1');
  assert.deepEqual(client.stats, { delivered: 3, duplicates: 2, reconnects: 0 });
});

test('after a drop it reconnects with backoff and resumes every channel from its last ID', async () => {
  let calls = 0;
  const { client, clock, sockets, states, last } = setup({ getToken: () => `jwt-${++calls}` });
  const got = [];
  client.subscribe('user:42', (n, meta) => got.push([meta.id, meta.replay]));
  client.subscribe('topic:news', (n, meta) => got.push([meta.id, meta.replay]));
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'subscribed', channel: 'topic:news', recovered: true, replayed: 0, position: '3-1' });
  last().frame({ op: 'subscribed', channel: 'user:42', recovered: true, replayed: 0, position: '4-1' });
  last().frame(message('user:42', '5-1', 1));
  last().drop(1006);
  assert.equal(client.state, ConnectionState.RECONNECTING);
  // full jitter: random() = 0.5 of a 500 ms ceiling on the first attempt
  assert.deepEqual(clock.pendingDelays(), [250]);
  await clock.advance(249);
  assert.equal(sockets.length, 1);
  await clock.advance(1);
  assert.equal(sockets.length, 2);
  assert.equal(last().url, 'ws://edge.test/ws?access_token=jwt-2', 'a new token for each attempt');
  last().accept('edge-b');
  assert.equal(last().sent.length, 1);
  assert.equal(last().sent[0].op, 'resume');
  assert.deepEqual(decodeToken(last().sent[0].token), { 'user:42': '5-1', 'topic:news': '3-1' });
  last().frame(message('user:42', '5-1', 1)); // the new node replays what the client already has
  last().frame(message('user:42', '6-1', 2)); // missed while away: history, before the answer to the resume
  last().frame({ op: 'subscribed', channel: 'user:42', recovered: true, replayed: 1, position: '6-1' });
  last().frame(message('user:42', '7-1', 3));
  assert.deepEqual(got, [['5-1', false], ['6-1', true], ['7-1', false]]);
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
});

test('a fresh subscription remembers where it started, so a drop before any message resumes from there', async () => {
  const { client, clock, last } = setup();
  client.subscribe('user:42', () => {});
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'subscribed', channel: 'user:42', recovered: true, replayed: 0, position: '17-1' });
  last().drop(1006);
  await clock.advance(1_000);
  last().accept();
  assert.deepEqual(decodeToken(last().sent[0].token), { 'user:42': '17-1' });
});

test('backoff grows exponentially with full jitter up to the cap, and starts over after a stable connection', async () => {
  const { client, clock, last } = setup({ random: () => 0.999, initialDelayMs: 100, maxDelayMs: 1_000 });
  client.connect();
  await flush();
  const delays = [];
  for (let i = 0; i < 6; i++) {
    last().drop(1006);
    delays.push(clock.pendingDelays()[0]);
    await clock.advance(delays[i]);
  }
  assert.deepEqual(delays, [99, 199, 399, 799, 999, 999]);
  last().accept();
  await clock.advance(5_000);
  last().drop(1006);
  assert.deepEqual(clock.pendingDelays().filter((d) => d < 10_000), [99], 'starts over (the ping timer aside)');
  assert.equal(backoffDelay(3, { initialDelayMs: 100, maxDelayMs: 10_000 }, () => 0), 0, 'full jitter can be 0');
});

test('a draining node (1012) and a slow-consumer close (4008) both lead to a reconnect and a resume', async () => {
  const { client, clock, sockets, last } = setup({ random: () => 0.5 });
  client.subscribe('user:42', () => {});
  client.connect();
  await flush();
  last().accept();
  last().frame(message('user:42', '1-1', 1));
  last().drop(1012, 'node draining');
  assert.deepEqual(clock.pendingDelays(), [500], 'a short random pause spreads clients over other nodes');
  await clock.advance(500);
  last().accept('edge-b');
  last().frame(message('user:42', '2-1', 2));
  last().drop(4008, 'slow consumer');
  assert.equal(client.state, ConnectionState.RECONNECTING);
  await clock.advance(1_000);
  last().accept('edge-c');
  assert.equal(sockets.length, 3);
  assert.deepEqual(decodeToken(last().sent[0].token), { 'user:42': '2-1' });
});

test('4001 asks getToken again, and gives up after repeated refusals', async () => {
  let calls = 0;
  const errors = [];
  const { client, clock, sockets, last } = setup({ getToken: () => `jwt-${++calls}`, onError: (e) => errors.push(e.code) });
  client.connect();
  await flush();
  for (let i = 0; i < 3; i++) {
    last().drop(4001, 'unauthorized');
    await clock.advance(60_000);
  }
  assert.equal(client.state, ConnectionState.CLOSED);
  assert.equal(sockets.length, 3);
  assert.equal(calls, 3);
  assert.deepEqual(errors, [4001]);
});

test('4001 with a fixed token stops at once; 4003 stops too', async () => {
  const first = setup({ token: 'fixed' });
  first.client.connect();
  await flush();
  assert.equal(first.last().url, 'ws://edge.test/ws?access_token=fixed');
  first.last().drop(4001);
  assert.equal(first.client.state, ConnectionState.CLOSED);
  assert.deepEqual(first.clock.pendingDelays(), []);

  const second = setup({ getToken: () => 't' });
  second.client.connect();
  await flush();
  second.last().accept();
  second.last().drop(4003, 'forbidden');
  assert.equal(second.client.state, ConnectionState.CLOSED);
  assert.deepEqual(second.clock.pendingDelays(), []);
});

test('reset reaches the app and the subscription, and delivery goes on', async () => {
  const resets = [];
  const got = [];
  const { client, last } = setup({ onReset: (r) => resets.push(['client', r.channel, r.reason]) });
  client.subscribe('user:42', (n, meta) => got.push(meta.id), { onReset: (r) => resets.push(['sub', r.channel]) });
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'reset', channel: 'user:42', reason: 'history-gone' });
  last().frame(message('user:42', '40-1', 1));
  assert.deepEqual(resets, [['client', 'user:42', 'history-gone'], ['sub', 'user:42']]);
  assert.deepEqual(got, ['40-1']);
});

test('positions survive in storage: a new client (page reload) subscribes from them', async () => {
  const map = new Map();
  const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
  const first = setup({ storage });
  first.client.subscribe('user:42', () => {});
  first.client.connect();
  await flush();
  first.last().accept();
  first.last().frame(message('user:42', '7-1', 1));
  first.client.close();
  assert.equal(first.last().closedWith.code, 1000);

  const second = setup({ storage });
  second.client.connect();
  await flush();
  second.last().accept();
  second.client.subscribe('user:42', () => {});
  assert.deepEqual(second.last().sent, [{ op: 'subscribe', channel: 'user:42', since: '7-1' }]);
  second.client.unsubscribe('user:42');
  assert.deepEqual(second.last().sent[1], { op: 'unsubscribe', channel: 'user:42' });
  assert.equal(JSON.parse(map.get('herald.positions'))['user:42'], undefined, 'an unsubscribed channel is forgotten');
});

test('an unavailable node is asked again; a forbidden channel is dropped and reported', async () => {
  const { client, clock, last } = setup();
  const refused = [];
  client.subscribe('user:42', () => {});
  client.subscribe('topic:secret', () => {}, { onError: (e) => refused.push(e.code) });
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'error', code: 'unavailable', message: 'retry', channel: 'user:42' });
  last().frame({ op: 'error', code: 'forbidden', message: 'no', channel: 'topic:secret' });
  await clock.advance(500);
  assert.deepEqual(last().sent.slice(2), [{ op: 'subscribe', channel: 'user:42' }]);
  assert.deepEqual(refused, ['forbidden']);
  last().drop(1006);
  await clock.advance(1_000);
  last().accept();
  assert.deepEqual(last().sent, [{ op: 'subscribe', channel: 'user:42' }], 'the forbidden channel is not asked for again');
});

test('a rate-limited subscribe is asked again with backoff, not dropped', async () => {
  const { client, clock, last } = setup();
  const refused = [];
  client.subscribe('user:42', () => {}, { onError: (e) => refused.push(e.code) });
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'error', code: 'rate-limited', message: 'slow down', channel: 'user:42' });
  await clock.advance(500);
  assert.deepEqual(last().sent.slice(1), [{ op: 'subscribe', channel: 'user:42' }]);
  assert.deepEqual(refused, [], 'a rate limit is not a refusal of the channel');
});

test('a connection that goes silent after a ping is dropped and replaced', async () => {
  const { client, clock, sockets, last } = setup({ pingIntervalMs: 1_000, pongTimeoutMs: 500 });
  client.connect();
  await flush();
  last().accept();
  await clock.advance(1_000);
  assert.deepEqual(last().sent.at(-1), { op: 'ping' });
  last().frame({ op: 'pong' });
  await clock.advance(1_000);
  assert.equal(sockets.length, 1, 'a pong keeps it');
  await clock.advance(500);
  assert.equal(sockets[0].closedWith.code, 4000);
  assert.equal(client.state, ConnectionState.RECONNECTING);
  await clock.advance(1_000);
  assert.equal(sockets.length, 2);
});

test('close() stops reconnecting; a listener that throws does not break delivery', async () => {
  const { client, clock, sockets, last } = setup();
  const got = [];
  client.subscribe('user:42', () => { throw new Error('app bug'); });
  client.subscribe('user:42', (n, meta) => got.push(meta.id));
  client.connect();
  await flush();
  last().accept();
  const error = console.error;
  console.error = () => {};
  try {
    last().frame(message('user:42', '1-1', 1));
  } finally {
    console.error = error;
  }
  assert.deepEqual(got, ['1-1']);
  client.close();
  await clock.advance(60_000);
  assert.equal(sockets.length, 1);
  assert.equal(client.state, ConnectionState.CLOSED);
});

function jwt(expSeconds) {
  const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub: '42', exp: expSeconds })}.signature`;
}

test('with getToken, the token is replaced on the open connection a minute before it expires', async () => {
  const tokens = [jwt(600), jwt(1_200)];
  let calls = 0;
  const { client, clock, sockets, last } = setup({ getToken: () => tokens[Math.min(calls++, 1)], pingIntervalMs: 1e9 });
  client.connect();
  await flush();
  last().accept();
  await clock.advance(539_000);
  assert.equal(last().sent.filter((f) => f.op === 'refresh').length, 0);
  await clock.advance(1_000);
  assert.deepEqual(last().sent.at(-1), { op: 'refresh', token: tokens[1] });
  assert.equal(sockets.length, 1, 'no reconnect needed');
  assert.equal(jwtExpiry(tokens[1]), 1_200_000);
  assert.equal(jwtExpiry('not-a-jwt'), null);
});

test('positions compare as numbers; tokens are base64url without padding', () => {
  assert.ok(comparePositions('10-1', '9-1') > 0);
  assert.ok(comparePositions('9007199254740993-1', '9007199254740992-1') > 0);
  assert.equal(comparePositions('5-1', '5-1'), 0);
  assert.throws(() => comparePositions('x', '1-1'), TypeError);
  const token = encodeResumeToken({ 'user:42': '5-1' });
  assert.doesNotMatch(token, /[+/=]/);
  assert.deepEqual(decodeToken(token), { 'user:42': '5-1' });
});
