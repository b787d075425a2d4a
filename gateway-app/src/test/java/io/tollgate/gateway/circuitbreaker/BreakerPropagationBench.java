package io.tollgate.gateway.circuitbreaker;

import static io.tollgate.gateway.circuitbreaker.GatewayReplicas.route;
import static io.tollgate.gateway.circuitbreaker.GatewayReplicas.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.circuitbreaker.GatewayReplicas.Replica;
import io.tollgate.policy.circuitbreaker.BreakerState;
import io.tollgate.policy.circuitbreaker.SharedCircuitBreaker;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * Measures (does not assert timings) how long after the shared breaker opens on the
 * replica that tripped it the other replicas treat it as open. Not part of the regular
 * suite (no *Test suffix):
 * {@code ./mvnw -o -q test -pl gateway-app -am -Dtest=BreakerPropagationBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class BreakerPropagationBench {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static final int TRIALS = 20;

	@Test
	void measurePropagationDelayOverTwentyTrials() throws Exception {
		Map<String, String> common = new LinkedHashMap<>(redis.springProperties());
		common.put("tollgate.circuit-breakers.bench.minimum-calls", "5");
		common.put("logging.level.io.tollgate", "WARN");
		Map<String, String> routes = new LinkedHashMap<>();
		route(routes, 0, "bench", upstream.uri().toString(), "name", "bench");
		upstream.respondWith(500);
		try (GatewayReplicas gateways = GatewayReplicas.start(common, List.of(routes, routes, routes))) {
			Replica a = gateways.get(0);
			a.get("/bench/warmup");
			List<Double> openToOthers = new ArrayList<>();
			List<Double> lastFailureToOthers = new ArrayList<>();
			for (int trial = 0; trial < TRIALS; trial++) {
				a.context.getBean(io.tollgate.policy.circuitbreaker.SharedCircuitBreakers.class)
					.force("bench", io.tollgate.policy.circuitbreaker.BreakerOverride.RESET)
					.block(Duration.ofSeconds(5));
				waitFor(Duration.ofSeconds(2),
						() -> gateways.replicas.stream()
							.allMatch(r -> r.breaker("bench").sharedState() == BreakerState.CLOSED),
						"reset everywhere");
				Thread.sleep(250); // the reset flushes nothing stale into the new window
				Watch watch = new Watch(gateways.replicas.stream().map(r -> r.breaker("bench")).toList());
				watch.start();
				long lastFailure = 0;
				for (int i = 0; i < 5; i++) {
					a.get("/bench/x");
					lastFailure = System.nanoTime();
				}
				watch.join(5000);
				assertThat(watch.openedAt).doesNotContain(0L);
				long first = Math.min(watch.openedAt[0], Math.min(watch.openedAt[1], watch.openedAt[2]));
				long last = Math.max(watch.openedAt[0], Math.max(watch.openedAt[1], watch.openedAt[2]));
				openToOthers.add((last - first) / 1e6);
				lastFailureToOthers.add((last - lastFailure) / 1e6);
			}
			report("first replica sees OPEN -> all three see OPEN", openToOthers);
			report("last failing response on A -> all three see OPEN (includes the 200 ms batching)",
					lastFailureToOthers);
		}
	}

	static void report(String what, List<Double> ms) {
		List<Double> sorted = new ArrayList<>(ms);
		Collections.sort(sorted);
		double median = (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
		System.out.printf("PROPAGATION %s over %d trials: median %.2f ms, max %.2f ms, min %.2f ms%n", what,
				sorted.size(), median, sorted.get(sorted.size() - 1), sorted.get(0));
	}

	/**
	 * Spins on the replicas' in-memory views and notes when each first sees the breaker
	 * open.
	 */
	static final class Watch extends Thread {

		final List<SharedCircuitBreaker> breakers;

		final long[] openedAt;

		Watch(List<SharedCircuitBreaker> breakers) {
			this.breakers = breakers;
			this.openedAt = new long[breakers.size()];
			setDaemon(true);
		}

		@Override
		public void run() {
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			int open = 0;
			while (open < breakers.size() && System.nanoTime() < deadline) {
				for (int i = 0; i < breakers.size(); i++) {
					if (openedAt[i] == 0 && breakers.get(i).sharedState() == BreakerState.OPEN) {
						openedAt[i] = System.nanoTime();
						open++;
					}
				}
				Thread.onSpinWait();
			}
		}

	}

}
