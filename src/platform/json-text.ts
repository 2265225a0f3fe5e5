// Strict JSON with positions, for errors that name the line: the helper's config file and the Docker config.
// jsonc-parser (VS Code's JSON scanner) gives offsets that JSON.parse does not; it is loaded only by callers
// off the cache-hit path, or on an error path. Its error codes (`PropertyNameExpected`) are put in plain words,
// with the usual hand-editing slips (a trailing comma, single quotes, a comment) named as what they are.
// The ESM build: the package's `main` is a UMD wrapper whose inner requires the bundler cannot follow.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';

export type JsonNode = Node;

/** The 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

export interface JsonSyntaxError {
  line: number;
  /** What is wrong, in plain words. */
  reason: string;
  /** What to change, when it can be said exactly. */
  fix?: string;
}

const PLAIN: Record<string, string> = {
  InvalidSymbol: 'a character JSON does not allow here',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected (a string in double quotes, a number, true, false, null, {...} or [...])',
  ColonExpected: 'a ":" was expected after the property name',
  CommaExpected: 'a "," was expected between two entries',
  CloseBraceExpected: 'a closing "}" is missing',
  CloseBracketExpected: 'a closing "]" is missing',
  EndOfFileExpected: 'there is text after the end of the JSON object',
  InvalidCommentToken: 'a comment, which JSON does not allow',
  UnexpectedEndOfComment: 'a comment, which JSON does not allow',
  UnexpectedEndOfString: 'a string without its closing double quote',
  UnexpectedEndOfNumber: 'a malformed number',
  InvalidUnicode: 'a malformed \\u escape in a string',
  InvalidEscapeCharacter: 'a backslash escape JSON does not know (write \\\\ for one backslash)',
  InvalidCharacter: 'a raw tab or line break inside a string (write \\t or \\n)',
};

function explainError(text: string, error: ParseError): JsonSyntaxError {
  const at = error.offset;
  const here = text.slice(at);
  const before = text.slice(0, at).replace(/\s+$/, '');
  // A comma after the last entry: the error points at the "}" or "]", the slip is on the comma's line.
  if (/^[}\]]/.test(here) && before.endsWith(',')) {
    const line = lineOf(text, before.length - 1);
    return {
      line,
      reason: `a comma after the last entry, before "${here[0]}" (JSON allows none there)`,
      fix: `remove the "," at the end of line ${line}`,
    };
  }
  const line = lineOf(text, at);
  if (here.startsWith("'"))
    return {
      line,
      reason: 'single quotes: JSON strings and names take double quotes',
      fix: `use double quotes (") on line ${line}`,
    };
  if (here.startsWith('//') || here.startsWith('/*'))
    return { line, reason: 'a comment, which JSON does not allow', fix: `delete the comment on line ${line}` };
  const code = printParseErrorCode(error.error);
  if (code === 'CommaExpected' || (code === 'PropertyNameExpected' && /^"/.test(here))) {
    return {
      line,
      reason: 'a "," is missing between two entries',
      fix: `add a "," at the end of the entry before line ${line}`,
    };
  }
  return { line, reason: PLAIN[code] ?? code };
}

/** The syntax tree of strict JSON (no comments, no trailing commas), or the first error in plain words. */
export function parseStrictJson(text: string): { root: JsonNode | undefined } | { error: JsonSyntaxError } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  return first ? { error: explainError(text, first) } : { root };
}
