/** Custody groups and new wallets: the shapes fund creation, Add Wallets and Set Wallet Policy share. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { assetCode, custodyGroup, isBlank, qredoId, text } from '../../../validation';
import { QredoInputError } from '../../../../../lib/errors';

const MEMBERS_HELP = 'Trusted-party IDs of the custodians (trusted_entity_id from Trusted Party › Get Many), separated by commas';

/** Threshold and members of one custody group, as two top-level fields. */
export function custodyGroupFields(prefix: 'withdraw' | 'tx', label: string): INodeProperties[] {
	return [
		{
			displayName: `${label} Threshold`,
			name: `${prefix}Threshold`,
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
			required: true,
			description: `How many custodians must approve a ${label.toLowerCase()} (threshold)`,
		},
		{
			displayName: `${label} Members`,
			name: `${prefix}Members`,
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 5zPWqLZa…, tWCZES5H…',
			description: MEMBERS_HELP,
		},
	];
}

export const walletTypeOptions = [
	{ name: 'Standard', value: 0 },
	{ name: 'Dedicated', value: 1 },
	{ name: 'Multi-Counterparty', value: 2 },
];

/** The wallets of fund creation and Add Wallets (NewWallet). */
export const newWalletsField: INodeProperties = {
	displayName: 'Wallets',
	name: 'wallets',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Wallet',
	default: {},
	options: [
		{
			displayName: 'Wallet',
			name: 'wallet',
			values: [
				{
					displayName: 'Asset Name or ID',
					name: 'asset',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'getAssets' },
					default: '',
					description:
						'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
				},
				{
					displayName: 'Connect',
					name: 'connect',
					type: 'string',
					default: '',
					placeholder: 'e.g. counterpartyId:clientId',
					description: 'Counterparties to connect (connect), as counterparty_id:client_id pairs separated by commas',
				},
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Transfer Members', name: 'txMembers', type: 'string', default: '', description: MEMBERS_HELP },
				{
					displayName: 'Transfer Threshold',
					name: 'txThreshold',
					type: 'number',
					default: 0,
					description: "Own transfer custody group for this wallet; 0 keeps the fund's",
				},
				{ displayName: 'Type', name: 'type', type: 'options', options: walletTypeOptions, default: 0 },
				{ displayName: 'Withdrawal Members', name: 'withdrawMembers', type: 'string', default: '', description: MEMBERS_HELP },
				{
					displayName: 'Withdrawal Threshold',
					name: 'withdrawThreshold',
					type: 'number',
					default: 0,
					description: "Own withdrawal custody group for this wallet; 0 keeps the fund's",
				},
			],
		},
	],
};

function optionalGroup(threshold: unknown, members: unknown, prefix: string): IDataObject | undefined {
	const noThreshold = isBlank(threshold) || threshold === 0;
	if (noThreshold && isBlank(members)) return undefined;
	return { ...custodyGroup(threshold, members, prefix) };
}

/** NewWallet bodies from the fixedCollection; `required` refuses an empty list. */
export function newWallets(parameter: IDataObject, required: boolean): IDataObject[] {
	const rows = (parameter.wallet as IDataObject[] | undefined) ?? [];
	if (required && rows.length === 0) throw new QredoInputError('Wallets', 'at least one wallet');
	return rows.map((row, index) => {
		const label = `Wallets[${index + 1}]`;
		const wallet: IDataObject = { asset: assetCode(row.asset, `${label} Asset`), type: walletType(row.type, `${label} Type`) };
		if (!isBlank(row.name)) wallet.name = text(row.name, `${label} Name`, { maxLength: 256 });
		const withdraw = optionalGroup(row.withdrawThreshold, row.withdrawMembers, `${label} Withdrawal`);
		if (withdraw) wallet.custodygroup_withdraw = withdraw;
		const tx = optionalGroup(row.txThreshold, row.txMembers, `${label} Transfer`);
		if (tx) wallet.custodygroup_tx = tx;
		if (!isBlank(row.connect)) wallet.connect = connections(row.connect as string, `${label} Connect`);
		return wallet;
	});
}

function walletType(value: unknown, field: string): number {
	const type = value === undefined || value === '' ? 0 : Number(value);
	if (![0, 1, 2].includes(type)) throw new QredoInputError(field, '0 (standard), 1 (dedicated) or 2 (multi-counterparty)');
	return type;
}

function connections(value: string, field: string): IDataObject[] {
	return value
		.split(/[\s,;]+/)
		.filter((pair) => pair !== '')
		.map((pair) => {
			const [counterparty, client, extra] = pair.split(':');
			if (client === undefined || extra !== undefined) throw new QredoInputError(field, 'counterparty_id:client_id pairs separated by commas');
			return { counterparty_id: qredoId(counterparty, field), client_id: qredoId(client, field) };
		});
}
