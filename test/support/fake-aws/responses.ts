// Writing answers as AWS does: the headers every answer carries (its request id, a Date on AWS's clock, which
// the SDK adopts for its signing clock), and errors in the dialect of the call: awsQuery's XML for STS's query
// protocol, AWS JSON with x-amzn-errortype for the rest.
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { STS_XML_NAMESPACE, type Service } from './constants';
import type { FakeCall } from './recorded-calls';

export interface ErrorSpec {
  status: number;
  code: string;
  message: string;
  /** awsQuery's <Type>: who is at fault. */
  type: 'Sender' | 'Receiver';
}

/** STS's refusal of an identity (a trust policy, MFA). */
export const accessDenied = (message: string): ErrorSpec => ({
  status: 403,
  code: 'AccessDenied',
  message,
  type: 'Sender',
});

export interface Responder {
  send(
    res: http.ServerResponse,
    status: number,
    contentType: string,
    body: string,
    extra?: http.OutgoingHttpHeaders,
  ): void;
  /** Answers call with spec and records its code on the call. */
  sendError(res: http.ServerResponse, call: FakeCall, spec: ErrorSpec): void;
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** <Name>value</Name> for each field that has a value, in order. */
export function xmlFields(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
}

export function requestId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** AWS's timestamp style in XML: ISO 8601 without milliseconds. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function jsonContentType(service: Service | 'unknown'): string {
  return service === 'sts' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
}

export function createResponder(awsNow: () => number): Responder {
  const send: Responder['send'] = (res, status, contentType, body, extra = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': requestId(),
      date: new Date(awsNow()).toUTCString(),
      ...extra,
    });
    res.end(body);
  };
  return {
    send,
    sendError(res, call, spec) {
      call.error = spec.code;
      if (call.protocol === 'query') {
        const xml =
          `<ErrorResponse xmlns="${STS_XML_NAMESPACE}"><Error>${xmlFields({ Type: spec.type, Code: spec.code, Message: spec.message })}</Error>` +
          `<RequestId>${requestId()}</RequestId></ErrorResponse>`;
        send(res, spec.status, 'text/xml', xml);
        return;
      }
      const extra: http.OutgoingHttpHeaders = { 'x-amzn-errortype': spec.code };
      // awsQueryCompatible services (STS over JSON) carry the query error code in this header.
      if (call.service === 'sts') extra['x-amzn-query-error'] = `${spec.code};${spec.type}`;
      send(
        res,
        spec.status,
        jsonContentType(call.service),
        JSON.stringify({ __type: spec.code, message: spec.message }),
        extra,
      );
    },
  };
}
