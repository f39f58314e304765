/**
 * The published entries: dist/index.js (the nodes, credentials and protocol core) and `n8n-nodes-qredo/core` (the
 * protocol core alone, what the CLI package builds on), resolved by package name as a user's program resolves them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { amclVectors, repoRoot } from '../../support/paths';

const CORE = ['blsSign', 'blsVerify', 'decideAction', 'FeedClient', 'qredoRequest', 'registerAgentV1', 'RegistrationError', 'QredoInputError'];
const NODES = ['Qredo', 'QredoTrigger', 'QredoApproval', 'QredoApi', 'QredoApproverApi'];

test('dist/index.js exports the n8n classes and a working protocol core, and no sandbox', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const api = require(join(repoRoot, 'dist/index.js')) as Record<string, unknown>;
	for (const name of [...NODES, ...CORE]) assert.equal(typeof api[name], 'function', `${name} is exported`);
	assert.equal(api.startSandbox, undefined, 'the sandbox lives in the CLI package');
	const v = amclVectors().fixed.sk42;
	const blsSign = api.blsSign as (sk: bigint, msg: Uint8Array) => Uint8Array;
	const signature = Buffer.from(blsSign(BigInt('0x' + v.sk), Buffer.from('74657374206d657373616765', 'hex'))).toString('hex');
	assert.equal(signature, v.signatures['74657374206d657373616765']);
});

test('n8n-nodes-qredo/core is the protocol core without n8n; the package exports nothing deeper', () => {
	const resolve = (id: string) => require.resolve(id, { paths: [repoRoot] });
	assert.equal(resolve('n8n-nodes-qredo/core'), join(repoRoot, 'dist/lib/index.js'));
	assert.equal(resolve('n8n-nodes-qredo'), join(repoRoot, 'dist/index.js'));
	assert.equal(resolve('n8n-nodes-qredo/package.json'), join(repoRoot, 'package.json'));
	assert.throws(() => resolve('n8n-nodes-qredo/dist/lib/crypto/bls.js'), /ERR_PACKAGE_PATH_NOT_EXPORTED|not defined by "exports"/);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const core = require(resolve('n8n-nodes-qredo/core')) as Record<string, unknown>;
	for (const name of CORE) assert.equal(typeof core[name], 'function', `${name} is in the core`);
	for (const name of NODES) assert.equal(core[name], undefined, `${name} is not in the core`);
});
