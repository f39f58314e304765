/**
 * Query-string readers for the Partner API and Qredo API v1 routes, the counterpart of the body field readers in
 * http.ts: each names the parameter and what was expected, and never echoes the value. A parameter given twice is
 * refused, since which copy a server would use is undefined.
 */
import { badRequest } from './http';

export function queryString(query: URLSearchParams, name: string): string | undefined {
	const values = query.getAll(name);
	if (values.length > 1) throw badRequest(`${name}: expected at most one value`);
	return values[0];
}

/** A decimal integer parameter within [min, max]; absent or empty gives undefined. */
export function queryInteger(query: URLSearchParams, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
	const text = queryString(query, name);
	if (text === undefined || text === '') return undefined;
	const min = opts.min ?? 0;
	const range = opts.max === undefined ? `≥ ${min}` : `from ${min} to ${opts.max}`;
	if (!/^\d{1,15}$/.test(text)) throw badRequest(`${name}: expected a decimal integer ${range}`);
	const value = Number(text);
	if (value < min || (opts.max !== undefined && value > opts.max)) throw badRequest(`${name}: expected a decimal integer ${range}`);
	return value;
}

/** `true` or `false` exactly (the swagger types these as booleans); absent or empty gives undefined. */
export function queryBoolean(query: URLSearchParams, name: string): boolean | undefined {
	const text = queryString(query, name);
	if (text === undefined || text === '') return undefined;
	if (text !== 'true' && text !== 'false') throw badRequest(`${name}: expected true or false`);
	return text === 'true';
}

export function queryEnum<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
	const text = queryString(query, name);
	if (text === undefined || text === '') return undefined;
	if (!(allowed as readonly string[]).includes(text)) throw badRequest(`${name}: expected one of ${allowed.join(', ')}`);
	return text as T;
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/**
 * `offset` / `limit` paging (§3.4: only the Partner API ledger takes them). Returns the page and the total before
 * paging, so `Total` tells a client how many pages there are.
 */
export function paginate<T>(items: T[], query: URLSearchParams): { page: T[]; total: number } {
	const offset = queryInteger(query, 'offset') ?? 0;
	const limit = queryInteger(query, 'limit', { min: 1, max: MAX_PAGE_LIMIT }) ?? DEFAULT_PAGE_LIMIT;
	return { page: items.slice(offset, offset + limit), total: items.length };
}
