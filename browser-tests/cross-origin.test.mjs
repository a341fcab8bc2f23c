// A front end on another origin, in real headless Chromium, against a running Herald:
//
//   node browser-tests/cross-origin.test.mjs <edgeUrl> <ingestUrl>
//
// The edge must allow the origin pattern http://localhost:[*] (herald.edge.allowed-origins; DemoPageBrowserIT starts
// it so) and no other. This script serves a small front end on a free loopback port, which the browser opens at two
// origins, each loading the JS client from it (real pages on loopback: Chromium lets no page of another address
// space reach the loopback edge):
//   - at http://localhost:<port> (allowed) it reads /sse with HeraldEventStream (the token in the Authorization
//     header, so a CORS preflight) and must receive a notification posted to ingest;
//   - at http://127.0.0.1:<port> (refused by the edge) a browser's own EventSource, whose only place for the token
//     is the URL, leaves the whole token in the console (the control: it shows this test sees the console), and
//     HeraldEventStream must leave none of it there.
// Exit code 0 when everything held, 1 otherwise.
import { chromium } from 'playwright-core';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [edgeUrl, ingestUrl] = process.argv.slice(2);
if (!edgeUrl || !ingestUrl) {
  console.error('usage: node cross-origin.test.mjs <edgeUrl> <ingestUrl>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CLIENT = join(dirname(fileURLToPath(import.meta.url)), '..', 'clients', 'js', 'src', 'herald-client.js');
const WAIT_MS = 60_000;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function step(text) {
  console.log(`[cross-origin-test] ${text}`);
}

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

const PAGE = '<!doctype html><html><head><script type="module">'
  + 'import * as herald from "./herald-client.js"; window.herald = herald; window.ready = true;'
  + '</script></head><body>front end</body></html>';

/** Serves the front end (the page and the JS client) on a free loopback port; resolves to the port. */
async function serveFrontEnd() {
  const client = await readFile(CLIENT, 'utf8');
  const server = createServer((request, response) => {
    const script = request.url === '/herald-client.js';
    response.writeHead(200, { 'Content-Type': script ? 'text/javascript' : 'text/html' });
    response.end(script ? client : PAGE);
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  return server;
}

/** The front end opened at `origin`, its console lines into `consoleLines`. */
async function frontEnd(context, origin, consoleLines) {
  const page = await context.newPage();
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()} ${message.location()?.url ?? ''}`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: WAIT_MS });
  return page;
}

async function devToken(user) {
  const response = await fetch(`${edgeUrl}/dev/token?user=${user}`);
  if (!response.ok) throw new Error(`/dev/token answered ${response.status}`);
  return (await response.json()).token;
}

async function waitFor(what, condition) {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const userDataDir = await mkdtemp(join(tmpdir(), 'herald-chromium-'));
const server = await serveFrontEnd();
const allowedOrigin = `http://localhost:${server.address().port}`;
const refusedOrigin = `http://127.0.0.1:${server.address().port}`;
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
  const user = `xo-${Date.now().toString(36)}`;
  const channel = `user:${user}`;
  const token = await devToken(user);

  // 1. allowed origin: the stream works, token in a header
  const allowedConsole = [];
  const allowed = await frontEnd(context, allowedOrigin, allowedConsole);
  await allowed.evaluate(({ edge, channel: c, token: t }) => {
    window.frames_ = [];
    const stream = new window.herald.HeraldEventStream({ url: `${edge}/sse`, channels: [c], token: t });
    for (const name of ['welcome', 'subscribed', 'message', 'error']) stream.on(name, (frame) => window.frames_.push(frame));
    stream.on('refused', (refusal) => window.frames_.push({ op: 'refused', ...refusal }));
    window.stream = stream.connect();
  }, { edge: edgeUrl, channel, token });
  await allowed.waitForFunction(() => window.frames_.some((f) => f.op === 'subscribed'), null, { timeout: WAIT_MS })
    .catch(async () => { throw new Error(`no subscribed from ${allowedOrigin}: ${JSON.stringify(await allowed.evaluate(() => window.frames_))} ${allowedConsole}`); });
  const posted = await fetch(`${ingestUrl}/v1/notifications`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel, type: 'test.cross-origin', data: { text: 'from another origin' } }),
  });
  assert(posted.status === 202, `ingest answered ${posted.status}`);
  await allowed.waitForFunction(() => window.frames_.some((f) => f.op === 'message' && f.n.data.text === 'from another origin'),
    null, { timeout: WAIT_MS });
  assert(await allowed.evaluate(() => window.stream.lastEventId !== null), 'the stream keeps a resume token');
  await allowed.evaluate(() => window.stream.close());
  step(`${allowedOrigin}: HeraldEventStream subscribed and received a notification`);

  // 2. refused origin: the browser's EventSource leaks the token into the console, HeraldEventStream does not
  const controlConsole = [];
  const control = await frontEnd(context, refusedOrigin, controlConsole);
  await control.evaluate(({ edge, channel: c, token: t }) => new Promise((resolve) => {
    const source = new EventSource(`${edge}/sse?channel=${encodeURIComponent(c)}&access_token=${t}`);
    source.onerror = () => { source.close(); resolve(); };
  }), { edge: edgeUrl, channel, token });
  await waitFor('the refused EventSource in the console', () => controlConsole.some((line) => line.includes('/sse?')));
  step(`control, EventSource from ${refusedOrigin}: ${JSON.stringify(controlConsole)}`);
  assert(controlConsole.some((line) => line.includes(token)), 'the control sees the token of a refused EventSource in the console');

  const refusedConsole = [];
  const refused = await frontEnd(context, refusedOrigin, refusedConsole);
  await refused.evaluate(({ edge, channel: c, token: t }) => new Promise((resolve) => {
    const stream = new window.herald.HeraldEventStream({ url: `${edge}/sse`, channels: [c], token: t });
    stream.on('error', () => { stream.close(); resolve(); });
    stream.on('refused', () => resolve());
    stream.connect();
  }), { edge: edgeUrl, channel, token });
  await waitFor('the refused stream in the console', () => refusedConsole.some((line) => line.includes('/sse?')));
  step(`HeraldEventStream from ${refusedOrigin}: ${JSON.stringify(refusedConsole)}`);
  assert(!refusedConsole.some((line) => line.includes(token) || line.includes(token.split('.')[2])),
    'no part of the token in the console');
  step('PASSED: another origin reads /sse when allowed; refused, the console holds no token');
} catch (error) {
  failed = true;
  console.error(`[cross-origin-test] FAILED: ${error.stack ?? error}`);
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  server.close();
}
process.exit(failed ? 1 : 0);
