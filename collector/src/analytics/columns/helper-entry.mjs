// The helper thread's entry (`helper-thread.ts`), plain JavaScript so a worker can start it
// wherever the collector runs: loads the tasks, written in TypeScript, through tsx (as the
// collector itself runs), then runs each task posted and answers on the port it was given.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { tasks } = await tsImport('./helper-tasks.ts', import.meta.url);
const { port, done } = workerData;
parentPort.on('message', ({ seq, task, args }) => {
  try {
    port.postMessage({ seq, result: tasks[task](...args) });
  } catch {
    port.postMessage({ seq, failed: true });
  }
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
Atomics.store(done, 1, 1);
