package io.tollgate.gateway.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.LogCapture;
import io.tollgate.gateway.support.RawHttp;
import io.tollgate.gateway.support.Route;
import io.tollgate.policy.http.ConnectionLimiter;
import io.tollgate.testsupport.internal.Waits;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The edge against hostile clients, as raw bytes over sockets: ambiguous requests,
 * client-set identity headers, log amplification, slow senders and connection hogs.
 * {@code edge} runs with the shipped defaults; {@code fast} lowers the header timeout and
 * the connection cap and trusts 127.0.0.2 as a proxy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeHardeningIntegrationTest {

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	GatewayInstance edge;

	GatewayInstance fast;

	@BeforeAll
	void start() {
		String up = upstream.uri().toString();
		edge = GatewayInstance.builder()
			.property("tollgate.security.identity-headers", "X-Lane,X-Tier")
			.route(Route.id("lane").uri(up).path("/lane/**").publicRoute().filter("AddRequestHeader=X-Lane, premium"))
			.route(Route.id("open").uri(up).path("/**").publicRoute())
			.start();
		fast = GatewayInstance.builder()
			.property("tollgate.http.request-header-timeout", "1s")
			.property("tollgate.http.max-connections-per-client", "2")
			.property("tollgate.trusted-proxies", "127.0.0.2")
			.route(Route.id("open").uri(up).path("/**").publicRoute())
			.start();
	}

	@AfterAll
	void stop() {
		edge.close();
		fast.close();
	}

	@BeforeEach
	void reset() {
		upstream.reset();
	}

	// ---- ambiguity

	@Test
	void whenHostRepeated_thenBadRequestProblemAndClosed() throws Exception {
		String response = RawHttp.exchange(edge.port(), "GET /a HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n"
				+ "GET /smuggled HTTP/1.1\r\nHost: a.example\r\n\r\n");
		assertProblem(response, 400);
		assertThat(RawHttp.header(response, "Connection")).isEqualToIgnoringCase("close");
		assertThat(RawHttp.responses(response)).isEqualTo(1);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void whenHostMissingOnHttp11_thenBadRequest_butHttp10MayOmitIt() throws Exception {
		assertProblem(RawHttp.exchange(edge.port(), "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n"), 400);
		assertThat(upstream.requestCount()).isZero();
		assertThat(RawHttp.status(RawHttp.exchange(edge.port(), "GET /a HTTP/1.0\r\n\r\n"))).isEqualTo(200);
		assertThat(upstream.requestCount()).isEqualTo(1);
	}

	@Test
	void whenAbsoluteFormTargetDisagreesWithHost_thenBadRequest() throws Exception {
		assertProblem(RawHttp.exchange(edge.port(),
				"GET http://evil.example/a HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n"), 400);
		assertProblem(
				RawHttp.exchange(edge.port(),
						"GET http://user@good.example/a HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n"),
				400);
		assertProblem(RawHttp.exchange(edge.port(),
				"GET ftp://good.example/a HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n"), 400);
		assertThat(upstream.requestCount()).isZero();
		String agreeing = RawHttp.exchange(edge.port(),
				"GET HTTP://Good.Example:80/a HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n");
		assertThat(RawHttp.status(agreeing)).isEqualTo(200);
		assertThat(upstream.lastRequest().path()).isEqualTo("/a");
	}

	@Test
	void whenHostMalformed_thenBadRequest() throws Exception {
		for (String host : new String[] { "a b", "user@a.example", "a.example,b.example", "[::1", "a.example:8o",
				"a.example:123456", "", ":80" }) {
			String response = RawHttp.exchange(edge.port(),
					"GET /a HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
			assertThat(RawHttp.status(response)).as("Host: '%s'", host).isEqualTo(400);
		}
		assertThat(upstream.requestCount()).isZero();
		for (String host : new String[] { "a.example", "a.example:8080", "127.0.0.1:1", "[::1]:8080", "my_host" }) {
			String response = RawHttp.exchange(edge.port(),
					"GET /a HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
			assertThat(RawHttp.status(response)).as("Host: '%s'", host).isEqualTo(200);
		}
	}

	@Test
	void whenProtocolVersionUnknown_then505InHttp11() throws Exception {
		String response = RawHttp.exchange(edge.port(), "GET /a HTTP/9.9\r\nHost: x\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 505 ");
		assertProblem(response, 505);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void whenPathIsAmbiguousOrMethodUnknown_thenRefusedBeforeRouting_andCleanRequestsServed() throws Exception {
		for (String target : new String[] { "/a/../b", "/a/./b", "/a/..", "/a//b", "/a;jsessionid=1", "/a%2fb",
				"/a%2Fb", "/a%2e%2e/b", "/a%5cb", "/a%25", "/a%3bb", "/a%00", "/a%0d%0aX:1", "/a%e2%80%a8", "/a?q=%00",
				"/a?q=%0A" }) {
			String response = RawHttp.exchange(edge.port(),
					"GET " + target + " HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n");
			assertThat(RawHttp.status(response)).as("target %s", target).isEqualTo(400);
			assertThat(RawHttp.header(response, "Content-Type")).as("target %s", target)
				.startsWith("application/problem+json");
		}
		String trace = RawHttp.exchange(edge.port(),
				"TRACE /a HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n");
		assertProblem(trace, 405);
		assertThat(RawHttp.header(trace, "Allow")).isEqualTo("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
		// a C1 control character (NEL): Netty's parser takes it, the firewall does not
		String control = RawHttp.exchange(edge.port(),
				"GET /a HTTP/1.1\r\nHost: a.example\r\nX-Note: a\u0085b\r\nConnection: close\r\n\r\n");
		assertProblem(control, 400);
		assertThat(upstream.requestCount()).isZero();
		for (String target : new String[] { "/a/b.c/..d/.e", "/a%20b", "/%7Euser", "/a?q=%2F&x=..", "/a." }) {
			String response = RawHttp.exchange(edge.port(),
					"GET " + target + " HTTP/1.1\r\nHost: a.example\r\nX-Note: tab\there\r\nConnection: close\r\n\r\n");
			assertThat(RawHttp.status(response)).as("target %s", target).isEqualTo(200);
		}
		assertThat(upstream.requestCount()).isEqualTo(5);
		assertThat(refused(edge, "path")).isEqualTo(14);
		assertThat(refused(edge, "query")).isEqualTo(2);
		assertThat(refused(edge, "method")).isEqualTo(1);
		assertThat(refused(edge, "header-value")).isEqualTo(1);
	}

	@Test
	void whenServing_thenSpringSecurityRunsNoFilterChain_andHasNoUsers() {
		assertThat(
				edge.context().getBeanNamesForType(org.springframework.security.web.server.WebFilterChainProxy.class))
			.isEmpty();
		assertThat(edge.context()
			.getBeanNamesForType(org.springframework.security.core.userdetails.ReactiveUserDetailsService.class))
			.isEmpty();
	}

	@Test
	void whenSeveralAuthorizationHeaders_thenInvalidRequestBeforeAuthentication() throws Exception {
		String response = RawHttp.exchange(edge.port(), "GET /a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer aaa\r\n"
				+ "Authorization: Bearer bbb\r\nConnection: close\r\n\r\n");
		assertProblem(response, 400);
		assertThat(RawHttp.header(response, "WWW-Authenticate")).startsWith("Bearer error=\"invalid_request\"");
		assertThat(RawHttp.body(response)).contains("\"error\":\"invalid_request\"");
		assertThat(upstream.requestCount()).isZero();
	}

	// ---- identity headers

	@Test
	void whenClientSendsIdentityHeaders_thenRemovedOnEveryRoute_andGatewayValueAlone() {
		edge.client()
			.get()
			.uri("/public/x")
			.header("X-Consumer-Id", "admin")
			.header("x-lane", "standard")
			.header("X-Tier", "platinum")
			.header("X-Other", "kept")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(upstream.lastRequest().headers()).doesNotContainKeys("x-consumer-id", "x-lane", "x-tier");
		assertThat(upstream.lastRequest().header("X-Other")).isEqualTo("kept");

		edge.client().get().uri("/lane/x").header("X-Lane", "standard").exchange().expectStatus().isOk();
		assertThat(upstream.lastRequest().headers().get("x-lane")).containsExactly("premium");
	}

	@Test
	void whenIdentityHeaderWouldBreakRequests_thenStartupFailsNamingTheProperty() {
		assertThatThrownBy(() -> GatewayInstance.builder()
			.property("tollgate.security.identity-headers", "X-Lane,Authorization")
			.route(Route.id("open").uri(upstream.url()).path("/**").publicRoute())
			.start()).hasStackTraceContaining("tollgate.security.identity-headers")
			.hasStackTraceContaining("'Authorization' cannot be an identity header");
	}

	// ---- logs

	@Test
	void whenManyMalformedChunkedBodies_thenAtMostOneLineAndNoStackTrace() throws Exception {
		double before = refused(edge, "malformed-body");
		try (LogCapture logs = LogCapture.start()) {
			for (int i = 0; i < 10; i++) {
				for (String body : new String[] { "zz\r\nabc\r\n0\r\n\r\n", "3;x\nabc\r\n0\r\n\r\n",
						"3\r\nabc\r\n0\r\nbad trailer\r\n\r\n" }) {
					String response = RawHttp.exchange(edge.port(),
							"POST /public/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
					assertThat(RawHttp.status(response)).isIn(400, -1);
				}
			}
			await(Duration.ofSeconds(5), () -> refused(edge, "malformed-body") - before >= 30);
			List<ILoggingEvent> events = logs.events(EdgeHardeningIntegrationTest::notRedis);
			assertThat(events).noneMatch(e -> e.getThrowableProxy() != null);
			assertThat(events).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
			assertThat(events(logs, "malformed-body")).hasSizeLessThanOrEqualTo(1);
			assertThat(LogCapture.lines(events)).isLessThanOrEqualTo(2);
		}
		assertThat(refused(edge, "malformed-body") - before).isEqualTo(30);
	}

	@Test
	void whenThousandsOfHeaders_thenOneLineWithoutHeaderNames() throws Exception {
		double before = refused(edge, "headers-too-large");
		StringBuilder request = new StringBuilder("GET /public/x HTTP/1.1\r\nHost: x\r\n");
		for (int i = 0; i < 3000; i++) {
			request.append("X-Secret-Name-").append(i).append(": v\r\n");
		}
		try (LogCapture logs = LogCapture.start()) {
			String response = RawHttp.exchange(edge.port(), request.append("\r\n").toString());
			assertProblem(response, 431);
			await(Duration.ofSeconds(5), () -> refused(edge, "headers-too-large") - before >= 1);
			assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().contains("X-Secret-Name"));
			assertThat(LogCapture.lines(logs.events(EdgeHardeningIntegrationTest::notRedis))).isLessThanOrEqualTo(1);
		}
		assertThat(refused(edge, "headers-too-large") - before).isEqualTo(1);
		assertThat(upstream.requestCount()).isZero();
	}

	// ---- slow clients

	@Test
	void whenHeadersDripSlowly_thenCutOffAtTheDefaultTimeout_andIdleKeepAliveClosedAtItsDefault() throws Exception {
		double before = refused(edge, "header-timeout");
		try (Socket slow = RawHttp.connect(edge.port(), "127.0.0.1");
				Socket idle = RawHttp.connect(edge.port(), "127.0.0.1")) {
			RawHttp.send(idle, "GET /public/idle HTTP/1.1\r\nHost: x\r\n\r\n");
			assertThat(RawHttp.status(RawHttp.readResponse(idle))).isEqualTo(200);
			CompletableFuture<Long> idleClosed = CompletableFuture.supplyAsync(() -> {
				try {
					return RawHttp.millisUntilClosed(idle, 20_000);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});

			long start = System.nanoTime();
			RawHttp.send(slow, "GET /public/drip HTTP/1.1\r\nHost: x\r\n");
			CompletableFuture<Void> drip = CompletableFuture.runAsync(() -> {
				try {
					for (int i = 0; i < 30; i++) {
						Thread.sleep(1000);
						RawHttp.send(slow, "X-Drip-" + i + ": still sending\r\n");
					}
				}
				catch (IOException | InterruptedException ex) {
					// cut off: what the test expects
				}
			});
			slow.setSoTimeout(20_000);
			String response = RawHttp.readResponse(slow);
			long cutOff = (System.nanoTime() - start) / 1_000_000;
			assertProblem(response, 408);
			assertThat(cutOff).as("cut off after the 10 s default, in time").isBetween(9_500L, 12_500L);
			assertThat(RawHttp.millisUntilClosed(slow, 5000)).as("then closed").isNotNegative();
			drip.get(10, TimeUnit.SECONDS);

			assertThat(idleClosed.get(25, TimeUnit.SECONDS))
				.as("idle keep-alive connection closed after the 15 s default")
				.isBetween(14_000L, 17_500L);
		}
		assertThat(upstream.requestCount("/public/drip")).isZero();
		assertThat(refused(edge, "header-timeout") - before).isEqualTo(1);
	}

	@Test
	void whenHeaderTimeoutLowered_thenSlowHeadCutOff_butTimelyHeadsAndIdleKeepAliveServed() throws Exception {
		try (Socket client = RawHttp.connect(fast.port(), "127.0.0.1")) {
			// a head in two parts within the timeout
			RawHttp.send(client, "GET /a HTTP/1.1\r\n");
			Thread.sleep(400);
			RawHttp.send(client, "Host: x\r\n\r\n");
			assertThat(RawHttp.status(RawHttp.readResponse(client))).isEqualTo(200);
			// idle between requests for longer than the header timeout: not a slow head
			Thread.sleep(2500);
			RawHttp.send(client, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
			assertThat(RawHttp.status(RawHttp.readResponse(client))).isEqualTo(200);
			// the next head starts and stalls
			long start = System.nanoTime();
			RawHttp.send(client, "GET /stalled HTTP/1.1\r\nHost: x\r\n");
			String response = RawHttp.readResponse(client);
			long cutOff = (System.nanoTime() - start) / 1_000_000;
			assertProblem(response, 408);
			assertThat(cutOff).isBetween(900L, 2_500L);
			assertThat(RawHttp.millisUntilClosed(client, 5000)).isNotNegative();
		}
		assertThat(upstream.requestCount("/stalled")).isZero();
		assertThat(upstream.requestCount()).isEqualTo(2);
	}

	// ---- greedy clients

	@Test
	void whenClientExceedsTheDefaultConnectionCap_then429AndClosed_andOthersUnaffected() throws Exception {
		ConnectionLimiter limiter = edge.bean(ConnectionLimiter.class);
		assertThat(limiter.max()).isEqualTo(256);
		InetAddress greedy = InetAddress.getByName("127.0.0.3");
		double before = refused(edge, "connection-limit");
		List<Socket> held = new ArrayList<>();
		try {
			for (int i = 0; i < 256; i++) {
				held.add(RawHttp.connect(edge.port(), "127.0.0.3"));
			}
			await(Duration.ofSeconds(10), () -> limiter.openConnections(greedy) == 256);

			try (Socket extra = RawHttp.connect(edge.port(), "127.0.0.3")) {
				RawHttp.send(extra, "GET /public/extra HTTP/1.1\r\nHost: x\r\n\r\n");
				String response = RawHttp.readResponse(extra);
				assertProblem(response, 429);
				assertThat(RawHttp.millisUntilClosed(extra, 5000)).isNotNegative();
			}
			assertThat(upstream.requestCount("/public/extra")).isZero();

			// another client, and the greedy client's own open connections, are served
			try (Socket other = RawHttp.connect(edge.port(), "127.0.0.4")) {
				RawHttp.send(other, "GET /public/other HTTP/1.1\r\nHost: x\r\n\r\n");
				assertThat(RawHttp.status(RawHttp.readResponse(other))).isEqualTo(200);
			}
			RawHttp.send(held.get(0), "GET /public/held HTTP/1.1\r\nHost: x\r\n\r\n");
			assertThat(RawHttp.status(RawHttp.readResponse(held.get(0)))).isEqualTo(200);

			// a freed slot is usable again
			held.remove(held.size() - 1).close();
			await(Duration.ofSeconds(10), () -> limiter.openConnections(greedy) == 255);
			try (Socket again = RawHttp.connect(edge.port(), "127.0.0.3")) {
				RawHttp.send(again, "GET /public/again HTTP/1.1\r\nHost: x\r\n\r\n");
				assertThat(RawHttp.status(RawHttp.readResponse(again))).isEqualTo(200);
			}
		}
		finally {
			for (Socket s : held) {
				s.close();
			}
		}
		await(Duration.ofSeconds(10), () -> limiter.openConnections(greedy) == 0);
		assertThat(refused(edge, "connection-limit") - before).isEqualTo(1);
	}

	@Test
	void whenPeerIsATrustedProxy_thenItsConnectionsAreNotCapped() throws Exception {
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 4; i++) {
				Socket proxy = RawHttp.connect(fast.port(), "127.0.0.2");
				sockets.add(proxy);
				RawHttp.send(proxy, "GET /via-proxy HTTP/1.1\r\nHost: x\r\n\r\n");
				assertThat(RawHttp.status(RawHttp.readResponse(proxy))).as("proxy connection %d", i).isEqualTo(200);
			}
			for (int i = 0; i < 2; i++) {
				sockets.add(RawHttp.connect(fast.port(), "127.0.0.5"));
			}
			InetAddress client = InetAddress.getByName("127.0.0.5");
			await(Duration.ofSeconds(10), () -> fast.bean(ConnectionLimiter.class).openConnections(client) == 2);
			try (Socket third = RawHttp.connect(fast.port(), "127.0.0.5")) {
				RawHttp.send(third, "GET /direct HTTP/1.1\r\nHost: x\r\n\r\n");
				assertProblem(RawHttp.readResponse(third), 429);
			}
		}
		finally {
			for (Socket s : sockets) {
				s.close();
			}
		}
	}

	// ---- helpers

	private static void await(Duration timeout, java.util.function.BooleanSupplier condition) {
		assertThat(Waits.until(timeout, condition)).as("condition within %s", timeout).isTrue();
	}

	private static void assertProblem(String response, int status) {
		assertThat(RawHttp.status(response)).as(response).isEqualTo(status);
		assertThat(RawHttp.header(response, "Content-Type")).isEqualTo("application/problem+json");
		assertThat(RawHttp.body(response)).contains("\"status\":" + status);
	}

	private static double refused(GatewayInstance gateway, String reason) {
		Counter counter = gateway.bean(MeterRegistry.class)
			.find("tollgate.http.refused")
			.tag("reason", reason)
			.counter();
		return counter == null ? 0 : counter.count();
	}

	/**
	 * The gateways run without Redis; its outage lines are not what these tests are
	 * about.
	 */
	/**
	 * What these requests can have written: not the Redis layer's lines, nor Netty's leak
	 * reports, which report at garbage collection a buffer of any earlier exchange in
	 * this JVM (test clients included), not one of these requests.
	 */
	private static boolean notRedis(ILoggingEvent e) {
		return !e.getLoggerName().startsWith("io.tollgate.policy.redis") && !e.getLoggerName().startsWith("io.lettuce")
				&& !e.getLoggerName().equals("io.netty.util.ResourceLeakDetector");
	}

	private static List<ILoggingEvent> events(LogCapture logs, String kind) {
		return logs.events(e -> e.getFormattedMessage().contains(kind));
	}

}
