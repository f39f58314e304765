/** The approver credential's Signing Agent PIN: a password field of digits; old credentials hold a number. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, utf8 } from '../../../lib/crypto/bytes';
import { QredoInputError } from '../../../lib/errors';
import { approverAccess } from '../../../nodes/shared/approverCredential';
import { amclVectors } from '../../support/paths';

const vectors = amclVectors();
const mpin = vectors.mpin[0] as { idText: string; clientSecret: string };
const v1 = (mpinPin: unknown) => ({
	environment: 'custom',
	partnerApiBaseUrl: 'http://127.0.0.1:1',
	qapiV1BaseUrl: 'http://127.0.0.1:1',
	qapiV2BaseUrl: 'http://127.0.0.1:1',
	approverType: 'v1',
	agentId: 'agent-1',
	mpinIdentity: bytesToHex(utf8(mpin.idText)),
	mpinClientSecret: mpin.clientSecret,
	mpinPin,
	blsKeySource: 'privateKey',
	blsPrivateKey: vectors.bls[0].sk,
});

test('empty or 0 means a client secret; digits (text or an old number field) are the PIN', () => {
	for (const [value, pin] of [[undefined, 0], ['', 0], [0, 0], ['0', 0], ['1234', 1234], [' 4321 ', 4321], [4321, 4321]] as const) {
		assert.equal(approverAccess(v1(value) as never).mpin?.pin, pin, `mpinPin ${JSON.stringify(value)}`);
	}
});

test('anything else is refused, naming the field and never echoing the value', () => {
	for (const value of ['12a4', '-5', '1.5', 'secret-pin-9931', 12.5, -1, '1234567890123456']) {
		assert.throws(
			() => approverAccess(v1(value) as never),
			(error: unknown) => error instanceof QredoInputError && /mpinPin/.test(error.message) && !error.message.includes(String(value).trim()),
			`mpinPin ${JSON.stringify(value)}`,
		);
	}
});
