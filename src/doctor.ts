// placeholder until issue 6
import type { ServiceDeps } from './token-service';
export async function runDoctor(_argv: string[], io: ServiceDeps & { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  io.stderr.write('doctor: not yet available\n');
  return 1;
}
