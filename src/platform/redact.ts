// URLs from the environment can carry a password (`http://user:pass@proxy:3128`, an endpoint behind basic auth).
// Every URL that reaches a message, a log or a cache file's description goes through here first.

/** The URL with any user info replaced by `***@`; text that is not a URL with user info is returned as it is. */
export function redactUrl(text: string): string {
  // Greedy up to the last '@' before the path: URL parsers end the user info there, so `user:p@ss@host` hides
  // all of `p@ss`, not only `p`.
  return text.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/?#]*@/, '$1***@');
}
