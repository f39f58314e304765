/**
 * `qredo register v1` and `qredo register v2`: create an approver identity with Qredo (lib/registration.ts).
 * The new private keys and M-Pin client secret exist only in this process: they go into the --out file (created
 * 0600 before anything is sent, never overwritten) and, only with --print-secrets, to standard output. Without
 * --print-secrets only public values are printed.
 */
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { QredoApiError, QredoInputError, QredoTransportError, registerAgentV1, registerApiKeyV2, RegistrationError, v2FeedUrl } from 'n8n-nodes-qredo/core';
import { CliError, type CliIo, type Command, parseFlags, readSecret } from '../cli';

const PRODUCTION_PARTNER_API = 'https://api.qredo.network/api/v1/p';
const PRODUCTION_QREDO_API_V2 = 'https://api-v2.qredo.network/api/v2';

/** Library field names → the flags that feed them, so errors name what the user typed. */
const FLAG_OF_FIELD: Record<string, string> = {
	partnerBaseUrl: 'base-url',
	baseUrl: 'base-url',
	name: 'name',
	partnerApiKey: 'partner-api-key',
	apiKey: 'partner-api-key',
	rsaPrivateKey: 'rsa-private-key',
	apiKeyId: 'api-key-id',
	apiSecret: 'api-secret',
	workspaceId: 'workspace',
};

function cliErrorFrom(error: unknown): CliError {
	if (error instanceof CliError) return error;
	if (error instanceof QredoInputError) {
		const flag = FLAG_OF_FIELD[error.field];
		return new CliError(flag ? `--${flag}: expected ${error.expected}` : oneLine(error.message), flag ? 2 : 1);
	}
	if (error instanceof RegistrationError || error instanceof QredoApiError || error instanceof QredoTransportError) {
		return new CliError(oneLine(error.message));
	}
	return new CliError(`unexpected error: ${oneLine((error as Error)?.message ?? String(error))}`);
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/** Opens the --out file before registering (so a bad path costs nothing) and writes it once registration succeeded. */
class SecretsFile {
	private fd: number | undefined;

	constructor(readonly path: string) {
		try {
			this.fd = openSync(path, 'wx', 0o600);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new CliError(`--out: cannot create ${path} (${code === 'EEXIST' ? 'file exists; refusing to overwrite secrets' : code})`);
		}
	}

	write(document: Record<string, unknown>): void {
		const fd = this.fd as number;
		try {
			writeSync(fd, JSON.stringify(document, null, 2) + '\n');
			fsyncSync(fd);
		} catch (error) {
			throw new CliError(`--out: cannot write ${this.path} (${(error as NodeJS.ErrnoException).code}); the registration succeeded but its secrets are lost: register again`);
		} finally {
			closeSync(fd);
			this.fd = undefined;
		}
	}

	/** Registration failed: the empty file would only confuse. */
	discard(): void {
		if (this.fd === undefined) return;
		closeSync(this.fd);
		this.fd = undefined;
		rmSync(this.path, { force: true });
	}
}

function print(io: CliIo, values: Record<string, string>, json: boolean): void {
	io.stdout(json ? JSON.stringify(values, null, 2) + '\n' : Object.entries(values).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
}

/** Shared shape of both commands: --out or --print-secrets is required, because the secrets cannot be shown again. */
async function register(
	io: CliIo,
	switches: Record<string, boolean>,
	out: string | undefined,
	run: () => Promise<{ publicValues: Record<string, string>; secretDocument: Record<string, unknown>; allValues: Record<string, string> }>,
): Promise<void> {
	if (out === undefined && !switches['print-secrets']) {
		throw new CliError('--out FILE or --print-secrets is required: the new private keys and secrets are shown only once', 2);
	}
	const file = out === undefined ? undefined : new SecretsFile(out);
	let result;
	try {
		result = await run();
	} catch (error) {
		file?.discard();
		throw cliErrorFrom(error);
	}
	file?.write(result.secretDocument);
	const shown = switches['print-secrets'] ? result.allValues : result.publicValues;
	print(io, file ? { ...shown, secretsWrittenTo: file.path } : shown, switches.json);
}

function readKeyFile(io: CliIo, path: string | undefined, flag: string): string {
	if (path === undefined || path.trim() === '') throw new CliError(`--${flag} is required (a PEM file, or - for standard input)`, 2);
	if (path === '-') return io.readStdin();
	try {
		return readFileSync(path, 'utf8');
	} catch (error) {
		throw new CliError(`--${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
	}
}

function requireFlag(value: string | undefined, flag: string, what: string): string {
	if (value === undefined || value.trim() === '') throw new CliError(`--${flag} is required (${what})`, 2);
	return value.trim();
}

const v1Usage =
	'qredo register v1 --name NAME --partner-api-key <KEY|-> | --partner-api-key-file FILE --rsa-private-key <FILE|-> (--out FILE | --print-secrets) [--base-url URL] [--json]';
export const registerV1: Command = {
	path: ['register', 'v1'],
	summary: 'Register a Signing Agent v1 identity (core client) through the Partner API',
	usage: v1Usage,
	async run(argv, io) {
		const { values, switches, help } = parseFlags(
			argv,
			{ strings: ['name', 'partner-api-key', 'partner-api-key-file', 'rsa-private-key', 'out', 'base-url'], booleans: ['print-secrets', 'json'] },
			v1Usage,
		);
		if (help) {
			io.stdout(
				`Usage: ${v1Usage}\n\n` +
					'Generates BLS and EC keys, calls POST /coreclient/init (signed with the Partner API RSA key), signs the returned\n' +
					'IDDoc and calls POST /coreclient/finish with an x-api-zkp token: the agent is then active. Add its agent ID as a\n' +
					'trusted party and custody-group member in Qredo.\n\n' +
					'  --name NAME                 the agent name (at most 256 characters)\n' +
					'  --partner-api-key KEY       the Partner API key (- reads it from standard input; or --partner-api-key-file FILE)\n' +
					'  --rsa-private-key FILE      the Partner API RSA private key PEM (- for standard input)\n' +
					'  --out FILE                  write the agent ID, feed URL, M-Pin identity and client secret and the four keys to\n' +
					'                              FILE (JSON, created with mode 0600, never overwritten)\n' +
					'  --print-secrets             also print the secrets on standard output\n' +
					`  --base-url URL              Partner API base URL (default ${PRODUCTION_PARTNER_API})\n` +
					'  --json                      print one JSON object\n' +
					'Without --print-secrets only public values are printed: agent ID, feed URL and public keys.\n',
			);
			return;
		}
		const name = requireFlag(values.name, 'name', 'the agent name');
		if (values['partner-api-key'] === '-' && values['rsa-private-key'] === '-') throw new CliError('--partner-api-key and --rsa-private-key cannot both read standard input', 2);
		const apiKey = readSecret(io, 'partner-api-key', values['partner-api-key'], values['partner-api-key-file']) as string;
		const pem = readKeyFile(io, values['rsa-private-key'], 'rsa-private-key');
		await register(io, switches, values.out, async () => {
			const agent = await registerAgentV1({
				partnerBaseUrl: values['base-url'] ?? PRODUCTION_PARTNER_API,
				name,
				partnerApiKey: apiKey,
				rsaPrivateKey: pem,
			});
			const publicValues = { agentId: agent.agentId, feedUrl: agent.feedUrl, blsPublicKey: agent.keys.blsPublicKey, ecPublicKey: agent.keys.ecPublicKey };
			const allValues = { ...publicValues, mpinIdentity: agent.mpinIdentity, mpinClientSecret: agent.mpinClientSecret, blsPrivateKey: agent.keys.blsPrivateKey, ecPrivateKey: agent.keys.ecPrivateKey };
			return {
				publicValues,
				allValues,
				secretDocument: {
					about: 'Qredo Signing Agent v1 identity made by `qredo register v1`. SECRET: holds the BLS/EC private keys and the M-Pin client secret.',
					protocol: 'v1',
					agentId: agent.agentId,
					name: agent.name,
					feedUrl: agent.feedUrl,
					partnerBaseUrl: agent.partnerBaseUrl,
					mpinIdentity: agent.mpinIdentity,
					mpinClientSecret: agent.mpinClientSecret,
					...agent.keys,
					createdAt: new Date().toISOString(),
				},
			};
		});
	},
};

const v2Usage =
	'qredo register v2 --api-key-id ID --api-secret <SECRET|-> | --api-secret-file FILE --workspace ID (--out FILE | --print-secrets) [--base-url URL] [--json]';
export const registerV2: Command = {
	path: ['register', 'v2'],
	summary: 'Register BLS and EC keys for a Qredo API v2 key and approve the registration with the new key',
	usage: v2Usage,
	async run(argv, io) {
		const { values, switches, help } = parseFlags(
			argv,
			{ strings: ['api-key-id', 'api-secret', 'api-secret-file', 'workspace', 'out', 'base-url'], booleans: ['print-secrets', 'json'] },
			v2Usage,
		);
		if (help) {
			io.stdout(
				`Usage: ${v2Usage}\n\n` +
					'Generates BLS and EC keys, logs in with the API key, calls PUT /workspaces/{workspace}/apikeys/{id} with the public\n' +
					'keys and approves the resulting action with the NEW BLS key, which makes the keys effective.\n\n' +
					'  --api-key-id ID             the API key ID\n' +
					'  --api-secret SECRET         its base64 secret (- reads it from standard input; or --api-secret-file FILE)\n' +
					'  --workspace ID              the workspace ID\n' +
					'  --out FILE                  write the four keys (and IDs) to FILE (JSON, created with mode 0600, never overwritten);\n' +
					'                              the API secret is not written\n' +
					'  --print-secrets             also print the private keys on standard output\n' +
					`  --base-url URL              Qredo API v2 base URL (default ${PRODUCTION_QREDO_API_V2})\n` +
					'  --json                      print one JSON object\n' +
					'Without --print-secrets only public values are printed: key and action IDs and public keys.\n',
			);
			return;
		}
		const apiKeyId = requireFlag(values['api-key-id'], 'api-key-id', 'the API key ID');
		const workspaceId = requireFlag(values.workspace, 'workspace', 'the workspace ID');
		const apiSecret = readSecret(io, 'api-secret', values['api-secret'], values['api-secret-file']) as string;
		await register(io, switches, values.out, async () => {
			const baseUrl = values['base-url'] ?? PRODUCTION_QREDO_API_V2;
			const result = await registerApiKeyV2({ baseUrl, apiKeyId, apiSecret, workspaceId });
			const feedUrl = v2FeedUrl(baseUrl);
			const publicValues = {
				apiKeyId: result.apiKeyId,
				workspaceId: result.workspaceId,
				actionId: result.actionId,
				feedUrl,
				blsPublicKey: result.keys.blsPublicKey,
				ecPublicKey: result.keys.ecPublicKey,
			};
			const allValues = { ...publicValues, blsPrivateKey: result.keys.blsPrivateKey, ecPrivateKey: result.keys.ecPrivateKey };
			return {
				publicValues,
				allValues,
				secretDocument: {
					about: 'Qredo API v2 approver keys made by `qredo register v2`. SECRET: holds the BLS/EC private keys (not the API secret).',
					protocol: 'v2',
					apiKeyId: result.apiKeyId,
					workspaceId: result.workspaceId,
					baseUrl,
					feedUrl,
					actionId: result.actionId,
					...result.keys,
					createdAt: new Date().toISOString(),
				},
			};
		});
	},
};
