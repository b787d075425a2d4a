package io.tollgate.gateway.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.RawHttp;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request smuggling and header abuse, sent as raw bytes to the running gateway
 * (CVE-2019-20445, CVE-2025-58056 class), and forwarding headers from untrusted and
 * trusted peers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpHardeningIntegrationTest {

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	GatewayInstance untrusted;

	GatewayInstance trusted;

	@BeforeAll
	void start() {
		String up = upstream.uri().toString();
		untrusted = GatewayInstance.builder()
			.property("server.max-http-request-header-size", "8KB")
			.route(Route.id("open").uri(up).path("/**").publicRoute())
			.start();
		trusted = GatewayInstance.builder()
			.property("tollgate.trusted-proxies", "127.0.0.0/8, ::1")
			.route(Route.id("open").uri(up).path("/**").publicRoute())
			.start();
	}

	@AfterAll
	void stop() {
		untrusted.close();
		trusted.close();
	}

	@BeforeEach
	void reset() {
		upstream.reset();
	}

	@Test
	void whenContentLengthAndTransferEncoding_thenBadRequestAndNothingForwarded() throws Exception {
		String smuggle = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
				+ "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
		String response = RawHttp.exchange(untrusted.port(), smuggle);
		assertThat(RawHttp.status(response)).isEqualTo(400);
		assertThat(upstream.requestCount()).isZero();
		assertThat(upstream.requestCount("/smuggled")).isZero();
	}

	@Test
	void whenTransferEncodingMalformed_thenBadRequestAndNothingForwarded() throws Exception {
		for (String te : new String[] { "xchunked", "chunked, identity", "identity", "chunked\u000b", "gzip" }) {
			upstream.reset();
			String request = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n"
					+ "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
			String response = RawHttp.exchange(untrusted.port(), request);
			assertThat(RawHttp.status(response)).as("Transfer-Encoding: %s", te).isEqualTo(400);
			assertThat(RawHttp.responses(response)).as("connection closed after the 400 for %s", te).isEqualTo(1);
			assertThat(upstream.requestCount()).as("forwarded with Transfer-Encoding: %s", te).isZero();
		}
	}

	@Test
	void whenTransferEncodingSpaceBeforeColon_thenBadRequest() throws Exception {
		String request = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc";
		String response = RawHttp.exchange(untrusted.port(), request);
		assertThat(RawHttp.status(response)).isEqualTo(400);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void whenDuplicateContentLengths_thenBadRequest() throws Exception {
		String request = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc";
		String response = RawHttp.exchange(untrusted.port(), request);
		assertThat(RawHttp.status(response)).isEqualTo(400);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void whenChunkedBodyWellFormed_thenForwarded() throws Exception {
		String request = "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
				+ "3\r\nabc\r\n0\r\n\r\n";
		String response = RawHttp.exchange(untrusted.port(), request);
		assertThat(RawHttp.status(response)).isEqualTo(200);
		assertThat(upstream.lastRequest().body()).isEqualTo("abc");
	}

	@Test
	void whenChunkExtensionWithBareLineFeed_thenRejected() throws Exception {
		// CVE-2025-58056: a bare LF in a chunk extension must not end the chunk-size line
		String request = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
				+ "3;x\nabc\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
		String response = RawHttp.exchange(untrusted.port(), request);
		assertThat(upstream.requestCount("/smuggled")).isZero();
		assertThat(RawHttp.status(response)).isIn(400, -1);
	}

	@Test
	void whenHeadersTooLarge_then431() throws Exception {
		String request = "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n";
		String response = RawHttp.exchange(untrusted.port(), request);
		assertThat(RawHttp.status(response)).isEqualTo(431);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void whenClientSendsForwardedHeaders_thenDroppedUnlessPeerTrusted() {
		untrusted.client()
			.get()
			.uri("/fwd")
			.header("X-Forwarded-For", "6.6.6.6")
			.header("X-Forwarded-Host", "evil.example")
			.header("X-Forwarded-Proto", "https")
			.header("Forwarded", "for=6.6.6.6;proto=https")
			.header("X-Real-IP", "6.6.6.6")
			.exchange()
			.expectStatus()
			.isOk();
		var seen = upstream.lastRequest();
		assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
		assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
		assertThat(seen.header("X-Forwarded-Host")).isNotEqualTo("evil.example");
		assertThat(seen.headers()).doesNotContainKeys("forwarded", "x-real-ip");

		trusted.client()
			.get()
			.uri("/fwd")
			.header("X-Forwarded-For", "6.6.6.6")
			.header("X-Forwarded-Proto", "https")
			.exchange()
			.expectStatus()
			.isOk();
		seen = upstream.lastRequest();
		assertThat(seen.header("X-Forwarded-For")).isEqualTo("6.6.6.6, 127.0.0.1");
		assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("https");
	}

}
