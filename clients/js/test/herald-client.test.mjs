// Unit tests of the client's logic with a scripted WebSocket and a manual clock: node --test clients/js/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HeraldClient, HeraldEventStream, ConnectionState, comparePositions, encodeResumeToken, backoffDelay, jwtExpiry,
} from '../src/herald-client.js';

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
    // the fake server answers when the test says so, however long the test's clock runs
    handshakeTimeoutMs: 1e9,
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

test('tells of every duplicate it drops, and whether an operator re-sent it, so a page can count them', async () => {
  const { client, last } = setup();
  const dropped = [];
  const resent = [];
  client.on('duplicate', (event) => dropped.push(event));
  client.subscribe('user:42', (notification, meta) => resent.push([meta.id, meta.resent]));
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'subscribed', channel: 'user:42', recovered: true, replayed: 0, position: '8-1' });
  last().frame(message('user:42', '9-1', 1));
  last().frame(message('user:42', '9-1', 1));
  last().frame({ ...message('user:42', '9-1', 1), replay: true });
  last().frame({ ...message('user:42', '10-1', 2), replay: true });
  assert.deepEqual(dropped, [
    { channel: 'user:42', id: '9-1', replay: false }, { channel: 'user:42', id: '9-1', replay: true }]);
  assert.deepEqual(resent, [['9-1', false], ['10-1', true]]);
  assert.equal(client.stats.duplicates, 2);
});

/** A fetch whose answers the test scripts: each call takes the next of `answers`. */
function scriptedFetch(answers) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, headers: init.headers });
    const answer = answers.shift();
    if (!answer) return new Promise(() => {}); // no more: hangs, as an open stream would
    const body = new ReadableStream({
      start(controller) {
        for (const chunk of answer.chunks ?? []) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    return { status: answer.status ?? 200, body, json: async () => answer.problem ?? {} };
  };
  return { fetch, calls };
}

test('HeraldEventStream sends the token in a header, never in the URL, parses events and resumes with Last-Event-ID', async () => {
  const { fetch, calls } = scriptedFetch([{
    chunks: ['event: welcome\ndata: {"op":"welcome","node":"edge-a"}\n\n: ping\n\nid: tok-1\nevent: sub',
      'scribed\ndata: {"op":"subscribed","channel":"user:42"}\n\nid: tok-2\nevent: message\r\ndata: {"op":"message",',
      '"channel":"user:42","id":"5-1","n":{"data":{"n":1}}}\r\n\r\n'],
  }]);
  const events = [];
  const stream = new HeraldEventStream({ url: 'http://edge.test/sse', channels: ['user:42', 'broadcast:all'], token: 'jwt-1', fetch, retryMs: 1 });
  for (const name of ['welcome', 'subscribed', 'message']) stream.on(name, (frame) => events.push(frame.op));
  stream.connect();
  await waitUntil(() => calls.length === 2);
  stream.close();
  assert.equal(calls[0].url, 'http://edge.test/sse?channel=user%3A42&channel=broadcast%3Aall');
  assert.equal(calls[0].headers.Authorization, 'Bearer jwt-1');
  assert.equal(calls[0].headers['Last-Event-ID'], undefined);
  assert.deepEqual(events, ['welcome', 'subscribed', 'message']);
  assert.equal(calls[1].headers['Last-Event-ID'], 'tok-2', 'the reconnect after the stream ended resumes');
  assert.ok(!calls.some((call) => call.url.includes('jwt-1')));
});

test('HeraldEventStream stops at a refusal and reports the problem', async () => {
  const { fetch, calls } = scriptedFetch([{ status: 401, problem: { code: 'expired' } }]);
  const refusals = [];
  const stream = new HeraldEventStream({ url: 'http://edge.test/sse', channels: ['user:42'], token: 'old', fetch, retryMs: 1 });
  stream.on('refused', (refusal) => refusals.push(refusal));
  stream.connect();
  await waitUntil(() => refusals.length === 1);
  assert.deepEqual(refusals, [{ status: 401, problem: { code: 'expired' } }]);
  assert.equal(stream.state, ConnectionState.CLOSED);
  assert.equal(calls.length, 1);
});

async function waitUntil(condition) {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), 'condition not met in time');
}

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

test('closes the client caused (1003, 1008, 4009) stop it; 4029 and codes it does not know lead to a reconnect', async () => {
  for (const code of [1003, 1008, 4009]) {
    const errors = [];
    const { client, clock, last } = setup({ onError: (e) => errors.push(e.code) });
    client.connect();
    await flush();
    last().accept();
    last().drop(code, 'the client is at fault');
    assert.equal(client.state, ConnectionState.CLOSED, `after ${code}`);
    assert.deepEqual(clock.pendingDelays(), [], `no reconnect after ${code}`);
    assert.deepEqual(errors, [code]);
  }

  const { client, clock, sockets, last } = setup({ random: () => 0.5 });
  client.subscribe('user:42', () => {});
  client.connect();
  await flush();
  last().accept();
  last().frame(message('user:42', '1-1', 1));
  last().drop(4029, 'too many connections');
  assert.deepEqual(clock.pendingDelays(), [5_000], 'not sooner than the 429 Retry-After');
  await clock.advance(5_000);
  last().accept();
  assert.deepEqual(decodeToken(last().sent[0].token), { 'user:42': '1-1' });
  for (const code of [1001, 1011, 4999]) {
    last().drop(code, 'whatever');
    assert.equal(client.state, ConnectionState.RECONNECTING, `after ${code}`);
    await clock.advance(60_000);
    last().accept();
  }
  assert.equal(sockets.length, 5);
});

test('invalid-position is a reset: the app reloads, the channel starts again without a position', async () => {
  const { client, last } = setup();
  const resets = [];
  const errors = [];
  client.subscribe('user:42', () => {}, { since: '5-1', onReset: (e) => resets.push(e.channel), onError: (e) => errors.push(e) });
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'error', code: 'invalid-position', message: 'since: no', channel: 'user:42' });
  assert.deepEqual(resets, ['user:42']);
  assert.deepEqual(errors, []);
  assert.deepEqual(last().sent.slice(1), [{ op: 'subscribe', channel: 'user:42' }]);
  assert.equal(client.lastId('user:42'), null);
});

test('a position the server would refuse is refused here, and dropped from storage', () => {
  for (const since of ['05-1', '5-2', '9223372036854775807-1', '1-0']) {
    assert.throws(() => setup().client.subscribe('user:42', () => {}, { since }), TypeError, since);
  }
  const storage = new Map([['herald.positions', JSON.stringify({ 'user:1': '5-2', 'user:2': '9-1' })]]);
  const { client } = setup({ storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v) } });
  assert.equal(client.lastId('user:1'), null);
  assert.equal(client.lastId('user:2'), '9-1');
});

test('many positioned channels are resumed in several frames, each under the server frame limit', async () => {
  const { client, last } = setup();
  const channels = Array.from({ length: 300 }, (_, i) => `topic:${'c'.repeat(100)}${i}`);
  for (const channel of channels) client.subscribe(channel, () => {}, { since: '1234567-1' });
  client.connect();
  await flush();
  last().accept();
  const resumes = last().sent.filter((f) => f.op === 'resume');
  assert.ok(resumes.length > 1);
  for (const frame of resumes) assert.ok(JSON.stringify(frame).length < 16_384, 'under 16 KiB');
  assert.deepEqual(resumes.flatMap((f) => Object.keys(decodeToken(f.token))), channels);
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

test('an edge that never welcomes is given up on after handshakeTimeoutMs, for the next URL', async () => {
  const attempts = [];
  const connected = [];
  const { client, clock, sockets, last } = setup({
    url: undefined,
    urls: ['ws://a.test/ws', 'ws://b.test/ws'],
    handshakeTimeoutMs: 2_000,
    metrics: { reconnectAttempt: (url, n) => attempts.push([url, n]), connected: (url) => connected.push(url) },
  });
  client.subscribe('user:42', () => {});
  client.connect();
  await flush();
  assert.equal(new URL(last().url).host, 'a.test');
  await clock.advance(2_000);
  assert.equal(sockets[0].closedWith.code, 1000, 'the silent connection is closed');
  await clock.advance(1_000);
  assert.equal(new URL(last().url).host, 'b.test');
  last().accept('edge-b');
  assert.deepEqual(attempts, [['ws://a.test/ws', 1], ['ws://b.test/ws', 2]]);
  assert.deepEqual(connected, ['ws://b.test/ws']);
  assert.deepEqual(last().sent, [{ op: 'subscribe', channel: 'user:42' }]);
});

test('a pluggable position store is read on subscribe and written per message; metrics hooks see each step', async () => {
  const store = new Map([['user:42', '5-1']]);
  const calls = [];
  const { client, last } = setup({
    positions: { get: (c) => store.get(c), put: (c, p) => store.set(c, p), remove: (c) => store.delete(c) },
    metrics: {
      messageDelivered: (c) => calls.push(['delivered', c]), duplicateDropped: (c) => calls.push(['duplicate', c]),
      reset: (c) => calls.push(['reset', c]), disconnected: (code) => calls.push(['disconnected', code]),
    },
  });
  client.subscribe('user:42', () => {});
  client.connect();
  await flush();
  last().accept();
  assert.deepEqual(decodeToken(last().sent[0].token), { 'user:42': '5-1' });
  last().frame(message('user:42', '5-1', 0));
  last().frame(message('user:42', '9-1', 1));
  last().frame({ op: 'reset', channel: 'user:42', reason: 'gone' });
  client.close();
  assert.equal(store.get('user:42'), '9-1');
  assert.deepEqual(calls, [['duplicate', 'user:42'], ['delivered', 'user:42'], ['reset', 'user:42'], ['disconnected', 1000]]);
});

test('after 4001, a getToken that fails stops the client instead of looping; invalid-token resubscribes one by one', async () => {
  let calls = 0;
  const errors = [];
  const { client, clock, sockets, last } = setup({
    getToken: () => {
      if (++calls > 1) throw new Error('the identity provider is gone');
      return 'jwt-1';
    },
    onError: (e) => errors.push(e.code),
  });
  client.subscribe('user:42', () => {}, { since: '3-1' });
  client.subscribe('user:43', () => {}, { since: '4-1' });
  client.connect();
  await flush();
  last().accept();
  last().frame({ op: 'error', code: 'invalid-token', message: 'unreadable' });
  assert.deepEqual(last().sent.slice(1), [
    { op: 'subscribe', channel: 'user:42', since: '3-1' }, { op: 'subscribe', channel: 'user:43', since: '4-1' }]);
  last().drop(4001, 'token expired');
  await clock.advance(60_000);
  await flush();
  assert.equal(client.state, ConnectionState.CLOSED);
  assert.equal(sockets.length, 1);
  assert.deepEqual(errors, ['invalid-token', 'token-unavailable']);
});
