import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseBaseUrl, requireBaseUrl, resolveBaseUrls, websocketUrl } from '../../../lib/environments';
import { QredoInputError } from '../../../lib/errors';

describe('environments', () => {
	test('production has all three surfaces', () => {
		const urls = resolveBaseUrls('production');
		assert.equal(urls.partnerApi, 'https://api.qredo.network/api/v1/p');
		assert.equal(urls.qapiV1, 'https://api.qredo.network/qapi/v1');
		assert.equal(urls.qapiV2, 'https://api-v2.qredo.network/api/v2');
		assert.equal(websocketUrl(urls.qapiV2!, '/actions/signrequests'), 'wss://api-v2.qredo.network/api/v2/actions/signrequests');
	});
	test('custom URLs are validated and normalised', () => {
		const urls = resolveBaseUrls('custom', { partnerApi: ' http://127.0.0.1:9000/api/v1/p/ ', qapiV2: '' });
		assert.equal(urls.partnerApi, 'http://127.0.0.1:9000/api/v1/p');
		assert.equal(urls.qapiV2, undefined);
		assert.equal(websocketUrl(urls.partnerApi!, '/coreclient/feed'), 'ws://127.0.0.1:9000/api/v1/p/coreclient/feed');
		assert.throws(() => normaliseBaseUrl('ftp://x', 'qapiV2BaseUrl'), /qapiV2BaseUrl: expected an http/);
		assert.throws(() => normaliseBaseUrl('not a url', 'partnerApiBaseUrl'), QredoInputError);
		assert.throws(() => normaliseBaseUrl('https://h/api?x=1', 'partnerApiBaseUrl'), /without query/);
	});
	test('a missing surface names the environment and the remedy', () => {
		assert.throws(() => requireBaseUrl(resolveBaseUrls('sandbox'), 'qapiV2', 'sandbox'), /environment "sandbox" does not have; choose "custom"/);
		assert.throws(() => requireBaseUrl({}, 'partnerApi', 'custom'), /partnerApiBaseUrl: expected the Partner API base URL/);
	});
});
