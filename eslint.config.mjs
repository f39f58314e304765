// n8n's community-node rules: the full recommended set (what n8n's scanner applies) on everything n8n loads from
// nodes/ and credentials/. The protocol core in lib/ needs timers, sockets and the environment (feed watchdog, proxy
// agents), so n8n Cloud's two restrictions are off there; test/unit/package/n8n-scanner.test.ts runs the scanner
// itself on the packed tarball and holds every rule still broken to the list in the README.
import tseslint from 'typescript-eslint';
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const community = communityNodes.configs.recommended;

export default tseslint.config(
	{ ignores: ['dist/**', 'build/**', 'node_modules/**', 'eslint.config.mjs', 'gulpfile.js', 'scripts/**', '.ci/**', 'packages/*/dist/**', 'packages/*/build.js'] },
	...tseslint.configs.recommended,
	{
		files: ['**/*.ts'],
		...community,
		rules: {
			...community.rules,
			'no-console': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	},
	{
		// In the n8n package, runtime third-party code enters only through lib/vendor, which the build bundles. The CLI
		// package bundles its own (packages/cli/build.js).
		files: ['**/*.ts'],
		ignores: ['lib/vendor/**', 'test/**', 'bench/**', 'packages/cli/**'],
		rules: {
			'no-restricted-imports': ['error', { paths: ['ws'], patterns: ['@noble/*'] }],
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser },
		plugins: { ...community.plugins, 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...community.rules,
			...n8nNodesBase.configs.community.rules,
			'@typescript-eslint/no-unused-expressions': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		// The same exceptions `n8n-node lint` makes for community packages.
		rules: { ...n8nNodesBase.configs.credentials.rules, 'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off' },
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		// The CLI and the sandbox are programs that talk to a terminal.
		files: ['packages/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
	{
		// NodeApiError/NodeOperationError need an n8n node; the protocol core, CLI and sandbox run without n8n and
		// throw their own typed errors (QredoInputError, QredoApiError, CliError), which the nodes wrap.
		files: ['lib/**/*.ts', 'packages/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		// Tests hold published test vectors (secrets by shape, public by origin) and drive real processes.
		files: ['test/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
		},
	},
	{
		files: ['lib/**/*.ts', 'packages/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
		},
	},
);
