/** The published entry point (dist/index.js, bundled) exposes the nodes, credentials and protocol core. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { amclVectors, repoRoot } from '../../support/paths';

test('dist/index.js exports the n8n classes and a working protocol core', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const api = require(join(repoRoot, 'dist/index.js')) as Record<string, unknown>;
	for (const name of ['Qredo', 'QredoTrigger', 'QredoApproval', 'QredoApi', 'QredoApproverApi', 'blsSign', 'blsVerify', 'decideAction', 'FeedClient', 'qredoRequest', 'startSandbox']) {
		assert.equal(typeof api[name], 'function', `${name} is exported`);
	}
	const v = amclVectors().fixed.sk42;
	const blsSign = api.blsSign as (sk: bigint, msg: Uint8Array) => Uint8Array;
	const signature = Buffer.from(blsSign(BigInt('0x' + v.sk), Buffer.from('74657374206d657373616765', 'hex'))).toString('hex');
	assert.equal(signature, v.signatures['74657374206d657373616765']);
});
