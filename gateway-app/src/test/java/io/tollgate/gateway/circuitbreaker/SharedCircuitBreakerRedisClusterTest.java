package io.tollgate.gateway.circuitbreaker;

import static io.tollgate.gateway.circuitbreaker.GatewayReplicas.route;
import static io.tollgate.gateway.circuitbreaker.GatewayReplicas.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.policy.circuitbreaker.BreakerState;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * Two gateway replicas on a 3-master Redis Cluster: window, announcements and trial
 * permits work there too.
 */
class SharedCircuitBreakerRedisClusterTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.cluster();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static GatewayReplicas gateways;

	@BeforeAll
	static void boot() {
		Map<String, String> common = new LinkedHashMap<>(redis.springProperties());
		Map<String, String> routes = new LinkedHashMap<>();
		// breaker names chosen to hash to different cluster slots
		for (String name : List.of("alpha", "bravo", "charlie")) {
			common.put("tollgate.circuit-breakers." + name + ".minimum-calls", "4");
			common.put("tollgate.circuit-breakers." + name + ".wait-in-open", "1s");
			common.put("tollgate.circuit-breakers." + name + ".half-open-calls", "1");
		}
		route(routes, 0, "alpha", upstream.uri().toString(), "name", "alpha");
		route(routes, 1, "bravo", upstream.uri().toString(), "name", "bravo");
		route(routes, 2, "charlie", upstream.uri().toString(), "name", "charlie");
		gateways = GatewayReplicas.start(common, List.of(routes, routes));
	}

	@AfterAll
	static void shutdown() {
		if (gateways != null) {
			gateways.close();
		}
	}

	@Test
	void whenReplicaAOpensBreakersOnAnyClusterSlot_thenReplicaBFollowsWithinOneSecond_andOneTrialClosesThemForBoth()
			throws Exception {
		upstream.respondWith(500);
		for (String name : List.of("alpha", "bravo", "charlie")) {
			for (int i = 0; i < 4; i++) {
				assertThat(gateways.get(0).get("/" + name + "/x").statusCode()).isEqualTo(500);
			}
			long at = System.nanoTime();
			waitFor(Duration.ofSeconds(1), () -> gateways.get(1).breaker(name).sharedState() == BreakerState.OPEN,
					name + " open on B");
			assertThat(Duration.ofNanos(System.nanoTime() - at)).isLessThan(Duration.ofSeconds(1));
			assertThat(gateways.get(1).get("/" + name + "/x").statusCode()).isEqualTo(503);
		}
		assertThat(upstream.requestCount()).isEqualTo(12);

		upstream.reset();
		Thread.sleep(1100);
		List<Integer> statuses = new java.util.ArrayList<>();
		for (int i = 0; i < 3; i++) {
			statuses.add(gateways.get(1).getAsync("/alpha/x").join().statusCode());
		}
		assertThat(statuses.get(0)).isEqualTo(200);
		waitFor(Duration.ofSeconds(1), () -> gateways.get(0).breaker("alpha").sharedState() == BreakerState.CLOSED,
				"alpha closed on A after B's successful trial");
		assertThat(gateways.get(1).breaker("alpha").sharedState()).isEqualTo(BreakerState.CLOSED);
	}

}
