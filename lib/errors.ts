/**
 * Errors raised for bad input. The message names the field and what was expected, and never the value:
 * many of our inputs are secrets (API secret, RSA key, BLS/EC keys, M-Pin client secret).
 */
export class QredoInputError extends Error {
	readonly field: string;
	readonly expected: string;

	constructor(field: string, expected: string, detail?: string) {
		super(`${field}: expected ${expected}${detail ? ` (${detail})` : ''}`);
		this.name = 'QredoInputError';
		this.field = field;
		this.expected = expected;
	}
}
