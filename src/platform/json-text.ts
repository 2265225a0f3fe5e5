// Strict JSON with positions, for errors that name the line: the helper's config file and the Docker config.
// jsonc-parser (VS Code's JSON scanner) gives offsets that JSON.parse does not; it is loaded only by callers
// off the cache-hit path, or on an error path.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';

export type JsonNode = Node;

/** The 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/** The syntax tree of strict JSON (no comments, no trailing commas), or the first error's line and kind. */
export function parseStrictJson(text: string): { root: JsonNode | undefined } | { error: { line: number; reason: string } } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  return first ? { error: { line: lineOf(text, first.offset), reason: printParseErrorCode(first.error) } } : { root };
}
