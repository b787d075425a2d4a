package io.tollgate.gateway.circuitbreaker;

import static io.tollgate.gateway.circuitbreaker.GatewayReplicas.route;
import static io.tollgate.gateway.circuitbreaker.GatewayReplicas.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.circuitbreaker.GatewayReplicas.Replica;
import io.tollgate.policy.circuitbreaker.BreakerState;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * Three real gateway replicas sharing one real Redis, in front of real upstreams that are
 * switched to fail. Every breaker (and route) belongs to one test, so the tests do not
 * see each other's state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedCircuitBreakerReplicasTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream spreadUpstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream propagateUpstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream localUpstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream halfOpenUpstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream fallbackUpstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream forcedUpstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream outageUpstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream slowUpstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream statusUpstream = new TestUpstream();

	/** Forcing a breaker is an actuator write: it needs a token with tollgate:admin. */
	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	/** Nothing listens here: connections are refused. */
	static final String UNREACHABLE = "http://127.0.0.1:" + closedPort();

	static int closedPort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static GatewayReplicas gateways;

	@BeforeAll
	static void boot() {
		Map<String, String> common = new LinkedHashMap<>(redis.springProperties());
		common.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", idp.issuer());
		common.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", idp.jwksUri());
		common.put("spring.security.oauth2.resourceserver.jwt.audiences", idp.audience());
		named(common, "spread", "minimum-calls", "12");
		named(common, "propagate", "minimum-calls", "5");
		named(common, "local", "minimum-calls", "5");
		named(common, "halfopen", "minimum-calls", "3", "wait-in-open", "1s", "half-open-calls", "2");
		named(common, "forced", "minimum-calls", "2");
		named(common, "outage", "minimum-calls", "5");
		List<Map<String, String>> perReplica = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Map<String, String> p = new LinkedHashMap<>();
			route(p, 0, "spread", spreadUpstream.uri().toString(), "name", "spread");
			route(p, 1, "propagate", propagateUpstream.uri().toString(), "name", "propagate");
			// replica 0 cannot reach the "local" upstream; the others can
			route(p, 2, "local", i == 0 ? UNREACHABLE : localUpstream.uri().toString(), "name", "local");
			route(p, 3, "halfopen", halfOpenUpstream.uri().toString(), "name", "halfopen");
			// settings as route arguments rather than a named definition
			route(p, 4, "fb", fallbackUpstream.uri().toString(), "name", "fb", "minimum-calls", "2", "timeout", "300ms",
					"wait-in-open", "30s", "fallback-uri", "forward:/fallback/fb");
			route(p, 5, "forced", forcedUpstream.uri().toString(), "name", "forced");
			route(p, 6, "outage", outageUpstream.uri().toString(), "name", "outage");
			route(p, 7, "slow", slowUpstream.uri().toString(), "name", "slow", "minimum-calls", "2", "timeout",
					"200ms");
			route(p, 8, "statuses", statusUpstream.uri().toString(), "name", "statuses", "minimum-calls", "3",
					"failure-statuses", "502, 504");
			perReplica.add(p);
		}
		gateways = GatewayReplicas.start(common, perReplica);
	}

	static void named(Map<String, String> props, String name, String... kv) {
		for (int i = 0; i + 1 < kv.length; i += 2) {
			props.put("tollgate.circuit-breakers." + name + "." + kv[i], kv[i + 1]);
		}
	}

	@AfterAll
	static void shutdown() {
		if (gateways != null) {
			gateways.close();
		}
	}

	static Replica a() {
		return gateways.get(0);
	}

	static Replica b() {
		return gateways.get(1);
	}

	static Replica c() {
		return gateways.get(2);
	}

	static void assertBreakerOpenResponse(HttpResponse<String> response, String breaker, String scope) {
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
		long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
		assertThat(retryAfter).isBetween(1L, 30L);
		assertThat(response.body()).contains("\"breaker\":\"" + breaker + "\"").contains("\"scope\":\"" + scope + "\"");
	}

	@Test
	@Order(1)
	void whenFailuresAreSpreadThinlyOverThreeReplicas_thenTheClusterWideWindowOpensTheBreakerEverywhere()
			throws Exception {
		spreadUpstream.respondWith(500);
		for (int i = 0; i < 4; i++) {
			for (Replica r : gateways.replicas) {
				assertThat(r.get("/spread/x").statusCode()).isEqualTo(500);
			}
		}
		// each replica saw 4 calls, below minimum-calls 12: no local breaker opened
		for (Replica r : gateways.replicas) {
			assertThat(r.breaker("spread").localState()).isEqualTo(CircuitBreaker.State.CLOSED);
		}
		waitFor(Duration.ofSeconds(2),
				() -> gateways.replicas.stream().allMatch(r -> r.breaker("spread").sharedState() == BreakerState.OPEN),
				"all replicas see spread OPEN");
		long seen = spreadUpstream.requestCount();
		assertThat(seen).isEqualTo(12);
		for (Replica r : gateways.replicas) {
			assertBreakerOpenResponse(r.get("/spread/x"), "spread", "cluster");
		}
		assertThat(spreadUpstream.requestCount()).isEqualTo(seen);
		MeterRegistry meters = b().context.getBean(MeterRegistry.class);
		assertThat(meters.get("tollgate.circuitbreaker.state")
			.tags("name", "spread", "state", "open", "scope", "cluster")
			.gauge()
			.value()).isEqualTo(1.0);
		assertThat(meters.get("tollgate.circuitbreaker.calls")
			.tags("name", "spread", "outcome", "failure")
			.counter()
			.count()).isEqualTo(4.0);
		assertThat(meters.get("tollgate.circuitbreaker.calls")
			.tags("name", "spread", "outcome", "not_permitted")
			.counter()
			.count()).isGreaterThanOrEqualTo(1.0);
	}

	@Test
	@Order(2)
	void whenReplicaASeesFailures_thenReplicaBStopsCallingTheUpstreamWithinOneSecond() throws Exception {
		propagateUpstream.respondWith(500);
		for (int i = 0; i < 5; i++) {
			assertThat(a().get("/propagate/a").statusCode()).isEqualTo(500);
		}
		long failuresSeenAt = System.nanoTime();
		long firstRejectionAt = 0;
		while (System.nanoTime() - failuresSeenAt < Duration.ofSeconds(2).toNanos()) {
			HttpResponse<String> response = b().get("/propagate/b");
			if (response.statusCode() == 503) {
				firstRejectionAt = System.nanoTime();
				assertBreakerOpenResponse(response, "propagate", "cluster");
				break;
			}
			// slow enough that B's own breaker (minimum-calls 5) cannot open first
			Thread.sleep(150);
		}
		assertThat(firstRejectionAt).as("B rejected within 2s").isNotZero();
		assertThat(Duration.ofNanos(firstRejectionAt - failuresSeenAt)).isLessThan(Duration.ofSeconds(1));
		long reachedFromB = propagateUpstream.requestCount("/propagate/b");
		for (int i = 0; i < 10; i++) {
			assertThat(b().get("/propagate/b").statusCode()).isEqualTo(503);
			assertThat(c().get("/propagate/c").statusCode()).isEqualTo(503);
		}
		assertThat(propagateUpstream.requestCount("/propagate/b")).isEqualTo(reachedFromB);
		assertThat(propagateUpstream.requestCount("/propagate/c")).isZero();
	}

	@Test
	@Order(3)
	void whenOnlyOneReplicaCannotReachTheUpstream_thenOnlyItsOwnBreakerOpens() throws Exception {
		for (int i = 0; i < 20; i++) {
			assertThat(b().get("/local/b").statusCode()).isEqualTo(200);
			assertThat(c().get("/local/c").statusCode()).isEqualTo(200);
		}
		Thread.sleep(500); // B's and C's successes reach the shared window
		for (int i = 0; i < 5; i++) {
			assertThat(a().get("/local/a").statusCode()).isGreaterThanOrEqualTo(500);
		}
		assertBreakerOpenResponse(a().get("/local/a"), "local", "local");
		Thread.sleep(1200); // flushes and polls have run
		for (Replica r : gateways.replicas) {
			assertThat(r.breaker("local").sharedState()).isEqualTo(BreakerState.CLOSED);
		}
		for (int i = 0; i < 5; i++) {
			assertThat(b().get("/local/b").statusCode()).isEqualTo(200);
			assertThat(c().get("/local/c").statusCode()).isEqualTo(200);
		}
		assertThat(a().breaker("local").localState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(b().breaker("local").localState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	@Order(4)
	void whenHalfOpen_thenAtMostHalfOpenCallsTrialsReachTheUpstreamAcrossReplicas_failureReopens_successCloses()
			throws Exception {
		halfOpenUpstream.respondWith(500);
		for (int i = 0; i < 3; i++) {
			assertThat(b().get("/halfopen/x").statusCode()).isEqualTo(500);
		}
		waitFor(Duration.ofSeconds(2), () -> gateways.replicas.stream()
			.allMatch(r -> r.breaker("halfopen").sharedState() == BreakerState.OPEN), "all replicas see OPEN");

		Thread.sleep(1100); // wait-in-open 1s
		long before = halfOpenUpstream.requestCount();
		List<Integer> statuses = burst("/halfopen/x", 4);
		long trials = halfOpenUpstream.requestCount() - before;
		assertThat(trials).isBetween(1L, 2L);
		assertThat(statuses).filteredOn(s -> s == 503).hasSize(12 - (int) trials);
		// the failed trial reopened the breaker for everyone
		waitFor(Duration.ofSeconds(1), () -> gateways.replicas.stream()
			.allMatch(r -> r.breaker("halfopen").sharedState() == BreakerState.OPEN), "reopened everywhere");

		halfOpenUpstream.reset();
		// slow trials: the whole burst asks for permits while the breaker is still
		// half-open
		halfOpenUpstream.delay(Duration.ofMillis(300));
		Thread.sleep(1100);
		statuses = burst("/halfopen/x", 4);
		long successfulTrials = halfOpenUpstream.requestCount();
		assertThat(successfulTrials).isBetween(1L, 2L);
		assertThat(statuses).filteredOn(s -> s == 200).hasSize((int) successfulTrials);
		waitFor(Duration.ofSeconds(1), () -> gateways.replicas.stream()
			.allMatch(r -> r.breaker("halfopen").sharedState() == BreakerState.CLOSED), "closed everywhere");
		assertThat(b().get("/halfopen/x").statusCode()).isEqualTo(200);
		assertThat(c().get("/halfopen/x").statusCode()).isEqualTo(200);
	}

	/** {@code perReplica} concurrent requests to each replica at once; their statuses. */
	static List<Integer> burst(String path, int perReplica) {
		List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
		for (int i = 0; i < perReplica; i++) {
			for (Replica r : gateways.replicas) {
				futures.add(r.getAsync(path));
			}
		}
		return futures.stream().map(f -> f.join().statusCode()).toList();
	}

	@Test
	@Order(5)
	void whenUpstreamTimesOutOrBreakerIsOpen_thenTheFallbackAnswersInstead() throws Exception {
		fallbackUpstream.delay(Duration.ofSeconds(2));
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> response = a().get("/fb/orders");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("X-Fallback")).hasValue("true");
			assertThat(response.body()).isEqualTo("fallback for /fallback/fb");
		}
		waitFor(Duration.ofSeconds(2),
				() -> b().breaker("fb") != null && b().breaker("fb").sharedState() == BreakerState.OPEN,
				"B sees fb OPEN");
		long calls = fallbackUpstream.requestCount();
		HttpResponse<String> onB = b().get("/fb/orders");
		assertThat(onB.statusCode()).isEqualTo(200);
		assertThat(onB.body()).isEqualTo("fallback for /fallback/fb");
		assertThat(fallbackUpstream.requestCount()).isEqualTo(calls);
	}

	@Test
	@Order(5)
	void whenUpstreamTimesOutWithoutFallback_then504ProblemAndTheTimeoutsOpenTheBreaker() throws Exception {
		slowUpstream.delay(Duration.ofSeconds(2));
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> response = a().get("/slow/x");
			assertThat(response.statusCode()).isEqualTo(504);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
			assertThat(response.body()).contains("\"breaker\":\"slow\"");
		}
		waitFor(Duration.ofSeconds(2), () -> c().breaker("slow").sharedState() == BreakerState.OPEN, "slow open on C");
		assertBreakerOpenResponse(c().get("/slow/x"), "slow", "cluster");
		assertThat(slowUpstream.requestCount()).isEqualTo(2);
	}

	@Test
	@Order(5)
	void whenUpstreamAnswersWithStatusesNotListedAsFailures_thenTheyDoNotCount_butListedOnesDo() throws Exception {
		statusUpstream.respondWith(500);
		for (int i = 0; i < 6; i++) {
			assertThat(b().get("/statuses/x").statusCode()).isEqualTo(500);
		}
		Thread.sleep(500);
		assertThat(c().breaker("statuses").sharedState()).isEqualTo(BreakerState.CLOSED);
		assertThat(b().breaker("statuses").localState()).isEqualTo(CircuitBreaker.State.CLOSED);
		statusUpstream.respondWith(502);
		for (int i = 0; i < 8; i++) {
			assertThat(b().get("/statuses/x").statusCode()).isIn(502, 503);
		}
		waitFor(Duration.ofSeconds(2), () -> c().breaker("statuses").sharedState() == BreakerState.OPEN,
				"502s open the breaker");
	}

	@Test
	@Order(6)
	void whenOperatorForcesTheBreakerOpenOrClosedOnOneReplica_thenEveryReplicaFollowsWithinOneSecond()
			throws Exception {
		String operator = idp.token("operator", "tollgate:admin");
		assertThat(a().management("POST", "/actuator/circuitbreakers/forced", "{\"state\":\"open\"}").statusCode())
			.as("no token")
			.isEqualTo(401);
		assertThat(a()
			.management("POST", "/actuator/circuitbreakers/forced", "{\"state\":\"open\"}",
					idp.token("viewer", "tollgate:admin:read"))
			.statusCode()).as("read scope only").isEqualTo(403);
		HttpResponse<String> forced = a().management("POST", "/actuator/circuitbreakers/forced", "{\"state\":\"open\"}",
				operator);
		assertThat(forced.statusCode()).isEqualTo(200);
		assertThat(forced.body()).contains("FORCED_OPEN");
		long at = System.nanoTime();
		waitFor(Duration.ofSeconds(1),
				() -> gateways.replicas.stream()
					.allMatch(r -> r.breaker("forced").sharedState() == BreakerState.FORCED_OPEN),
				"forced open everywhere");
		assertThat(Duration.ofNanos(System.nanoTime() - at)).isLessThan(Duration.ofSeconds(1));
		for (Replica r : gateways.replicas) {
			assertBreakerOpenResponse(r.get("/forced/x"), "forced", "forced");
		}
		assertThat(forcedUpstream.requestCount()).isZero();
		assertThat(c().management("GET", "/actuator/circuitbreakers", null).body()).contains("\"name\":\"forced\"")
			.contains("FORCED_OPEN");
		assertThat(c().management("GET", "/actuator/health", null).body()).contains("circuitBreakers");

		forcedUpstream.respondWith(500);
		assertThat(a().management("POST", "/actuator/circuitbreakers/forced", "{\"state\":\"closed\"}", operator)
			.statusCode()).isEqualTo(200);
		waitFor(Duration.ofSeconds(1),
				() -> gateways.replicas.stream()
					.allMatch(r -> r.breaker("forced").sharedState() == BreakerState.FORCED_CLOSED),
				"forced closed everywhere");
		for (int i = 0; i < 4; i++) {
			for (Replica r : gateways.replicas) {
				assertThat(r.get("/forced/x").statusCode()).isEqualTo(500); // failures,
																			// but forced
																			// closed
			}
		}
		Thread.sleep(500);
		assertThat(b().get("/forced/x").statusCode()).isEqualTo(500);

		assertThat(b().management("POST", "/actuator/circuitbreakers/forced", "{\"state\":\"reset\"}", operator)
			.statusCode()).isEqualTo(200);
		waitFor(Duration.ofSeconds(1), () -> gateways.replicas.stream()
			.allMatch(r -> r.breaker("forced").sharedState() == BreakerState.CLOSED), "back to automatic");
		assertThat(a().management("POST", "/actuator/circuitbreakers/forced", "{\"state\":\"sideways\"}", operator)
			.statusCode()).isEqualTo(400);
	}

	@Test
	@Order(7)
	void whenRedisDiesWhileClosedOrOpen_thenReplicasServeOnLocalBreakers_andWhenItReturnsTheyShareAgain()
			throws Exception {
		// killed while closed: requests keep flowing, none fails because of Redis
		redis.stop();
		try {
			long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
			while (System.nanoTime() < until) {
				// B and C only: A's window stays clean for the open case below
				assertThat(b().get("/outage/x").statusCode()).isEqualTo(200);
				assertThat(c().get("/outage/x").statusCode()).isEqualTo(200);
			}
		}
		finally {
			redis.start();
		}
		waitFor(Duration.ofSeconds(3), () -> gateways.replicas.stream().allMatch(r -> r.breaker("outage").isShared()),
				"rejoined after the first outage");

		// killed while open
		outageUpstream.respondWith(500);
		for (int i = 0; i < 5; i++) {
			assertThat(a().get("/outage/x").statusCode()).isEqualTo(500);
		}
		waitFor(Duration.ofSeconds(2),
				() -> gateways.replicas.stream().allMatch(r -> r.breaker("outage").sharedState() == BreakerState.OPEN),
				"open everywhere");
		outageUpstream.reset();
		redis.stop();
		try {
			waitFor(Duration.ofSeconds(3), () -> !b().breaker("outage").isShared() && !c().breaker("outage").isShared(),
					"replicas notice the outage");
			for (int i = 0; i < 10; i++) {
				assertThat(b().get("/outage/x").statusCode()).isEqualTo(200);
				assertThat(c().get("/outage/x").statusCode()).isEqualTo(200);
				// A's own breaker saw the failures and keeps protecting the upstream on
				// its own
				assertBreakerOpenResponse(a().get("/outage/x"), "outage", "local");
			}
		}
		finally {
			redis.start();
		}
		// the restarted Redis lost the state (no persistence): every replica re-reads it
		// within a poll
		waitFor(Duration.ofSeconds(3), () -> gateways.replicas.stream()
			.allMatch(r -> r.breaker("outage").isShared() && r.breaker("outage").sharedState() == BreakerState.CLOSED),
				"rejoined after the second outage");
		// the shared breaker works again from scratch
		outageUpstream.respondWith(500);
		for (int i = 0; i < 5; i++) {
			assertThat(b().get("/outage/x").statusCode()).isEqualTo(500);
		}
		waitFor(Duration.ofSeconds(2), () -> c().breaker("outage").sharedState() == BreakerState.OPEN,
				"C follows B's failures after the restart");
		assertBreakerOpenResponse(c().get("/outage/x"), "outage", "cluster");
	}

}
