// The release's executables compiled a few at a time (scripts/release.mjs): each compile blocks its thread, so each
// runs in a worker thread of its own (compile-worker.mjs), at most `jobs` at once.
import { Worker } from 'node:worker_threads';
import { BuildError } from '../compile.mjs';

/** Runs the compile jobs in `jobs` worker threads; calls onDone(job, result) as each finishes. */
export function compileAll(compileJobs, jobs, onDone) {
  const queue = [...compileJobs];
  const workers = [];
  const results = new Array(compileJobs.length);
  return new Promise((done, reject) => {
    let failed = false;
    let running = 0;
    const stop = (error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(error);
    };
    const next = (worker) => {
      if (failed) return;
      const job = queue.shift();
      if (!job) {
        void worker.terminate();
        if (--running === 0) done(results);
        return;
      }
      worker.once('message', (reply) => {
        if (!reply.ok) return stop(new BuildError(`${job.target.name}: ${reply.message}`));
        results[compileJobs.indexOf(job)] = reply.result;
        onDone(job, reply.result);
        next(worker);
      });
      worker.postMessage(job);
    };
    for (let i = 0; i < Math.min(jobs, compileJobs.length); i++) {
      const worker = new Worker(new URL('./compile-worker.mjs', import.meta.url));
      worker.on('error', (e) => stop(new BuildError(`compile worker failed: ${e?.stack ?? e}`)));
      workers.push(worker);
      running++;
      next(worker);
    }
  });
}
