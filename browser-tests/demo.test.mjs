// The demo page in real headless Chromium, against a running Herald:
//
//   node browser-tests/demo.test.mjs <edgeUrl> <ingestUrl> [screenshot.png]
//
// The page connects, receives notifications posted through ingest (by its own form and by a producer), survives
// a restart of its edge (reconnecting by itself and resuming from its last ID), and must then show every
// notification exactly once. The edge is restarted by whoever runs this script, over stdin/stdout:
//   this script prints "HERALD-TEST stop-edge"   and waits for the line "edge-stopped" on stdin,
//               prints "HERALD-TEST start-edge"  and waits for the line "edge-started".
// (DemoPageBrowserIT in module e2e plays that part.) Then an operator replays the channel through the dispatcher's
// admin API (as `heraldctl replay --via-dispatcher` does; HERALD_ADMIN_URL and HERALD_ADMIN_TOKEN name it): the page
// must count every re-sent notification as a dropped duplicate and say so in its log. Last, at 420 px wide, the page
// must not scroll sideways and the "last ID" tile must hold even the longest position.
// Exit code 0 when everything held, 1 otherwise.
//
// Chromium is Debian's /usr/bin/chromium (CHROMIUM_PATH overrides); playwright-core downloads no browser.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const [edgeUrl, ingestUrl, screenshotArg] = process.argv.slice(2);
if (!edgeUrl || !ingestUrl) {
  console.error('usage: node demo.test.mjs <edgeUrl> <ingestUrl> [screenshot.png]');
  process.exit(2);
}
const adminUrl = process.env.HERALD_ADMIN_URL;
const adminToken = process.env.HERALD_ADMIN_TOKEN;
if (!adminUrl || !adminToken) {
  console.error('HERALD_ADMIN_URL and HERALD_ADMIN_TOKEN (the dispatcher\'s admin API) must be set');
  process.exit(2);
}
const screenshot = resolve(screenshotArg ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'demo.png'));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT_MS = 60_000;
// Flags known to keep Chromium quiet on a machine with no network beyond loopback.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function step(text) {
  console.log(`[demo-test] ${text}`);
}

/** Asks the controlling process to act on the system and waits for its answer. */
async function control(command, expected) {
  console.log(`HERALD-TEST ${command}`);
  for (;;) {
    const { value, done } = await stdinLines.next();
    if (done) throw new Error(`stdin closed while waiting for "${expected}"`);
    if (value.trim() === expected) return;
    if (value.trim().startsWith('failed')) throw new Error(`controller: ${value.trim()}`);
  }
}

async function postFromProducer(channel, text) {
  const response = await fetch(`${ingestUrl}/v1/notifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel, type: 'test.producer', data: { text } }),
  });
  if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
}

async function sendFromPage(page, text) {
  await page.fill('#send-text', text);
  const before = await page.evaluate(() => window.heraldDemo.sendsFinished);
  await page.click('#send-one');
  await page.waitForFunction((n) => window.heraldDemo.sendsFinished > n, before, { timeout: WAIT_MS });
  const outcome = await page.$eval('#send-result', (el) => ({ ok: el.classList.contains('ok'), text: el.textContent }));
  if (!outcome.ok) throw new Error(`the page's form could not send "${text}": ${outcome.text}`);
}

async function waitForFeed(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('#feed .note').length >= n, count, { timeout: WAIT_MS })
    .catch(async () => {
      const shown = await page.$$eval('#feed .note .note-body', (els) => els.map((e) => e.textContent));
      throw new Error(`expected ${count} notifications on the page, it shows ${shown.length}: ${JSON.stringify(shown)}`);
    });
}

/** An operator's replay of the channel's last hour, as `heraldctl replay --via-dispatcher` runs it; waits for the job. */
async function operatorReplay(channel) {
  const headers = { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' };
  const submitted = await fetch(`${adminUrl}/admin/replay`, {
    method: 'POST', headers, body: JSON.stringify({ channel, since: '1h' }),
  });
  if (submitted.status !== 202) throw new Error(`replay answered ${submitted.status}: ${await submitted.text()}`);
  const job = await submitted.json();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const state = await (await fetch(`${adminUrl}/admin/jobs/${job.id}`, { headers })).json();
    if (state.state === 'succeeded') return state;
    if (state.state !== 'running' || Date.now() > deadline) throw new Error(`replay job: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether the page fits its viewport's width, and the "last ID" value fits its tile. */
async function layout(page) {
  return page.evaluate(() => {
    const value = document.getElementById('stat-last-id');
    return {
      pageWidth: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      valueRight: value.getBoundingClientRect().right,
      tileRight: value.parentElement.getBoundingClientRect().right,
      valueOverflows: value.scrollWidth > value.clientWidth,
    };
  });
}

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

const userDataDir = await mkdtemp(join(tmpdir(), 'herald-chromium-'));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
  });
  const page = context.pages()[0] ?? await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') step(`page console: ${message.text()}`);
  });

  const user = `demo-${Date.now().toString(36)}`;
  const channel = `user:${user}`;
  const url = `${edgeUrl}/?user=${encodeURIComponent(user)}&ingest=${encodeURIComponent(ingestUrl)}`;
  step(`opening ${url}`);
  await page.goto(url);
  await page.waitForSelector('#connection[data-state="open"]', { timeout: WAIT_MS });
  await page.waitForFunction((c) => window.heraldDemo.client.lastId(c) !== null, channel, { timeout: WAIT_MS });
  step(`connected (${await page.evaluate(() => window.heraldDemo.authMode)}), subscribed to ${channel}`);

  const expected = [];
  for (let i = 1; i <= 3; i++) {
    const text = `before restart, from the page #${i}`;
    await sendFromPage(page, text);
    expected.push(text);
  }
  for (let i = 1; i <= 3; i++) {
    const text = `before restart, from a producer #${i}`;
    await postFromProducer(channel, text);
    expected.push(text);
  }
  await waitForFeed(page, expected.length);
  step(`${expected.length} notifications shown; stopping the edge`);

  await control('stop-edge', 'edge-stopped');
  await page.waitForSelector('#connection[data-state="reconnecting"]', { timeout: WAIT_MS });
  for (let i = 1; i <= 4; i++) {
    const text = `while the edge was down #${i}`;
    await (i % 2 ? postFromProducer(channel, text) : sendFromPage(page, text));
    expected.push(text);
  }
  step('posted 4 while the edge was down; starting it again');
  await control('start-edge', 'edge-started');

  await page.waitForSelector('#connection[data-state="open"]', { timeout: WAIT_MS });
  await waitForFeed(page, expected.length);
  step('reconnected by itself and recovered what it missed');
  for (let i = 1; i <= 3; i++) {
    const text = `after restart #${i}`;
    await (i === 2 ? sendFromPage(page, text) : postFromProducer(channel, text));
    expected.push(text);
  }
  // A channel is delivered in order, so once this last one shows, any duplicate of an earlier one would have too.
  await postFromProducer(channel, 'the last one');
  expected.push('the last one');
  await waitForFeed(page, expected.length);

  const shown = await page.$$eval('#feed .note', (items) => items.map((item) => ({
    id: item.dataset.id,
    text: item.querySelector('.note-body').textContent,
  })).reverse());
  const received = await page.evaluate(() => [...window.heraldDemo.receivedIds]);
  const stats = await page.evaluate(() => window.heraldDemo.client.stats);
  step(`page shows ${shown.length}, client received ${received.length}, stats ${JSON.stringify(stats)}`);

  assert(shown.length === expected.length, `the page shows ${shown.length} notifications, ${expected.length} were sent`);
  assert(JSON.stringify(shown.map((s) => s.text).sort()) === JSON.stringify([...expected].sort()),
    `the page shows exactly the notifications sent: ${JSON.stringify(shown.map((s) => s.text))}`);
  assert(new Set(shown.map((s) => s.id)).size === shown.length, 'no ID shown twice');
  assert(JSON.stringify(received) === JSON.stringify(shown.map((s) => s.id)),
    `the client handed the page exactly the shown IDs, in order: ${JSON.stringify(received)}`);
  const offsets = received.map((id) => BigInt(id.split('-')[0]));
  assert(offsets.every((offset, i) => i === 0 || offset > offsets[i - 1]), `IDs ascend: ${JSON.stringify(received)}`);
  assert(stats.reconnects >= 1, 'the client reconnected');
  assert(pageErrors.length === 0, `no uncaught errors on the page: ${pageErrors.join('; ')}`);

  step('an operator replays the channel');
  const duplicatesBefore = stats.duplicates;
  const job = await operatorReplay(channel);
  step(`replay job: ${JSON.stringify(job.report ?? job)}`);
  await page.waitForFunction((n) => window.heraldDemo.client.stats.duplicates >= n, duplicatesBefore + expected.length,
    { timeout: WAIT_MS });
  await page.waitForFunction(() => document.getElementById('stat-duplicates').textContent
    === String(window.heraldDemo.client.stats.duplicates), null, { timeout: WAIT_MS }).catch(async () => {
    throw new Error(`the DUPLICATES tile shows ${await page.textContent('#stat-duplicates')}, the client dropped `
      + `${await page.evaluate(() => window.heraldDemo.client.stats.duplicates)}`);
  });
  const replayLog = await page.$$eval('#log li', (items) => items.map((item) => item.textContent)
    .filter((text) => text.includes('an operator replayed')));
  step(`log: ${JSON.stringify(replayLog)}`);
  assert(replayLog.length === 1 && replayLog[0].includes(`replayed ${expected.length} notification(s)`)
    && replayLog[0].includes(`${expected.length} already shown, dropped`), `the log tells of the replay: ${replayLog}`);
  assert(await page.$$eval('#feed .note', (items) => items.length) === expected.length, 'the replay added nothing to the feed');

  await page.setViewportSize({ width: 420, height: 900 });
  const narrow = await layout(page);
  await page.evaluate(() => { document.getElementById('stat-last-id').textContent = '9223372036854775806-1'; });
  const longest = await layout(page);
  step(`at 420 px: ${JSON.stringify(narrow)}; with the longest position: ${JSON.stringify(longest)}`);
  for (const [what, l] of [['with its last ID', narrow], ['with the longest position', longest]]) {
    assert(l.pageWidth <= l.viewport, `${what}, the page is ${l.pageWidth} px wide in a 420 px window`);
    assert(!l.valueOverflows && l.valueRight <= l.tileRight + 0.5, `${what}, the last ID overflows its tile`);
  }
  await page.evaluate(() => { document.getElementById('stat-last-id').textContent = window.heraldDemo.client.lastId(window.heraldDemo.channel); });
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-narrow.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // let the newest items finish fading in
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((animation) => animation.effect.getTiming().iterations !== Infinity)
    .map((animation) => animation.finished)));
  await mkdir(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  step(`screenshot: ${screenshot}`);
  step(`PASSED: ${expected.length} notifications, each shown exactly once, across an edge restart and an operator's replay`);
} catch (error) {
  failed = true;
  console.error(`[demo-test] FAILED: ${error.stack ?? error}`);
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
process.exit(failed ? 1 : 0);
