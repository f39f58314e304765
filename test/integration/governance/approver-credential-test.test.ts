/**
 * The "Test" button of the Qredo Approver API credential (the credentialTest both approver nodes register) against
 * the sandbox: it passes for the demo's v2 API key and v1 agent, and for each wrong value names the step that failed
 * (values, v2 login, registered BLS key, feed) without echoing a secret.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { generateKeys } from '../../../lib/crypto/keys';
import { mpinClientSecret, randomScalar } from '../../../packages/cli/sandbox/crypto';
import { QredoApproval } from '../../../nodes/QredoApproval/QredoApproval.node';
import { QredoTrigger } from '../../../nodes/QredoTrigger/QredoTrigger.node';
import { repoRoot } from '../../support/paths';
import { type DemoSandbox, startDemo } from './support';

interface CredentialJson {
	id: string;
	data: ICredentialDataDecryptedObject;
}
const demo = createRequire(__filename)(join(repoRoot, 'scripts', 'demo.js')) as {
	n8nCredentials(sandbox: DemoSandbox['creds']): CredentialJson[];
	DEMO_CREDENTIAL_IDS: { approverV2: string; approverV1: string };
};

const credentialTest = new QredoApproval().methods.credentialTest.qredoApproverConnectionTest;

function runTest(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	return credentialTest.call({} as ICredentialTestFunctions, { id: 'c1', name: 'Qredo Approver', type: 'qredoApproverApi', data });
}

describe('Qredo Approver API credential test', () => {
	let world: DemoSandbox;
	let v2: ICredentialDataDecryptedObject;
	let v1: ICredentialDataDecryptedObject;
	let secrets: string[];

	before(async () => {
		world = await startDemo();
		const credentials = demo.n8nCredentials(world.creds);
		const byId = (id: string) => credentials.find((c) => c.id === id)?.data as ICredentialDataDecryptedObject;
		v2 = byId(demo.DEMO_CREDENTIAL_IDS.approverV2);
		v1 = byId(demo.DEMO_CREDENTIAL_IDS.approverV1);
		const { qredoApiV2, agent } = world.creds;
		secrets = [qredoApiV2.secret, qredoApiV2.blsPrivateKey, qredoApiV2.ecPrivateKey, agent.clientSecret, agent.blsPrivateKey, agent.ecPrivateKey];
	});
	after(() => world.sandbox.stop());

	/** The result, after checking that no secret of the demo identities appears in its message. */
	async function result(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
		const outcome = await runTest(data);
		for (const secret of secrets) assert.ok(!outcome.message.includes(secret), `no secret in: ${outcome.message}`);
		return outcome;
	}

	it('is the same method on the Qredo Trigger and on Qredo Approve/Reject', () => {
		assert.equal(new QredoTrigger().methods.credentialTest.qredoApproverConnectionTest, credentialTest);
	});

	it('v2 API key: login, registered BLS key and feed all OK', async () => {
		const outcome = await result(v2);
		assert.equal(outcome.status, 'OK', outcome.message);
		assert.match(outcome.message, /^Connected as API key .+: login and feed OK; BLS key matches the registered key$/);
	});

	it('v1 agent: M-Pin feed OK', async () => {
		const outcome = await result(v1);
		assert.equal(outcome.status, 'OK', outcome.message);
		assert.match(outcome.message, /^Connected as agent .+: login and feed OK$/);
	});

	it('v2 with a wrong API secret: names the HMAC login', async () => {
		const outcome = await result({ ...v2, apiSecret: Buffer.from('not the secret of this key at all').toString('base64') });
		assert.equal(outcome.status, 'Error');
		assert.match(outcome.message, /^Qredo API v2 login \(HMAC\) failed: .*401/);
	});

	it('v2 with a BLS key that is not the registered one: refuses before any approval could be rejected', async () => {
		const outcome = await result({ ...v2, blsPrivateKey: generateKeys().blsPrivateKey });
		assert.equal(outcome.status, 'Error');
		assert.match(outcome.message, /does not belong to the key registered on API key/);
	});

	it('v1 with a wrong M-Pin client secret (well-formed: issued by another master secret): names the feed and its scheme', async () => {
		const foreign = Buffer.from(mpinClientSecret(randomScalar(), Buffer.from(world.creds.agent.clientID, 'hex'))).toString('hex');
		const outcome = await result({ ...v1, mpinClientSecret: foreign });
		assert.equal(outcome.status, 'Error');
		assert.match(outcome.message, /^Pending-actions feed \(M-Pin \(x-api-zkp\)\) for agent .+: .*401/);
	});

	it('malformed values: names the field, before any request', async () => {
		const outcome = await result({ ...v2, blsPrivateKey: 'zz' });
		assert.equal(outcome.status, 'Error');
		assert.match(outcome.message, /^Credential values: .*[Bb][Ll][Ss]/);
	});
});
