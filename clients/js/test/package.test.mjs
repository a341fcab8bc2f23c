// The package as a consumer gets it: `npm pack`, installed from the tarball into a fresh project, then imported as an
// ES module and with require(), and a TypeScript consumer type-checked against the declarations (tsc --noEmit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');

function run(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`);
  }
}

test('the packed tarball installs and works as ESM, as CommonJS and for TypeScript', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'herald-client-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  run(npm, ['pack', '--silent', '--pack-destination', work], packageDir);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  assert.equal(tarball, 'herald-client-0.1.0.tgz');
  const listing = run('tar', ['-tzf', join(work, tarball)], work).trim().split('\n').sort();
  assert.deepEqual(listing, [
    'package/README.md', 'package/dist/herald-client.cjs', 'package/package.json', 'package/src/herald-client.js',
    'package/types/herald-client.d.cts', 'package/types/herald-client.d.ts',
  ]);

  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  run(npm, ['install', '--no-audit', '--no-fund', '--offline', join(work, tarball)], app);

  const script = `
    const client = new HeraldClient({ urls: ['ws://127.0.0.1:1/ws'], WebSocket: class {} });
    if (client.state !== ConnectionState.IDLE) throw new Error('state ' + client.state);
    if (comparePositions('9007199254740993-1', '9007199254740992-1') <= 0) throw new Error('compare');
    const store = new MemoryPositionStore();
    store.put('user:1', '5-1');
    console.log(typeof HeraldClient, store.get('user:1'));`;
  writeFileSync(join(app, 'esm.mjs'),
    `import { HeraldClient, ConnectionState, comparePositions, MemoryPositionStore } from '@herald/client';${script}`);
  writeFileSync(join(app, 'cjs.cjs'),
    `const { HeraldClient, ConnectionState, comparePositions, MemoryPositionStore } = require('@herald/client');${script}`);
  assert.equal(run(process.execPath, ['esm.mjs'], app).trim(), 'function 5-1');
  assert.equal(run(process.execPath, ['cjs.cjs'], app).trim(), 'function 5-1');

  writeFileSync(join(app, 'consumer.mts'), `
    import { HeraldClient, type Notification, type PositionStore, type HeraldMetrics } from '@herald/client';
    const positions: PositionStore = { get: () => null, put: () => {}, remove: () => {} };
    const metrics: HeraldMetrics = { disconnected: (code: number) => void code };
    const herald = new HeraldClient({ urls: ['wss://a.example/ws'], getToken: async () => 'jwt', positions, metrics });
    herald.subscribe<{ order: string }>('user:42', (n: Notification<{ order: string }>, meta) => {
      const order: string = n.data.order;
      const position: string = meta.id;
      void order; void position;
    }, { onReset: ({ channel }) => void channel });
    herald.on('state', (state) => { const s: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' = state; void s; });
    herald.connect();
  `);
  writeFileSync(join(app, 'consumer.cts'), `
    import herald = require('@herald/client');
    const client: herald.HeraldClient = new herald.HeraldClient({ url: 'ws://a/ws' });
    const last: string | null = client.lastId('user:1');
    void last;
  `);
  writeFileSync(join(app, 'wrong.mts'), `
    import { HeraldClient } from '@herald/client';
    new HeraldClient({ urls: 'not-an-array' });
  `);
  const compile = (files) => ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--lib', 'es2022,dom', ...files];
  run(process.execPath, [tsc, ...compile(['consumer.mts', 'consumer.cts'])], app);
  // the declarations are not `any`: a wrong option type is an error
  assert.throws(() => run(process.execPath, [tsc, ...compile(['wrong.mts'])], app), /TS2322/);
});
