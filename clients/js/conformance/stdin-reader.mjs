// The conformance driver's stdin, read on a worker thread: each JSON line goes to the main thread; `release` also
// raises the shared flag a blocked listener waits on.
import { parentPort, workerData } from 'node:worker_threads';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const lines = createInterface({ input: createReadStream(null, { fd: 0 }) });
lines.on('line', (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  if (command.cmd === 'release') {
    Atomics.store(workerData.released, 0, 1);
    Atomics.notify(workerData.released, 0);
  }
  parentPort.postMessage(command);
});
lines.on('close', () => process.exit(0));
