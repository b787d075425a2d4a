package io.tollgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.policy.ratelimit.RateLimitMetrics;
import io.tollgate.policy.redis.StoreBreaker;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ClusterRateLimit} through real HTTP on three gateway replicas sharing one Redis
 * (standalone or cluster, see the subclasses): exactness, rate bound over time, key
 * sources, headers, Retry-After.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterRateLimitSuite {

	static final String TRUSTED_PROXY = "127.0.0.2";

	final List<GatewayInstance> gateways = new ArrayList<>();

	abstract RedisExtension redis();

	abstract TestIdentityProvider idp();

	abstract TestUpstream upstream();

	static List<LimitedRoute> routes() {
		return List.of(LimitedRoute.of("exact-gcra", "20/10m", "global").arg("on-store-failure", "deny"),
				LimitedRoute.of("exact-fixed", "20/10m", "global")
					.arg("algorithm", "fixed-window")
					.arg("on-store-failure", "deny"),
				LimitedRoute.of("exact-sliding", "20/10m", "global")
					.arg("algorithm", "sliding-window")
					.arg("on-store-failure", "deny"),
				LimitedRoute.of("rate", "20/1s", "global").arg("on-store-failure", "deny"),
				LimitedRoute.of("ip", "2/10m", "ip"), LimitedRoute.of("header", "2/10m", "header:X-Tenant"),
				LimitedRoute.of("principal", "2/10m", "principal"),
				LimitedRoute.of("claim", "2/10m", "claim:tenant").secured(),
				LimitedRoute.of("consumer", "2/10m", "consumer").secured(),
				LimitedRoute.of("apikey", "2/10m", "api-key"), LimitedRoute.of("multi", "5/1m;3/1h", "route"),
				LimitedRoute.of("cost", "5/1m", "global").arg("cost", "2"),
				LimitedRoute.of("legacy", "3/1m", "global").arg("legacy-headers", "true"),
				LimitedRoute.of("retry", "1/2s", "global"),
				LimitedRoute.of("shared-a", "3/10m", "global").arg("budget", "shared"),
				LimitedRoute.of("shared-b", "3/10m", "global").arg("budget", "shared"));
	}

	@BeforeAll
	void startGateways() {
		redis().flushAll();
		for (int i = 0; i < 3; i++) {
			GatewayInstance.Builder b = GatewayInstance.builder()
				.redis(redis())
				.jwt(idp())
				.property("tollgate.trusted-proxies", TRUSTED_PROXY + "/32")
				.property("tollgate.replica.id", "replica-" + i);
			gateways.add(LimitedRoute.addAll(b, upstream().uri().toString(), routes()).start());
		}
		awaitShared(gateways);
	}

	static void awaitShared(List<GatewayInstance> gateways) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		for (GatewayInstance g : gateways) {
			while (g.bean(StoreBreaker.class).state() != StoreBreaker.State.CLOSED) {
				assertThat(System.nanoTime()).as("limiter reached Redis").isLessThan(deadline);
				sleep(20);
			}
		}
	}

	@AfterAll
	void stopGateways() {
		gateways.forEach(GatewayInstance::close);
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	String url(int gateway, String path) {
		return gateways.get(gateway % gateways.size()).baseUrl() + path;
	}

	double meter(String route, String outcome) {
		double sum = 0;
		for (GatewayInstance g : gateways) {
			var counter = g.bean(MeterRegistry.class)
				.find(RateLimitMetrics.DECISIONS)
				.tag("route", route)
				.tag("outcome", outcome)
				.counter();
			sum += counter == null ? 0 : counter.count();
		}
		return sum;
	}

	@ParameterizedTest
	@ValueSource(strings = { "exact-gcra", "exact-fixed", "exact-sliding" })
	void whenTwoHundredConcurrentRequestsHitThreeReplicas_thenExactlyTheLimitIsAdmitted(String route) {
		List<CompletableFuture<Http.Res>> futures = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			futures.add(Http.sendAsync(url(i, "/" + route + "/x")));
		}
		List<Http.Res> responses = Http.all(futures);
		long ok = responses.stream().filter(r -> r.status() == 200).count();
		long limited = responses.stream().filter(r -> r.status() == 429).count();
		assertThat(ok).isEqualTo(20);
		assertThat(limited).isEqualTo(180);
		assertThat(upstream().requestCount("/" + route + "/")).isEqualTo(20);
		assertThat(meter(route, "allowed")).isEqualTo(20);
		assertThat(meter(route, "limited")).isEqualTo(180);
		assertThat(meter(route, "fallback")).isZero();
	}

	@Test
	void whenRequestsFlowForTwoSeconds_thenAdmissionsNeverExceedBurstPlusRateTimesInterval() throws Exception {
		ConcurrentLinkedQueue<Http.Res> admitted = new ConcurrentLinkedQueue<>();
		long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
		List<Thread> workers = new ArrayList<>();
		for (int w = 0; w < 6; w++) {
			int gateway = w;
			Thread t = new Thread(() -> {
				while (System.nanoTime() < end) {
					Http.Res r = Http.get(url(gateway, "/rate/x"));
					assertThat(r.status()).isIn(200, 429);
					if (r.status() == 200) {
						admitted.add(r);
					}
				}
			});
			t.start();
			workers.add(t);
		}
		for (Thread t : workers) {
			t.join();
		}
		List<Http.Res> list = new ArrayList<>(admitted);
		list.sort(Comparator.comparingLong(Http.Res::sentNanos));
		assertThat(list.size()).as("the limiter admits the burst and then the rate").isGreaterThan(35);
		for (Http.Res first : list) {
			for (Http.Res last : list) {
				if (last.receivedNanos() <= first.sentNanos()) {
					continue;
				}
				// requests admitted entirely inside [first.sent, last.received]
				long inside = list.stream()
					.filter(r -> r.sentNanos() >= first.sentNanos() && r.receivedNanos() <= last.receivedNanos())
					.count();
				double seconds = (last.receivedNanos() - first.sentNanos()) / 1e9;
				assertThat((double) inside).isLessThanOrEqualTo(20 + 20 * seconds);
			}
		}
	}

	@Test
	void whenKeyedByIp_thenASpoofedForwardedForFromAnUntrustedPeerChangesNothing() throws Exception {
		int port = gateways.get(0).port();
		assertThat(Http.getFrom("127.0.0.1", port, "/ip/x", "X-Forwarded-For: 10.0.0.1")).isEqualTo(200);
		assertThat(Http.getFrom("127.0.0.1", gateways.get(1).port(), "/ip/x", "X-Forwarded-For: 10.0.0.2"))
			.isEqualTo(200);
		assertThat(Http.getFrom("127.0.0.1", port, "/ip/x", "X-Forwarded-For: 10.0.0.3")).isEqualTo(429);
		assertThat(Http.getFrom("127.0.0.1", port, "/ip/x")).isEqualTo(429);
	}

	@Test
	void whenThePeerIsATrustedProxy_thenTheRightMostUntrustedHopIsTheKey() throws Exception {
		int port = gateways.get(2).port();
		assertThat(Http.getFrom(TRUSTED_PROXY, port, "/ip/y", "X-Forwarded-For: 6.6.6.6, 10.9.0.7")).isEqualTo(200);
		assertThat(Http.getFrom(TRUSTED_PROXY, port, "/ip/y", "X-Forwarded-For: 7.7.7.7, 10.9.0.7")).isEqualTo(200);
		// a different spoofed left-most hop is still the same client
		assertThat(Http.getFrom(TRUSTED_PROXY, port, "/ip/y", "X-Forwarded-For: 8.8.8.8, 10.9.0.7")).isEqualTo(429);
		assertThat(Http.getFrom(TRUSTED_PROXY, port, "/ip/y", "X-Forwarded-For: 6.6.6.6, 10.9.0.8")).isEqualTo(200);
		assertThat(RedisKeys.pttl(redis(), "tollgate:rl:{ip:ip:10.9.0.7}:gcra:2-per-10m")).isBetween(1L, 600_000L);
	}

	@Test
	void whenKeyedByHeader_thenEachValueHasItsOwnBudgetAndAMissingHeaderFallsBackToTheIp() throws Exception {
		for (String tenant : List.of("acme", "globex")) {
			assertThat(Http.get(url(0, "/header/x"), "X-Tenant", tenant).status()).isEqualTo(200);
			assertThat(Http.get(url(1, "/header/x"), "X-Tenant", tenant).status()).isEqualTo(200);
			assertThat(Http.get(url(2, "/header/x"), "X-Tenant", tenant).status()).isEqualTo(429);
		}
		assertThat(Http.get(url(0, "/header/x")).status()).isEqualTo(200);
		assertThat(Http.get(url(1, "/header/x")).status()).isEqualTo(200);
		assertThat(Http.get(url(2, "/header/x")).status()).isEqualTo(429);
		assertThat(RedisKeys.pttl(redis(), "tollgate:rl:{header:ip:127.0.0.1}:gcra:2-per-10m")).isPositive();
	}

	@Test
	void whenKeyedByPrincipal_thenEachSubjectHasItsOwnBudgetAndAnonymousCallersGet401() {
		for (String sub : List.of("alice", "bob")) {
			String auth = "Bearer " + idp().token(sub);
			assertThat(Http.get(url(0, "/principal/x"), "Authorization", auth).status()).isEqualTo(200);
			assertThat(Http.get(url(1, "/principal/x"), "Authorization", auth).status()).isEqualTo(200);
			assertThat(Http.get(url(2, "/principal/x"), "Authorization", auth).status()).isEqualTo(429);
		}
		long before = upstream().requestCount("/principal/");
		Http.Res anonymous = Http.get(url(0, "/principal/x"));
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
		assertThat(anonymous.body()).contains("\"status\":401").contains("principal");
		assertThat(upstream().requestCount("/principal/")).isEqualTo(before);
	}

	@Test
	void whenKeyedByClaim_thenTheClaimValueIsTheKeyAndATokenWithoutItGets401() {
		String acme1 = "Bearer " + idp().token(c -> c.subject("u1").claim("tenant", "acme"));
		String acme2 = "Bearer " + idp().token(c -> c.subject("u2").claim("tenant", "acme"));
		String initech = "Bearer " + idp().token(c -> c.subject("u3").claim("tenant", "initech"));
		assertThat(Http.get(url(0, "/claim/x"), "Authorization", acme1).status()).isEqualTo(200);
		assertThat(Http.get(url(1, "/claim/x"), "Authorization", acme2).status()).isEqualTo(200);
		assertThat(Http.get(url(2, "/claim/x"), "Authorization", acme1).status()).isEqualTo(429);
		assertThat(Http.get(url(0, "/claim/x"), "Authorization", initech).status()).isEqualTo(200);
		Http.Res without = Http.get(url(0, "/claim/x"), "Authorization", "Bearer " + idp().token("u4"));
		assertThat(without.status()).isEqualTo(401);
		assertThat(without.body()).contains("claim:tenant");
	}

	@Test
	void whenKeyedByConsumerOrApiKeyAndNoneIsKnown_thenTheCallerGets401() {
		assertThat(Http.get(url(0, "/consumer/x"), "Authorization", "Bearer " + idp().token("alice")).status())
			.isEqualTo(401);
		assertThat(Http.get(url(0, "/apikey/x")).status()).isEqualTo(401);
		assertThat(upstream().requestCount("/consumer/") + upstream().requestCount("/apikey/")).isZero();
	}

	@Test
	void whenSeveralLimitsApply_thenThePolicyListsAllAndRateLimitShowsTheTightest() {
		Http.Res first = Http.get(url(0, "/multi/x"));
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.header("RateLimit-Policy")).isEqualTo("\"5-per-1m\";q=5;w=60, \"3-per-1h\";q=3;w=3600");
		assertThat(first.header("RateLimit")).isEqualTo("\"3-per-1h\";r=2;t=1200");
		assertThat(Http.get(url(1, "/multi/x")).header("RateLimit")).isEqualTo("\"3-per-1h\";r=1;t=2400");
		assertThat(Http.get(url(2, "/multi/x")).header("RateLimit")).isEqualTo("\"3-per-1h\";r=0;t=3600");
		Http.Res refused = Http.get(url(0, "/multi/x"));
		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
		assertThat(refused.body()).contains("\"limit\":\"3-per-1h\"").contains("\"status\":429");
		assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1199L, 1200L);
		assertThat(refused.header("RateLimit")).isEqualTo("\"3-per-1h\";r=0;t=3600");
		assertThat(upstream().requestCount("/multi/")).isEqualTo(3);
	}

	@Test
	void whenCostIsTwo_thenEachRequestConsumesTwoUnits() {
		assertThat(Http.get(url(0, "/cost/x")).header("RateLimit")).startsWith("\"5-per-1m\";r=3;");
		assertThat(Http.get(url(1, "/cost/x")).header("RateLimit")).startsWith("\"5-per-1m\";r=1;");
		Http.Res refused = Http.get(url(2, "/cost/x"));
		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.header("RateLimit")).startsWith("\"5-per-1m\";r=1;");
	}

	@Test
	void whenLegacyHeadersAreEnabled_thenTheXRateLimitTrioIsSent() {
		Http.Res r = Http.get(url(0, "/legacy/x"));
		assertThat(r.header("X-RateLimit-Limit")).isEqualTo("3");
		assertThat(r.header("X-RateLimit-Remaining")).isEqualTo("2");
		assertThat(r.header("X-RateLimit-Reset")).isEqualTo("20");
		assertThat(Http.get(url(0, "/multi/y")).header("X-RateLimit-Limit")).isNull();
	}

	@Test
	void whenRefused_thenRetryAfterIsTheTrueWaitInWholeSeconds() {
		assertThat(Http.get(url(0, "/retry/x")).status()).isEqualTo(200);
		// the admission happened before this instant: measure the waits from here, so a
		// slow first call cannot shorten them
		long start = System.nanoTime();
		Http.Res refused = Http.get(url(1, "/retry/x"));
		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.header("Retry-After")).isEqualTo("2");
		sleep(1100 - (System.nanoTime() - start) / 1_000_000);
		Http.Res still = Http.get(url(2, "/retry/x"));
		assertThat(still.status()).isEqualTo(429);
		assertThat(still.header("Retry-After")).isEqualTo("1");
		sleep(2050 - (System.nanoTime() - start) / 1_000_000);
		assertThat(Http.get(url(0, "/retry/x")).status()).isEqualTo(200);
	}

	@Test
	void whenTheActuatorIsAsked_thenItShowsTheStoreStateAndEachLimitedRoute() {
		Http.Res r = Http.get("http://127.0.0.1:" + gateways.get(0).managementPort() + "/actuator/ratelimits");
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.body()).contains("\"store\":\"redis\"")
			.contains("\"replicaId\":\"replica-0\"")
			.contains(
					"\"multi\":{\"limits\":[\"5/1m\",\"3/1h\"],\"key\":\"route\",\"budget\":\"multi\",\"algorithm\":\"gcra\"")
			.contains("\"budget\":\"shared\"");
		// heartbeats run every second: a replica started first learns of the later ones
		// within a beat
		long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		Http.Res health;
		do {
			health = Http.get("http://127.0.0.1:" + gateways.get(0).managementPort() + "/actuator/health");
		}
		while (!health.body().contains("\"liveReplicas\":3") && System.nanoTime() < deadline);
		assertThat(health.body()).contains("\"clusterRateLimit\"").contains("\"liveReplicas\":3");
	}

	@Test
	void whenRoutesNameTheSameBudget_thenTheyShareItsCounters() throws Exception {
		assertThat(Http.get(url(0, "/shared-a/x")).status()).isEqualTo(200);
		assertThat(Http.get(url(1, "/shared-b/x")).status()).isEqualTo(200);
		assertThat(Http.get(url(2, "/shared-a/x")).status()).isEqualTo(200);
		assertThat(Http.get(url(0, "/shared-b/x")).status()).isEqualTo(429);
		assertThat(RedisKeys.pttl(redis(), "tollgate:rl:{shared:global}:gcra:3-per-10m")).isPositive();
	}

}
