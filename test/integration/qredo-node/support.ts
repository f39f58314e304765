/**
 * What the Qredo node's integration tests share: a demo-seeded sandbox, the "Qredo API" credential built from the
 * seed's credentials, a runner for the node, assertions for n8n errors, and the list of secrets no output may hold.
 */
import assert from 'node:assert/strict';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { Qredo } from '../../../nodes/Qredo/Qredo.node';
import { startSandbox, type RunningSandbox, type SandboxCredentials, type StartSandboxOptions } from '../../../packages/cli/sandbox/server';
import { type NodeRunOptions, runNode } from '../../support/n8nExecuteContext';

export const node = new Qredo();

export interface World {
	sb: RunningSandbox;
	seed: SandboxCredentials;
	/** The "Qredo API" credential data with every section filled. */
	credential: ICredentialDataDecryptedObject;
	stop(): Promise<void>;
}

export function qredoApiCredential(seed: SandboxCredentials, only?: Array<'partner' | 'v1' | 'v2'>): ICredentialDataDecryptedObject {
	const want = (section: 'partner' | 'v1' | 'v2') => only === undefined || only.includes(section);
	return {
		environment: 'custom',
		partnerApiBaseUrl: seed.partnerApi.baseUrl,
		qapiV1BaseUrl: seed.qredoApiV1.baseUrl,
		qapiV2BaseUrl: seed.qredoApiV2.baseUrl,
		partnerApiKey: want('partner') ? seed.partnerApi.apiKey : '',
		rsaPrivateKey: want('partner') ? seed.partnerApi.privateKeyPem : '',
		partnerReplayProtection: 'timestamp',
		qapiV1ApiKeyId: want('v1') ? seed.qredoApiV1.keyId : '',
		qapiV1Secret: want('v1') ? seed.qredoApiV1.secret : '',
		qapiV2ApiKeyId: want('v2') ? seed.qredoApiV2.apiKeyId : '',
		qapiV2Secret: want('v2') ? seed.qredoApiV2.secret : '',
		qapiV2WorkspaceId: want('v2') ? seed.qredoApiV2.workspaceId : '',
	};
}

export async function startWorld(options: StartSandboxOptions = {}): Promise<World> {
	// Fund creation is rate-limited per company (one per 15 s) by default; tests that want it turn it back on.
	const sb = await startSandbox({ seed: 'demo', fundCreationIntervalMs: 0, ...options });
	const seed = sb.credentials as SandboxCredentials;
	return { sb, seed, credential: qredoApiCredential(seed), stop: () => sb.stop() };
}

export interface RunOptions extends Partial<Omit<NodeRunOptions, 'parameters'>> {
	credential?: ICredentialDataDecryptedObject;
}

/** Runs the node once; `parameters` as set in the editor. */
export async function run(world: World, parameters: INodeParameters, options: RunOptions = {}): Promise<INodeExecutionData[]> {
	const { credential, ...rest } = options;
	const output = await runNode(node, { parameters, credentials: { qredoApi: credential ?? world.credential }, ...rest });
	assert.equal(output.length, 1, 'one output');
	assertNoSecrets(world, output);
	return output[0];
}

/** The json of every output item. */
export async function runJson(world: World, parameters: INodeParameters, options: RunOptions = {}): Promise<IDataObject[]> {
	return (await run(world, parameters, options)).map((item) => item.json);
}

/** A resource-locator value in "By ID" mode. */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** Runs the node expecting a failure; returns the error after checking it carries no secret. */
export async function runError(world: World, parameters: INodeParameters, options: RunOptions = {}): Promise<Error> {
	try {
		await run(world, parameters, options);
	} catch (error) {
		assertNoSecrets(world, errorText(error));
		return error as Error;
	}
	assert.fail('expected the node to fail');
}

export function errorText(error: unknown): string {
	const e = error as NodeApiError & { messages?: string[] };
	return JSON.stringify({ message: e.message, description: e.description, messages: e.messages, context: e.context, cause: String(e.cause ?? '') });
}

/** A NodeApiError carrying Qredo's status and (part of) its reason. */
export function assertApiError(error: Error, status: number, reasonPart?: string | RegExp): NodeApiError {
	assert.ok(error instanceof NodeApiError, `expected NodeApiError, got ${error?.constructor?.name}: ${error?.message}`);
	assert.equal(String(error.httpCode), String(status), error.message);
	assert.match(error.message, new RegExp(`^Qredo .+: ${status} `), error.message);
	if (reasonPart !== undefined) {
		const pattern = typeof reasonPart === 'string' ? new RegExp(reasonPart.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : reasonPart;
		assert.match(error.message, pattern);
	}
	assert.match(error.description ?? '', /code: .+; msg: .+; detail: /);
	return error;
}

/** A NodeOperationError whose message starts with the field's display name. */
export function assertInputError(error: Error, field: string, expectedPart?: string): NodeOperationError {
	assert.ok(error instanceof NodeOperationError, `expected NodeOperationError, got ${error?.constructor?.name}: ${error?.message}`);
	assert.ok(error.message.startsWith(`${field}: expected`), `message should name ${field}: ${error.message}`);
	if (expectedPart !== undefined) assert.ok(error.message.includes(expectedPart), error.message);
	return error;
}

/** Secrets of the seed: API keys and secrets, the RSA private key and each line of its PEM body. */
export function secretsOf(world: World): string[] {
	const { partnerApi, qredoApiV1, qredoApiV2 } = world.seed;
	const pemLines = partnerApi.privateKeyPem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
	return [partnerApi.apiKey, partnerApi.privateKeyPem, qredoApiV1.secret, qredoApiV2.secret, qredoApiV2.blsPrivateKey, qredoApiV2.ecPrivateKey, ...pemLines];
}

export function assertNoSecrets(world: World, value: unknown): void {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	for (const secret of secretsOf(world)) assert.ok(!text.includes(secret), 'a secret appeared in the output');
	assert.ok(!/-----BEGIN/.test(text), 'a PEM appeared in the output');
}

// ---- the sandbox admin API ----

export async function admin(world: World, method: string, path: string, body?: unknown): Promise<{ status: number; json: IDataObject }> {
	const response = await fetch(`${world.seed.adminUrl}${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, json: text ? (JSON.parse(text) as IDataObject) : {} };
}

/** Arms `failNext`: the next `count` HTTP requests get `status` (with Retry-After when given). */
export async function failNext(world: World, count: number, status: number, retryAfterSeconds?: number): Promise<void> {
	const response = await admin(world, 'POST', '/faults', { failNext: { count, status, retryAfterSeconds } });
	assert.equal(response.status, 200, JSON.stringify(response.json));
}

/** Failures still armed (0 when all were consumed). */
export async function remainingFailures(world: World): Promise<number> {
	const faults = (await admin(world, 'GET', '/faults')).json;
	const pending = faults.failNext as IDataObject | null;
	return pending ? Number(pending.remaining) : 0;
}

/** The companies' trusted parties with their IDs (for custody-group members). */
export async function trustedParties(world: World, companyId: string): Promise<Array<{ id: string; address: string; type: string }>> {
	const state = (await admin(world, 'GET', '/state')).json;
	const company = (state.companies as IDataObject[]).find((c) => c.companyId === companyId);
	return ((company?.trustedParties as IDataObject[]) ?? []).map((p) => ({ id: String(p.id), address: String(p.address), type: String(p.type) }));
}

export const partner = (resource: string, operation: string, rest: INodeParameters = {}): INodeParameters => ({ api: 'partnerApi', resource, operation, ...rest });
export const v1 = (resource: string, operation: string, rest: INodeParameters = {}): INodeParameters => ({ api: 'qapiV1', resource, operation, ...rest });
export const v2 = (resource: string, operation: string, rest: INodeParameters = {}): INodeParameters => ({ api: 'qapiV2', resource, operation, ...rest });
