// The demo page: watches user:<id> through HeraldClient and posts test notifications to ingest.
// Query parameters: ?user=<id> (default 42), ?ingest=<url> (default http://<this host>:8080).
import { HeraldClient } from './herald-client.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const MAX_FEED_ITEMS = 500;

/** What the page received, for people (the feed) and for the browser test (window.heraldDemo). */
const demo = {
  client: null,
  channel: null,
  receivedIds: [],
  sent: 0,
  sendsFinished: 0,
  authMode: null,
  operatorReplay: null, // the burst of an operator's replay being counted in the log
  operatorReplays: 0, // notifications of operators' replays seen, shown or dropped
};
window.heraldDemo = demo;

// ---- connection ----

/** A dev-mode token for the user, or null when the edge has no token endpoint (it then accepts anonymous clients). */
async function devToken(user) {
  const response = await fetch(`/dev/token?user=${encodeURIComponent(user)}`, { cache: 'no-store' });
  if (response.status === 404) {
    showAuthMode('no auth');
    return null;
  }
  if (!response.ok) throw new Error(`/dev/token answered ${response.status}`);
  const { token } = await response.json();
  showAuthMode('dev token');
  return token;
}

function watch(user) {
  demo.client?.close();
  demo.channel = `user:${user}`;
  demo.receivedIds = [];
  clearFeed();
  $('channel-name').textContent = demo.channel;
  $('send-channel').value = demo.channel;
  $('user-id').value = user;
  renderCurl();

  const client = new HeraldClient({
    getToken: () => devToken(user),
    storage: window.localStorage,
    storageKey: `herald.demo.positions.${user}`,
    initialDelayMs: 250,
    maxDelayMs: 5_000,
  });
  demo.client = client;
  let unreachableLogged = false;
  client.on('state', (state) => {
    showState(state, client.node);
    if (state === 'reconnecting' && !unreachableLogged) log('connection lost, reconnecting…', 'warn');
    if (state === 'closed') log('connection closed', 'warn');
    renderStats();
  });
  client.on('open', ({ node }) => {
    unreachableLogged = false;
    log(`connected to ${node}`);
    showState(client.state, node);
  });
  client.on('subscribed', (frame) => {
    const what = frame.replayed > 0 ? `resumed, ${frame.replayed} missed notification(s) recovered` : 'subscribed, live';
    log(`${frame.channel}: ${what}`);
  });
  client.on('reset', ({ channel, reason }) => {
    log(`${channel}: history before this point is gone (${reason}); a real app reloads its state here`, 'warn');
  });
  client.on('error', ({ code, message, channel }) => {
    if (code === 'token') {
      // the token comes from the edge itself: while the edge is down, this is the reconnect failing
      if (!unreachableLogged) log('edge unreachable, retrying with backoff…', 'warn');
      unreachableLogged = true;
      return;
    }
    log(`error ${code}${channel ? ` on ${channel}` : ''}: ${message}`, 'error');
  });
  client.on('duplicate', ({ channel, replay }) => {
    renderStats();
    bump('stat-duplicates');
    if (replay) noteOperatorReplay(channel, 'already shown, dropped');
  });
  client.subscribe(demo.channel, (notification, meta) => {
    if (meta.resent) noteOperatorReplay(meta.channel, 'new to this page, shown');
    demo.receivedIds.push(meta.id);
    addToFeed(notification, meta);
    renderStats();
  });
  client.connect();
}

/**
 * An operator's replay (heraldctl replay) re-sends a window of a channel at once: one log line per burst, updated
 * as it goes, says how many came and what the page did with them.
 */
function noteOperatorReplay(channel, outcome) {
  const burst = demo.operatorReplay;
  const now = Date.now();
  if (!burst || burst.channel !== channel || now - burst.lastAt > 2_000) {
    demo.operatorReplay = { channel, lastAt: now, counts: new Map(), line: log('', 'warn') };
  }
  const current = demo.operatorReplay;
  current.lastAt = now;
  current.counts.set(outcome, (current.counts.get(outcome) ?? 0) + 1);
  const total = [...current.counts.values()].reduce((a, b) => a + b, 0);
  const parts = [...current.counts].map(([what, n]) => `${n} ${what}`).join(', ');
  current.line.lastChild.textContent = ` ${channel}: an operator replayed ${total} notification(s) (${parts})`;
  demo.operatorReplays = (demo.operatorReplays ?? 0) + 1;
}

// ---- rendering ----

/** Draws the eye to a tile whose number just moved. */
function bump(id) {
  const element = $(id);
  element.classList.remove('bumped');
  void element.offsetWidth; // restarts the animation
  element.classList.add('bumped');
}

function showState(state, node) {
  $('connection').dataset.state = state;
  $('connection-state').textContent = state;
  $('connection-node').textContent = state === 'open' && node ? `· ${node}` : '';
}

function showAuthMode(mode) {
  demo.authMode = mode;
  $('auth-mode').textContent = mode;
}

function renderStats() {
  const stats = demo.client.stats;
  $('stat-delivered').textContent = stats.delivered;
  $('stat-duplicates').textContent = stats.duplicates;
  $('stat-reconnects').textContent = stats.reconnects;
  $('stat-last-id').textContent = demo.client.lastId(demo.channel) ?? '–';
}

function clearFeed() {
  $('feed').replaceChildren();
  $('feed-empty').hidden = false;
}

function addToFeed(notification, meta) {
  const item = document.createElement('li');
  item.className = 'note';
  item.dataset.id = meta.id;
  item.dataset.type = notification.type;

  const head = document.createElement('div');
  head.className = 'note-head';
  head.append(tag(notification.type, 'type'));
  if (meta.resent) head.append(tag('replayed by an operator', 'replay'));
  else if (meta.replay) head.append(tag('recovered', 'replay'));
  const time = document.createElement('time');
  const created = new Date(notification.createdAt);
  time.dateTime = created.toISOString();
  time.textContent = created.toLocaleTimeString();
  head.append(time);

  const body = document.createElement('p');
  body.className = 'note-body';
  const data = notification.data ?? {};
  body.textContent = typeof data.text === 'string' ? data.text : JSON.stringify(data);

  const foot = document.createElement('div');
  foot.className = 'note-foot';
  foot.textContent = `ID ${meta.id}`;

  item.append(head, body, foot);
  $('feed').prepend(item);
  $('feed-empty').hidden = true;
  while ($('feed').children.length > MAX_FEED_ITEMS) $('feed').lastElementChild.remove();
}

function tag(text, kind) {
  const span = document.createElement('span');
  span.className = `tag tag-${kind}`;
  span.textContent = text;
  return span;
}

function log(text, level = 'info') {
  const item = document.createElement('li');
  item.className = `log-${level}`;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  item.append(time, document.createTextNode(` ${text}`));
  $('log').prepend(item);
  while ($('log').children.length > 50) $('log').lastElementChild.remove();
  return item;
}

function renderCurl() {
  const body = JSON.stringify({ channel: demo.channel, type: 'demo.hello', data: { text: 'Hello from curl' } });
  $('curl').textContent = `curl -H 'Content-Type: application/json' \\\n  -d '${body}' \\\n  ${ingestUrl()}/v1/notifications`;
}

// ---- sending ----

function ingestUrl() {
  return $('ingest-url').value.replace(/\/+$/, '');
}

async function send(text) {
  const response = await fetch(`${ingestUrl()}/v1/notifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel: $('send-channel').value.trim(), type: $('send-type').value.trim(), data: { text } }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    // ingest answers application/problem+json: title and detail say what is wrong
    throw new Error(body.detail ?? body.title ?? `ingest answered ${response.status}`);
  }
  demo.sent++;
  return body;
}

async function sendFromForm(count) {
  const result = $('send-result');
  result.className = 'result';
  result.textContent = count > 1 ? `Sending ${count}…` : 'Sending…';
  try {
    let accepted;
    for (let i = 1; i <= count; i++) {
      const text = $('send-text').value;
      accepted = await send(count > 1 ? `${text} (${i}/${count})` : text);
    }
    result.classList.add('ok');
    result.textContent = count > 1
      ? `${count} accepted, the last at position ${accepted.position}`
      : `Accepted at position ${accepted.position}`;
  } catch (error) {
    result.classList.add('error');
    result.textContent = error instanceof TypeError
      ? `Cannot reach ingest at ${ingestUrl()} (is it running, and does it allow this page's origin?)`
      : error.message;
  } finally {
    demo.sendsFinished++;
  }
}

// ---- wiring ----

$('ingest-url').value = params.get('ingest')
  ?? localStorage.getItem('herald.demo.ingest')
  ?? `${location.protocol}//${location.hostname}:8080`;
$('ingest-url').addEventListener('change', () => {
  localStorage.setItem('herald.demo.ingest', ingestUrl());
  renderCurl();
});
$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sendFromForm(1);
});
$('send-burst').addEventListener('click', () => sendFromForm(10));
$('user-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const user = $('user-id').value.trim();
  const url = new URL(location.href);
  url.searchParams.set('user', user);
  history.replaceState(null, '', url);
  watch(user);
});

watch(params.get('user') ?? '42');
