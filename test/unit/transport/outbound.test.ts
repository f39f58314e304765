/** Which proxy a URL goes through: n8n's rules (proxy-from-env), with ws:// as http and wss:// as https. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeProxy, proxyAuthHeaders, proxyFor, routeFor } from '../../../lib/transport/outbound';
import { QredoInputError } from '../../../lib/errors';

const href = (url: URL | undefined) => url?.href;

test('HTTP_PROXY serves http and ws, HTTPS_PROXY https and wss; ALL_PROXY is the fallback; lower case wins', () => {
	const env = { HTTP_PROXY: 'http://plain:3128', HTTPS_PROXY: 'http://secure:3128' };
	assert.equal(href(proxyFor('http://api.qredo.test/x', env)), 'http://plain:3128/');
	assert.equal(href(proxyFor('ws://api.qredo.test/feed', env)), 'http://plain:3128/');
	assert.equal(href(proxyFor('https://api.qredo.test/x', env)), 'http://secure:3128/');
	assert.equal(href(proxyFor('wss://api.qredo.test/feed', env)), 'http://secure:3128/');
	assert.equal(href(proxyFor('wss://api.qredo.test/feed', { ALL_PROXY: 'http://all:8080' })), 'http://all:8080/');
	assert.equal(href(proxyFor('https://a.test', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })), 'http://lower:1/');
	assert.equal(proxyFor('https://a.test', {}), undefined);
	assert.equal(href(proxyFor('https://a.test', { HTTPS_PROXY: 'proxy.corp:3128' })), 'http://proxy.corp:3128/', 'no scheme means http://');
});

test('NO_PROXY: exact hosts, .suffix and *.suffix, host:port, and *', () => {
	const env = (noProxy: string) => ({ HTTPS_PROXY: 'http://p:1', NO_PROXY: noProxy });
	assert.equal(proxyFor('https://api.qredo.network', env('api.qredo.network')), undefined);
	assert.ok(proxyFor('https://x.api.qredo.network', env('api.qredo.network')), 'a bare host is exact');
	assert.equal(proxyFor('https://x.qredo.network', env('.qredo.network')), undefined);
	assert.equal(proxyFor('https://x.qredo.network', env('*.qredo.network')), undefined);
	assert.equal(proxyFor('https://a.test:8443', env('a.test:8443')), undefined);
	assert.ok(proxyFor('https://a.test', env('a.test:8443')), 'another port is still proxied');
	assert.equal(proxyFor('wss://a.test', env('a.test:443')), undefined, 'wss defaults to 443');
	assert.equal(proxyFor('https://anything.test', env('*')), undefined);
	assert.equal(proxyFor('https://[::1]:9/x', env('::1')), undefined);
	assert.equal(proxyFor('https://A.Test', env('a.test, b.test')), undefined, 'case-insensitive, spaces allowed');
});

test('a bad proxy variable names the variable, never its value', () => {
	assert.throws(() => proxyFor('https://a.test', { HTTPS_PROXY: 'socks5://user:pw@p:1' }), (error: unknown) => {
		assert.ok(error instanceof QredoInputError);
		assert.match(error.message, /^HTTPS_PROXY: expected an http:\/\/ or https:\/\/ proxy URL/);
		assert.doesNotMatch(error.message, /pw/);
		return true;
	});
});

test('credentials in the proxy URL become Proxy-Authorization and never appear in descriptions', () => {
	const proxy = new URL('http://us%40er:p%3Ass@proxy.corp:3128');
	assert.equal(describeProxy(proxy), 'http://proxy.corp:3128');
	assert.deepEqual(proxyAuthHeaders(proxy), { 'proxy-authorization': `Basic ${Buffer.from('us@er:p:ss').toString('base64')}` });
	assert.deepEqual(proxyAuthHeaders(new URL('http://proxy.corp:3128')), {});
});

test('routes: plain http through a proxy in absolute form, everything else tunnelled, fresh sockets on request', () => {
	const env = { HTTP_PROXY: 'http://u:p@proxy:3128', HTTPS_PROXY: 'http://proxy:3129' };
	const plain = routeFor('http://a.test/x', { env });
	assert.deepEqual(plain.absoluteForm, { protocol: 'http:', hostname: 'proxy', port: 3128, headers: proxyAuthHeaders(new URL(env.HTTP_PROXY)) });
	const upgrade = routeFor('ws://a.test/feed', { env, upgrade: true });
	assert.equal(upgrade.absoluteForm, undefined);
	assert.equal(href(upgrade.proxy), 'http://u:p@proxy:3128/');
	const secure = routeFor('https://a.test/x', { env, fresh: true });
	assert.equal(secure.absoluteForm, undefined);
	assert.equal((secure.agent as unknown as { keepAlive: boolean }).keepAlive, false);
	assert.notEqual(routeFor('https://a.test/x', { env }).agent, secure.agent);
	const direct = routeFor('https://a.test/x', { env: {} });
	assert.equal(direct.proxy, undefined);
	assert.notEqual(direct.agent, routeFor('https://a.test/x', { env: {}, fresh: true }).agent);
});
