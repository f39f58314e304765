/**
 * Pieces every auth check shares: the parts of a request a signature covers, header reading and the timestamp
 * window. Re-derived from the protocol reference (docs/protocol.md); nothing here comes from the client code in lib/auth.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { QredoHttpError } from '../http';

/** What an auth check sees: the full URL as the client addressed it and the exact body bytes. */
export interface SignedParts {
	method: string;
	fullUrl: string;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	query: URLSearchParams;
}

/** Partner API failures use Qredo's documented `errPartnerAuth` message (§1.3); the others `Unauthorized` (§3.4). */
export const partnerAuthError = (reason: string) => new QredoHttpError(401, reason, 'errPartnerAuth');
export const unauthorized = (reason: string) => new QredoHttpError(401, reason, 'Unauthorized');

/** One header value, or undefined. Node joins repeated custom headers with ", ", which the format checks then refuse. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
	const value = headers[name];
	if (Array.isArray(value)) return value.join(', ');
	return value === undefined || value === '' ? undefined : value;
}

/** Decimal Unix seconds, as Qredo clients send them (§1.1, §1.3); milliseconds or nanoseconds are refused. */
export function parseUnixSeconds(value: string, name: string, fail: (reason: string) => QredoHttpError): number {
	if (!/^\d{1,10}$/.test(value)) throw fail(`${name}: expected Unix time in seconds (a decimal integer of at most 10 digits)`);
	return Number(value);
}

export function checkSkew(seconds: number, nowSeconds: number, skew: number, name: string, fail: (reason: string) => QredoHttpError): void {
	if (Math.abs(nowSeconds - seconds) > skew) {
		throw fail(`${name}: expected within ${skew} s of the server clock (it is ${nowSeconds - seconds > 0 ? 'behind' : 'ahead'} by ${Math.abs(nowSeconds - seconds)} s)`);
	}
}
