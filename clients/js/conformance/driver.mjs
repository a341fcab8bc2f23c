// Drives one HeraldClient for the conformance suite (client-java's io.herald.client.conformance): commands arrive as
// JSON lines on stdin, what the application sees leaves as JSON lines on stdout. Not part of the npm package.
//
// Commands: start {urls, positions, initialDelayMs, maxDelayMs, handshakeTimeoutMs, refreshBeforeMs,
//   pingIntervalMs, pongTimeoutMs, blockOn},
//   subscribe {channel}, connect, close, token {id, token | error}, release, exit (then close stdin).
// Events: ready, message {channel, n, position}, reset {channel, reason}, channel-error {channel, code},
//   error {code, message, channel}, position {channel, position}, state {state}, connected {url},
//   disconnected {code}, attempt {url}, token-request {id}, blocked.
//
// stdin is read by a worker thread, so that a listener that blocks the event loop (a slow application) can still be
// released: the worker raises a shared flag that the blocked listener waits on.
import { Worker } from 'node:worker_threads';
import { writeSync } from 'node:fs';
import { HeraldClient, MemoryPositionStore } from '../src/herald-client.js';

const released = new Int32Array(new SharedArrayBuffer(4));
const reader = new Worker(new URL('./stdin-reader.mjs', import.meta.url), { workerData: { released } });

function emit(event) {
  writeSync(1, `${JSON.stringify(event)}\n`); // synchronous: written before a listener blocks
}

let client = null;
/** {channel, n}: the listener blocks on that notification until `release` */
let blockOn = null;
let nextTokenId = 1;
const pendingTokens = new Map();

function start(command) {
  const positions = new MemoryPositionStore();
  for (const [channel, position] of Object.entries(command.positions ?? {})) positions.put(channel, position);
  client = new HeraldClient({
    urls: command.urls,
    getToken: () => new Promise((resolve, reject) => {
      const id = nextTokenId++;
      pendingTokens.set(id, { resolve, reject });
      emit({ ev: 'token-request', id });
    }),
    positions,
    initialDelayMs: command.initialDelayMs,
    maxDelayMs: command.maxDelayMs,
    handshakeTimeoutMs: command.handshakeTimeoutMs,
    refreshBeforeMs: command.refreshBeforeMs,
    pingIntervalMs: command.pingIntervalMs,
    pongTimeoutMs: command.pongTimeoutMs,
    metrics: {
      connected: (url) => emit({ ev: 'connected', url }),
      disconnected: (code) => emit({ ev: 'disconnected', code }),
      reconnectAttempt: (url) => emit({ ev: 'attempt', url }),
    },
    onStateChange: (state) => emit({ ev: 'state', state }),
    onError: (error) => emit({ ev: 'error', code: String(error.code), message: error.message, channel: error.channel ?? null }),
  });
  client.on('subscribed', ({ channel }) => emit({ ev: 'position', channel, position: client.lastId(channel) }));
  blockOn = command.blockOn ?? null;
}

function subscribe(channel) {
  client.subscribe(channel, (notification, meta) => {
    emit({ ev: 'message', channel, n: notification.data.n, position: meta.id });
    emit({ ev: 'position', channel, position: meta.id });
    if (blockOn && blockOn.channel === channel && blockOn.n === notification.data.n) {
      emit({ ev: 'blocked' });
      Atomics.wait(released, 0, 0); // the application is stuck: nothing is read until the test releases it
    }
  }, {
    onReset: ({ reason }) => emit({ ev: 'reset', channel, reason }),
    onError: ({ code }) => emit({ ev: 'channel-error', channel, code: String(code) }),
  });
}

reader.on('message', (command) => {
  switch (command.cmd) {
    case 'start': start(command); emit({ ev: 'ready' }); break;
    case 'subscribe': subscribe(command.channel); break;
    case 'connect': client.connect(); break;
    case 'close': client.close(); break;
    case 'release': break; // the worker already raised the flag
    case 'token': {
      const pending = pendingTokens.get(command.id);
      pendingTokens.delete(command.id);
      if (command.error) pending?.reject(new Error(command.error));
      else pending?.resolve(command.token);
      break;
    }
    case 'exit': client?.close(); break; // the process ends when stdin closes (below)
    default: emit({ ev: 'error', code: 'driver', message: `unknown command ${command.cmd}` });
  }
});
// stdin closed (the test is done with this client, or the test JVM is gone): stop. Not on `exit` itself: the process
// cannot end while the reader thread waits on stdin.
reader.on('exit', () => {
  client?.close();
  process.exit(0);
});
