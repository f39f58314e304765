/**
 * examples/scheduled-fund-operation.json: its Qredo nodes name real operations and only parameters those operations
 * show, it references the credential placeholder scripts/demo.js replaces, and its logic (read wallet → max
 * sendable → above threshold? → transfer the excess) does what it says against the sandbox. The run inside a real
 * n8n belongs to the end-to-end suite.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { resources } from '../../../nodes/Qredo/resources';
import { repoRoot } from '../../support/paths';
import { admin, byId, node, partner, runJson, startWorld, type World } from './support';

interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: INodeParameters;
	credentials?: Record<string, { id: string; name: string }>;
}

const workflow = JSON.parse(readFileSync(join(repoRoot, 'examples', 'scheduled-fund-operation.json'), 'utf8')) as {
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
};

const settingsNode = workflow.nodes.find((n) => n.name === 'Sweep Settings') as WorkflowNode;
const settings = Object.fromEntries(
	((settingsNode.parameters.assignments as IDataObject).assignments as IDataObject[]).map((a) => [String(a.name), a.value]),
) as Record<string, string | number>;

describe('example: scheduled fund operation', () => {
	it('is a Schedule Trigger (plus a manual trigger) → settings → Qredo wallet, max sendable → IF → Qredo transfer', () => {
		const types = workflow.nodes.map((n) => n.type);
		assert.ok(types.includes('n8n-nodes-base.scheduleTrigger'));
		assert.ok(types.includes('n8n-nodes-base.manualTrigger'));
		const next = (name: string, output = 0) => workflow.connections[name]?.main[output]?.map((c) => c.node);
		assert.deepEqual(next('Every Hour'), ['Sweep Settings']);
		assert.deepEqual(next('Sweep Settings'), ['Get Source Wallet']);
		assert.deepEqual(next('Get Source Wallet'), ['Get Max Sendable']);
		assert.deepEqual(next('Get Max Sendable'), ['Above Threshold?']);
		assert.deepEqual(next('Above Threshold?', 0), ['Transfer to Treasury']);
	});

	it('asks for the max sendable net of transfers awaiting approval, so an unapproved sweep is not swept twice', () => {
		const max = workflow.nodes.find((n) => n.name === 'Get Max Sendable') as WorkflowNode;
		assert.equal(max.parameters.includePending, true);
	});

	it('its Qredo nodes use existing operations, only parameters those show, and the credential placeholder', () => {
		const qredoNodes = workflow.nodes.filter((n) => n.type === 'n8n-nodes-qredo.qredo');
		assert.equal(qredoNodes.length, 3);
		for (const qredoNode of qredoNodes) {
			const { api, resource, operation } = qredoNode.parameters as Record<string, string>;
			assert.ok(resources[api as keyof typeof resources]?.[resource]?.[operation], `${qredoNode.name}: ${api} › ${resource} › ${operation}`);
			const resolved = NodeHelpers.getNodeParameters(node.description.properties, qredoNode.parameters, true, false, { typeVersion: 1 }, node.description) ?? {};
			for (const name of Object.keys(qredoNode.parameters)) assert.ok(name in resolved, `${qredoNode.name}: parameter "${name}" is not shown for this operation`);
			assert.deepEqual(qredoNode.credentials, { qredoApi: { id: 'REPLACE_WITH_QREDO_API_CREDENTIAL_ID', name: 'Qredo API' } });
		}
	});

	it('documents its settings: IDs to replace, amounts in base units', () => {
		assert.deepEqual(Object.keys(settings).sort(), ['companyId', 'expires', 'keepInWallet', 'minimumTransfer', 'sourceWalletId', 'treasuryWalletId']);
		assert.match(String(settings.companyId), /^REPLACE_WITH_/);
		assert.ok(Number.isSafeInteger(settings.keepInWallet) && Number.isSafeInteger(settings.minimumTransfer));
	});

	describe('its logic against the sandbox', () => {
		let world: World;
		before(async () => {
			world = await startWorld();
		});
		after(() => world.stop());

		/** The workflow's three Qredo steps and its IF, with the settings it would read. */
		async function sweep(keepInWallet: number, minimumTransfer: number): Promise<IDataObject | undefined> {
			const sourceWalletId = world.seed.fund.wallets.ETH;
			const [wallet] = await runJson(world, partner('wallet', 'get', { walletId: sourceWalletId }));
			const [max] = await runJson(world, partner('wallet', 'getMaxSendable', { walletId: String(wallet.wallet_id), txType: 'transfer', includePending: true }));
			if (!(Number(max.netAmount) - keepInWallet >= minimumTransfer)) return undefined;
			const [created] = await runJson(
				world,
				partner('transfer', 'create', {
					companyId: byId(world.seed.company.id),
					walletId: sourceWalletId,
					counterpartyWallet: world.seed.operationsFund.wallets.ETH,
					asset: String(wallet.asset),
					amount: String(Number(max.netAmount) - keepInWallet),
					expires: String(settings.expires),
					partnerTxId: '',
					additionalFields: { reference: 'n8n scheduled sweep test' },
				}),
			);
			return created;
		}

		it('above the threshold: transfers the excess, leaving keepInWallet behind', async () => {
			const keep = Number(settings.keepInWallet);
			const created = await sweep(keep, Number(settings.minimumTransfer));
			assert.ok(created, 'a transfer was created');
			assert.equal(created.status, 'new');
			assert.match(String(created.partner_txID), /^[0-9a-f-]{36}$/);
			const tx = (await admin(world, 'GET', `/transactions/${String(created.tx_id)}`)).json;
			assert.equal(tx.status, 'pending');
			const [wallet] = await runJson(world, partner('wallet', 'get', { walletId: world.seed.fund.wallets.ETH }));
			assert.ok(Number(wallet.balance) - Number(tx.amount) >= keep, 'what stays covers keepInWallet');
		});

		it('a second run while the first sweep awaits approval: no transfer (Include Pending counts it)', async () => {
			assert.equal(await sweep(Number(settings.keepInWallet), Number(settings.minimumTransfer)), undefined);
		});
	});
});
