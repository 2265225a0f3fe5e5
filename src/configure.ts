// placeholder until issue 6
import type { ServiceDeps } from './token-service';
export async function runConfigure(_argv: string[], io: ServiceDeps & { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  io.stderr.write('configure: not yet available\n');
  return 1;
}
