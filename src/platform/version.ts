// The version, and the words that ask for it: answered by main.ts before anything else is loaded (a `version`
// costs the runtime's start-up and little more), and by cli.ts when the CLI runs in-process.
import { version } from '../../package.json';

export const VERSION = version;
const VERSION_WORDS: readonly string[] = ['version', '--version', '-v'];

export function isVersionRequest(argv: readonly string[]): boolean {
  return argv.length === 1 && VERSION_WORDS.includes(argv[0]);
}

export const versionLine = (): string => `docker-credential-ecr ${VERSION}\n`;
