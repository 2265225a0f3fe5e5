// The words for what a service answered instead of a token: a refusal (access denied, throttled, an answer that
// is not from AWS at all) and, after the network's failures are ruled out, a server error or a body that is not
// the protocol's.
import type { Explanation, Failure } from './failure';

/** A refusal: something answered, and said no. */
export function refusal({ name, message, status, route, via, api, context }: Failure): Explanation | undefined {
  const profileFlag = context.profile ? ` --profile ${context.profile}` : '';
  // An HTTP error with no AWS error code at all: something else answered (a proxy's or firewall's refusal page,
  // a captive portal). Not "access denied": IAM was never asked.
  // The SDK's words for a body that is not the protocol's: under Node "Unexpected token '<'", under Bun "JSON Parse
  // error: Unrecognized token '<'", for STS's XML an `Unknown` error without a message.
  const unparsable =
    /Deserialization error|JSON Parse error|Unexpected token|Unrecognized token|is not valid JSON|Unexpected end of JSON/i.test(
      message,
    );
  if (
    status !== undefined &&
    status >= 300 &&
    (unparsable ||
      ((name === 'Unknown' || name === 'UnknownError') &&
        (message === '' || message === 'Unknown' || message === 'UnknownError')))
  ) {
    return {
      category: 'not-aws',
      cause: `the answer from the ${api} endpoint${route ? ` ${route.target.replace(/:443$/, '')}${via}` : ''} is not from AWS (HTTP ${status} without an AWS error: ${route ? 'the proxy refusing the request?' : 'a proxy or firewall refusing the request?'})`,
      hint: route
        ? `have ${route.target.replace(/:443$/, '')} allowed through the proxy ${route.proxy}, or reach it directly by adding it to NO_PROXY`
        : 'check that the proxy or firewall lets this endpoint through; in a VPC without internet access, it needs a VPC endpoint',
    };
  }
  if (/AccessDenied|Forbidden/i.test(name) || status === 403) {
    const { actions } = context.call;
    if (actions === undefined) {
      return {
        category: 'not-aws',
        cause: `the ${api}${via} refused the call${message ? ` (${message})` : ''}, which needs no IAM permission: the credentials (${context.identityLabel}) are not accepted, or the answer is not from AWS`,
        hint: `check the credentials (\`aws sts get-caller-identity${profileFlag}\` shows whether AWS accepts them), and any proxy or VPC endpoint policy between here and STS`,
      };
    }
    // The denied action is named in AWS's message; it is another one when a configured role cannot be assumed.
    const denied = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z]+)/.exec(message)?.[1];
    const needed =
      denied && !actions.includes(denied)
        ? `${denied}${denied === 'sts:AssumeRole' ? " (and the role's trust policy must allow it)" : ''}`
        : actions;
    return {
      category: 'access-denied',
      cause: `access denied${message ? ` (${message})` : ''}`,
      hint: `the identity (${context.identityLabel}) needs IAM permission ${needed}`,
    };
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name) || status === 429) {
    return {
      category: 'throttled',
      cause: 'AWS throttled the token request, even after retries',
      hint: 'retry in a few seconds; many parallel pulls share one cached token once it is fetched',
    };
  }
  return undefined;
}

/** An answer that is an error of the service's own, or not one at all. */
export function serverFailure({ name, message, status, api, context }: Failure): Explanation | undefined {
  if (status !== undefined && status >= 500) {
    return {
      category: 'server-error',
      cause: `AWS answered with an error (HTTP ${status}), even after retries`,
      hint: 'retry shortly; see https://health.aws.amazon.com',
    };
  }
  if (/Deserialization|Unexpected token|JSON|BadResponse/i.test(`${name} ${message}`)) {
    return {
      category: 'bad-response',
      cause: `the ${api} sent a response that is not a token`,
      hint: `if ${context.call.endpointVariable} or a proxy is set, check what answers there`,
    };
  }
  return undefined;
}
