package io.tollgate.policy.net;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

class RequestFirewallTest {

	@Test
	void pathsThatCouldBeReadTwoWaysAreRefused() {
		for (String path : new String[] { "/a/../b", "/a/./b", "/a/..", "/a/.", "/..", ".", "../a", "/a//b", "//a",
				"/a;b", "/a\\b", "/a%2fb", "/a%2F", "/a%2e", "/%2E%2E/b", "/a%5C", "/a%25", "/a%3B", "/a%00", "/a%1f",
				"/a%7f", "/a%0A", "/a%E2%80%A8", "/a%e2%80%a9", "/a%zz", "/a%2", "/a%", "/a\u00e9", "/a\u0001" }) {
			assertThat(RequestFirewall.pathOk(path)).as(path).isFalse();
		}
	}

	@Test
	void ordinaryPathsPass() {
		for (String path : new String[] { "/", "/a", "/a/b.json", "/a./b", "/.well-known/jwks.json", "/a/..b", "/a/b..",
				"/%7Euser", "/a%20b", "/caf%C3%A9", "/a%E2%80%A0", "/a-b_c~d!$&'()*+,=:@", "*" }) {
			assertThat(RequestFirewall.pathOk(path)).as(path).isTrue();
		}
	}

	@Test
	void queriesWithEncodedControlCharactersAreRefused() {
		assertThat(RequestFirewall.queryOk("q=%00")).isFalse();
		assertThat(RequestFirewall.queryOk("q=a%0d%0ab")).isFalse();
		assertThat(RequestFirewall.queryOk("q=%7F")).isFalse();
		assertThat(RequestFirewall.queryOk("q=%2F&r=..&s=%25&t=;")).isTrue();
	}

	@Test
	void headerValuesWithControlCharactersAreRefused_butTabPasses() {
		assertThat(RequestFirewall.valueOk("a\tb c")).isTrue();
		assertThat(RequestFirewall.valueOk("caf\u00e9")).isTrue();
		assertThat(RequestFirewall.valueOk("a\u0001")).isFalse();
		assertThat(RequestFirewall.valueOk("a\u007f")).isFalse();
		assertThat(RequestFirewall.valueOk("a\u0085")).isFalse();
		DefaultHttpHeaders headers = new DefaultHttpHeaders(false);
		headers.add("X-Ok", "fine");
		assertThat(RequestFirewall.headerValuesOk(headers)).isTrue();
		headers.add("X-Bad", "a\u009bb");
		assertThat(RequestFirewall.headerValuesOk(headers)).isFalse();
	}

	@Test
	void onlyTheCommonMethodsAreServed() {
		for (String method : new String[] { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" }) {
			assertThat(RequestFirewall.methodAllowed(HttpMethod.valueOf(method))).as(method).isTrue();
		}
		for (String method : new String[] { "TRACE", "CONNECT", "PROPFIND", "get" }) {
			assertThat(RequestFirewall.methodAllowed(HttpMethod.valueOf(method))).as(method).isFalse();
		}
	}

}
