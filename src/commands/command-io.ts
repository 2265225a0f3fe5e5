// What every command (configure, doctor, kubelet-config) is given: the service's dependencies and the two
// output streams; and the shape of one `doctor` check.
import type { RequestContext } from '../tokens/context';

export interface CommandIo extends RequestContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /**
   * Asks a person a question and returns the line they typed; absent when standard input is not a terminal
   * (a script, CI), where a command must not wait for an answer.
   */
  ask?: (question: string) => Promise<string | undefined>;
}

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable identifier, e.g. `path`, `route:<host>`, `token:<host>`. */
  name: string;
  status: CheckStatus;
  /** What was found, for a person. Never a secret. */
  message: string;
  /** The next thing to do, when the status is not ok. */
  fix?: string;
}
