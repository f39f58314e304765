import assert from 'node:assert/strict';
import { QredoInputError } from '../../../lib/errors';

/**
 * Asserts that `fn` throws a QredoInputError for `field` whose message does not leak `secret`
 * (compared case-insensitively) and, when given, contains `messagePart`.
 */
export function assertInputError(fn: () => unknown, field: string, secret?: string, messagePart?: string | RegExp): void {
	assert.throws(fn, (error: unknown) => {
		assert.ok(error instanceof QredoInputError, `expected QredoInputError, got ${String(error)}`);
		assert.equal(error.field, field);
		assert.ok(error.message.startsWith(`${field}: expected `), error.message);
		if (secret) assert.ok(!error.message.toLowerCase().includes(secret.toLowerCase()), 'the message leaks the value');
		if (typeof messagePart === 'string') assert.ok(error.message.includes(messagePart), error.message);
		if (messagePart instanceof RegExp) assert.match(error.message, messagePart);
		return true;
	});
}
