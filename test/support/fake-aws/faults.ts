// Failure injection: what fail() can make a service (or the container endpoint) answer, and the queue of faults
// each one takes from, call by call. What a fault looks like on the wire is in fault-errors.ts.
import type { Service } from './constants';

/** fail() also takes 'container': the container-credentials endpoint. */
export type FaultTarget = Service | 'container';

export type Fault =
  | 'access-denied'
  | 'throttle'
  | 'http-500'
  | 'malformed'
  | 'oversized'
  | 'expired-credentials'
  | 'unrecognized-client'
  | 'invalid-signature'
  | 'hang'
  | 'empty'
  /** What a filtering proxy answers instead of AWS: HTTP 403 with an HTML page, no AWS error code. */
  | 'proxy-refusal'
  | { slow: number };

export type ConnectFault = 'refuse' | 'reset';

export const FAULT_TARGETS: readonly FaultTarget[] = ['ecr', 'ecr-public', 'sts', 'container'];
/** What the container endpoint can be made to do (it speaks no AWS error dialect). */
const CONTAINER_FAULTS: readonly Fault[] = [
  'access-denied',
  'throttle',
  'http-500',
  'malformed',
  'empty',
  'expired-credentials',
  'hang',
];
const NAMED_FAULTS: readonly Fault[] = [
  'access-denied',
  'throttle',
  'http-500',
  'malformed',
  'oversized',
  'expired-credentials',
  'unrecognized-client',
  'invalid-signature',
  'hang',
  'empty',
  'proxy-refusal',
];

interface FaultEntry {
  fault: Fault;
  /** Remaining calls; Infinity until reset. */
  remaining: number;
}

export interface FaultQueues {
  /** Queues fault for the next `times` calls to target (all until clear()), after the faults queued before. */
  add(target: FaultTarget, fault: Fault, times?: number): void;
  /** The fault the next call to target answers with, used up by this call; undefined for a normal answer. */
  take(target: FaultTarget): Fault | undefined;
  clear(): void;
}

function faultLabel(fault: Fault): string {
  return typeof fault === 'string' ? fault : `slow ${fault.slow}ms`;
}

export function createFaultQueues(): FaultQueues {
  const queues = new Map<FaultTarget, FaultEntry[]>();
  return {
    add(target, fault, times = Infinity) {
      if (!FAULT_TARGETS.includes(target)) throw new Error(`fail: unknown service ${String(target)}`);
      const valid =
        typeof fault === 'object' ? Number.isFinite(fault.slow) && fault.slow >= 0 : NAMED_FAULTS.includes(fault);
      if (!valid) throw new Error(`fail: unknown fault ${faultLabel(fault)}`);
      if (target === 'container' && typeof fault === 'string' && !CONTAINER_FAULTS.includes(fault)) {
        throw new Error(
          `fail: the container endpoint has no ${fault} fault (it has ${CONTAINER_FAULTS.join(', ')}, slow)`,
        );
      }
      if (!(times > 0)) throw new Error(`fail: times must be positive, got ${times}`);
      const queue = queues.get(target) ?? [];
      queue.push({ fault, remaining: times });
      queues.set(target, queue);
    },
    take(target) {
      const queue = queues.get(target);
      const head = queue?.[0];
      if (!queue || !head) return undefined;
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      return head.fault;
    },
    clear: () => queues.clear(),
  };
}
