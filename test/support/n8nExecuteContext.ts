/**
 * A small, faithful stand-in for the contexts n8n hands a node, for tests that drive a node's own `execute`,
 * `methods.listSearch` / `methods.loadOptions` and credential tests without running n8n.
 *
 * What is real: parameters are resolved exactly as n8n resolves a workflow node's parameters
 * (`NodeHelpers.getNodeParameters` with defaults, dropping the ones not displayed), then read with n8n's rules:
 * dotted paths, the fallback, "Could not get parameter" when absent, deep copies, and `extractValue` for resource
 * locators (the mode's regex, else `.value`). `returnJsonArray` and `constructExecutionMetaData` behave like n8n-core's.
 * What is not: expressions. Per-item values, which workflows get from expressions, are given as `itemParameters`.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	IDataObject,
	IExecuteFunctions,
	IGetNodeParameterOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	INodeParameterResourceLocator,
	INodeParameters,
	INodeProperties,
	INodeType,
	IPairedItemData,
	IRun,
	ITriggerFunctions,
} from 'n8n-workflow';
import { deepCopy, NodeHelpers } from 'n8n-workflow';

export interface NodeRunOptions {
	/** Parameters as a user sets them in the editor (the rest take their defaults). */
	parameters: INodeParameters;
	/** Per-item overrides, standing in for expressions that differ per item. */
	itemParameters?: INodeParameters[];
	/** Decrypted credential data per credential type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Input items; one empty item by default. */
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	nodeName?: string;
	/** Aborts the execution (n8n's cancel button). */
	cancelSignal?: AbortSignal;
}

export interface ContextRecord {
	/** Credential types requested, in order. */
	credentialRequests: string[];
	/** The execution's custom data (what n8n returns to the main process in queue mode). */
	customData?: ReturnType<typeof customDataStore>;
}

/** lodash.get for the dotted paths n8n accepts in getNodeParameter. */
function getPath(source: unknown, path: string): unknown {
	let value: unknown = source;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

function isResourceLocator(value: unknown): value is INodeParameterResourceLocator {
	return typeof value === 'object' && value !== null && 'mode' in value && 'value' in value;
}

function nodeTypeName(nodeType: INodeType): string {
	return `n8n-nodes-qredo.${nodeType.description.name}`;
}

class ParameterResolver {
	private readonly resolved = new Map<number, INodeParameters>();

	constructor(
		private readonly nodeType: INodeType,
		private readonly options: Pick<NodeRunOptions, 'parameters' | 'itemParameters'>,
	) {}

	private get version(): number {
		const version = this.nodeType.description.version;
		return Array.isArray(version) ? Math.max(...version) : version;
	}

	/** The node's parameters for one item, as n8n stores them: user values plus defaults of displayed fields. */
	parametersFor(itemIndex: number): INodeParameters {
		let parameters = this.resolved.get(itemIndex);
		if (parameters === undefined) {
			const values = { ...this.options.parameters, ...(this.options.itemParameters?.[itemIndex] ?? {}) };
			const description = this.nodeType.description;
			parameters = NodeHelpers.getNodeParameters(description.properties, values, true, false, { typeVersion: this.version }, description) ?? {};
			this.resolved.set(itemIndex, parameters);
		}
		return parameters;
	}

	node(itemIndex: number, name: string): INode {
		return {
			id: '00000000-0000-4000-8000-000000000001',
			name,
			type: nodeTypeName(this.nodeType),
			typeVersion: this.version,
			position: [0, 0],
			parameters: this.parametersFor(itemIndex),
		};
	}

	get(parameterName: string, itemIndex: number, fallbackValue: unknown, options?: IGetNodeParameterOptions): unknown {
		const parameters = this.parametersFor(itemIndex);
		const value = getPath(parameters, parameterName) ?? fallbackValue;
		if (value === undefined) throw new Error(`Could not get parameter "${parameterName}"`);
		const copy = typeof value === 'object' && value !== null ? deepCopy(value) : value;
		return options?.extractValue ? this.extract(copy, parameterName, parameters) : copy;
	}

	/** n8n-core's extractValue for resource locators: the mode's `extractValue` regex, else the plain value. */
	private extract(value: unknown, parameterName: string, parameters: INodeParameters): unknown {
		const description = this.nodeType.description;
		const property = NodeHelpers.findDisplayedProperty(parameterName, description.properties, parameters, { typeVersion: this.version }, description) as
			| INodeProperties
			| undefined;
		if (!property || property.type !== 'resourceLocator' || !isResourceLocator(value)) return value;
		const mode = property.modes?.find((candidate) => candidate.name === value.mode);
		if (!mode?.extractValue) return value.value;
		if (typeof value.value !== 'string') throw new Error("ERROR: This parameter's value is invalid. Please enter a valid mode.");
		const regex = mode.extractValue.regex;
		const match = typeof regex === 'string' ? new RegExp(regex).exec(value.value) : regex.exec(value.value);
		if (!match || match.length !== 2) throw new Error(`ERROR: ${property.displayName} parameter's value is invalid`);
		return match[1];
	}
}

function credentialsGetter(options: Pick<NodeRunOptions, 'credentials'>, record: ContextRecord) {
	return async <T extends object = ICredentialDataDecryptedObject>(type: string): Promise<T> => {
		record.credentialRequests.push(type);
		const data = options.credentials?.[type];
		if (data === undefined) throw new Error(`Node does not have any credentials set for "${type}"`);
		return deepCopy(data) as unknown as T;
	};
}

/** n8n-core's returnJsonArray. */
export function returnJsonArray(jsonData: IDataObject | IDataObject[]): INodeExecutionData[] {
	const list = Array.isArray(jsonData) ? jsonData : [jsonData];
	return list.map((data) => (data?.json ? ({ ...data, json: data.json } as INodeExecutionData) : { json: data }));
}

/** n8n-core's constructExecutionMetaData. */
export function constructExecutionMetaData(inputData: INodeExecutionData[], options: { itemData: IPairedItemData | IPairedItemData[] }): INodeExecutionData[] {
	return inputData.map(({ json, ...rest }) => ({ json, pairedItem: options.itemData, ...rest }));
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** n8n-core's execution custom data, with its rules: ≤ 10 keys of letters, digits and _, string values ≤ 255. */
export function customDataStore(): IExecuteFunctions['customData'] & { data: Record<string, string> } {
	const data: Record<string, string> = {};
	return {
		data,
		set(key: string, value: string) {
			if (/[^\p{L}\p{N}\p{M}_]/u.test(key)) throw new Error(`Custom data key can only contain letters, numbers, and underscores (key "${key}")`);
			if (!(key in data) && Object.keys(data).length >= 10) return;
			data[key] = String(value).slice(0, 255);
		},
		setAll(values: Record<string, string>) {
			for (const [key, value] of Object.entries(values)) this.set(key, value);
		},
		get: (key: string) => data[key],
		getAll: () => ({ ...data }),
	};
}

export function executeContext(nodeType: INodeType, options: NodeRunOptions): { context: IExecuteFunctions; record: ContextRecord } {
	const resolver = new ParameterResolver(nodeType, options);
	const record: ContextRecord = { credentialRequests: [], customData: customDataStore() };
	const items = options.items ?? [{ json: {} }];
	const nodeName = options.nodeName ?? nodeType.description.defaults.name ?? nodeType.description.displayName;
	const context = {
		getNodeParameter: (name: string, itemIndex: number, fallbackValue?: unknown, parameterOptions?: IGetNodeParameterOptions) =>
			resolver.get(name, itemIndex, fallbackValue, parameterOptions),
		getNode: () => resolver.node(0, nodeName),
		getCredentials: credentialsGetter(options, record),
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail === true,
		getMode: () => 'manual',
		getExecutionId: () => 'test-execution-1',
		getExecutionCancelSignal: () => options.cancelSignal,
		logger: silentLogger,
		helpers: { returnJsonArray, constructExecutionMetaData },
		customData: record.customData,
	};
	return { context: context as unknown as IExecuteFunctions, record };
}

/** Runs `execute` as n8n would for one node with the given input. */
export async function runNode(nodeType: INodeType, options: NodeRunOptions): Promise<INodeExecutionData[][]> {
	if (!nodeType.execute) throw new Error(`${nodeType.description.name} has no execute()`);
	const { context } = executeContext(nodeType, options);
	return (await nodeType.execute.call(context)) as INodeExecutionData[][];
}

/** The context of `methods.loadOptions` / `methods.listSearch`: the node's current (unsaved) parameters. */
export function loadOptionsContext(nodeType: INodeType, options: Pick<NodeRunOptions, 'parameters' | 'credentials'>): ILoadOptionsFunctions {
	const resolver = new ParameterResolver(nodeType, options);
	const record: ContextRecord = { credentialRequests: [] };
	const context = {
		getNodeParameter: (name: string, fallbackValue?: unknown, parameterOptions?: IGetNodeParameterOptions) => resolver.get(name, 0, fallbackValue, parameterOptions),
		getCurrentNodeParameter: (name: string, parameterOptions?: IGetNodeParameterOptions) => {
			try {
				return resolver.get(name, 0, undefined, parameterOptions);
			} catch {
				return undefined;
			}
		},
		getCurrentNodeParameters: () => resolver.parametersFor(0),
		getNode: () => resolver.node(0, nodeType.description.displayName),
		getCredentials: credentialsGetter(options, record),
		logger: silentLogger,
		helpers: {},
	};
	return context as unknown as ILoadOptionsFunctions;
}

/** The context of a node's `methods.credentialTest` function: it offers only the legacy request helper, unused here. */
export function credentialTestContext(): ICredentialTestFunctions {
	return {
		logger: silentLogger,
		helpers: {
			request: async () => {
				throw new Error('credential tests of this package do not use helpers.request');
			},
		},
	} as unknown as ICredentialTestFunctions;
}

interface Deferred<T> {
	promise: Promise<T>;
	resolve: (value: T) => void;
	reject: (error: Error) => void;
}

/** n8n-core's createDeferredPromise. */
function createDeferredPromise<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** What a trigger did through its context, for assertions. */
export interface TriggerRecord {
	/** emit(): the items of each emitted execution, with its deduplication key */
	emitted: Array<{ items: INodeExecutionData[]; deduplicationKey?: string }>;
	/** emitError(): what made n8n deactivate the trigger */
	errors: Error[];
	/** saveFailedExecution(): the failed executions recorded (each runs the Error Workflow) */
	failures: Error[];
	logs: Array<{ level: string; message: string }>;
}

/**
 * The context n8n hands a trigger: parameters, credentials, static data, and emit / emitError / saveFailedExecution
 * recorded. An emitted execution "ends" through `finish` (default: successful, no decision), which resolves the
 * trigger's done promise as n8n does when the execution ends.
 */
export function triggerContext(
	nodeType: INodeType,
	options: Pick<NodeRunOptions, 'parameters' | 'credentials' | 'nodeName'> & {
		mode: 'trigger' | 'manual';
		workflowId?: string;
		staticData?: IDataObject;
		finish?: (items: INodeExecutionData[]) => Promise<IRun | undefined>;
	},
): { context: ITriggerFunctions; record: TriggerRecord } {
	const resolver = new ParameterResolver(nodeType, options);
	const record: TriggerRecord = { emitted: [], errors: [], failures: [], logs: [] };
	const staticData = options.staticData ?? {};
	const finish = options.finish ?? (async () => ({ status: 'success', mode: 'trigger', startedAt: new Date(), storedAt: 'db', data: { resultData: { runData: {} } } }) as unknown as IRun);
	const log = (level: string) => (message: string) => void record.logs.push({ level, message });
	const context = {
		getNodeParameter: (name: string, fallbackValue?: unknown, parameterOptions?: IGetNodeParameterOptions) => resolver.get(name, 0, fallbackValue, parameterOptions),
		getNode: () => resolver.node(0, options.nodeName ?? nodeType.description.defaults.name ?? nodeType.description.displayName),
		getCredentials: credentialsGetter(options, { credentialRequests: [] }),
		getMode: () => options.mode,
		getWorkflow: () => ({ id: options.workflowId ?? 'wfTest', name: 'test workflow', active: options.mode === 'trigger' }),
		getWorkflowStaticData: () => staticData,
		emit: (data: INodeExecutionData[][], _response?: unknown, done?: Deferred<IRun | undefined>, deduplicationKey?: string) => {
			record.emitted.push({ items: data[0] ?? [], deduplicationKey });
			if (done) void finish(data[0] ?? []).then(done.resolve, done.reject);
		},
		emitError: (error: Error) => void record.errors.push(error),
		saveFailedExecution: (error: Error) => void record.failures.push(error),
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		helpers: { returnJsonArray, createDeferredPromise },
	};
	return { context: context as unknown as ITriggerFunctions, record };
}
