package io.tollgate.gateway.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.policy.circuitbreaker.BreakerState;
import io.tollgate.policy.circuitbreaker.SharedCircuitBreakers;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * Issue #10's denial of service, closed: requests the gateway itself refuses or fails
 * behind a breaker (a rate limiter's 401 for a caller it cannot identify, a subject that
 * needs encoding in a relayed header) never move the upstream's breaker, however many of
 * them come, and normal callers keep getting 200.
 */
class BreakerGatewayFaultsTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@Test
	void whenManyRequestsAreRefusedOrFailedByTheGateway_thenTheBreakerStaysClosedForEveryone() throws Exception {
		try (GatewayInstance gateway = GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.route(Route.id("orders")
				.uri(upstream.url())
				.path("/orders/**")
				// the breaker first: everything after it, the gateway's own filters
				// included, is behind it
				.filter("SharedCircuitBreaker=orders")
				.filter("ClusterRateLimit=1000/1s, principal")
				.filter("ClaimsToHeaders=sub:X-User-Id")
				.publicRoute())
			.start()) {
			long before = upstream.requestCount();
			for (int i = 0; i < 40; i++) {
				// anonymous: the limiter, keyed on the principal, refuses with 401
				gateway.client().get().uri("/orders/" + i).exchange().expectStatus().isUnauthorized();
				// a subject with leading and trailing spaces is relayed encoded, never a
				// 500
				gateway.client()
					.get()
					.uri("/orders/" + i)
					.header("Authorization", "Bearer " + idp.token(" cb" + i + " "))
					.exchange()
					.expectStatus()
					.isOk();
			}
			assertThat(upstream.requestCount() - before).as("only the authenticated calls reached the upstream")
				.isEqualTo(40);
			Thread.sleep(600); // several outcome flushes
			SharedCircuitBreakers breakers = gateway.bean(SharedCircuitBreakers.class);
			assertThat(breakers.get("orders").sharedState()).isEqualTo(BreakerState.CLOSED);
			assertThat(breakers.get("orders").localState().name()).isEqualTo("CLOSED");
			assertThat(gateway.bean(MeterRegistry.class)
				.get("tollgate.circuitbreaker.calls")
				.tag("name", "orders")
				.tag("outcome", "not_upstream")
				.counter()
				.count()).isEqualTo(40);
			gateway.client()
				.get()
				.uri("/orders/ok")
				.header("Authorization", "Bearer " + idp.token("alice"))
				.exchange()
				.expectStatus()
				.isOk();
		}
	}

	@Test
	void whenTheGatewayAnswers503Itself_thenTheLocalBreakerDoesNotCountIt() {
		// Redis is unreachable (no Redis given): the limiter behind the breaker refuses
		// with its own
		// 503 (on-store-failure deny)
		try (GatewayInstance gateway = GatewayInstance.builder()
			.property("spring.cloud.gateway.server.webflux.routes[0].id", "deny")
			.property("spring.cloud.gateway.server.webflux.routes[0].uri", upstream.url())
			.property("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/deny/**")
			.property("spring.cloud.gateway.server.webflux.routes[0].metadata.public", "true")
			.property("spring.cloud.gateway.server.webflux.routes[0].filters[0]", "SharedCircuitBreaker=deny")
			.property("spring.cloud.gateway.server.webflux.routes[0].filters[1].name", "ClusterRateLimit")
			.property("spring.cloud.gateway.server.webflux.routes[0].filters[1].args.limits", "1000/1s")
			.property("spring.cloud.gateway.server.webflux.routes[0].filters[1].args.key", "ip")
			.property("spring.cloud.gateway.server.webflux.routes[0].filters[1].args.on-store-failure", "deny")
			.start()) {
			for (int i = 0; i < 30; i++) {
				gateway.client().get().uri("/deny/" + i).exchange().expectStatus().isEqualTo(503);
			}
			SharedCircuitBreakers breakers = gateway.bean(SharedCircuitBreakers.class);
			assertThat(breakers.get("deny").localState().name()).as("30 gateway-side 503s counted for nothing")
				.isEqualTo("CLOSED");
			// an outcome is recorded when the exchange completes, just after the answer
			// was written
			var notUpstream = gateway.bean(MeterRegistry.class)
				.get("tollgate.circuitbreaker.calls")
				.tag("name", "deny")
				.tag("outcome", "not_upstream")
				.counter();
			long deadline = System.nanoTime() + 1_000_000_000L;
			while (notUpstream.count() < 30 && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(notUpstream.count()).isEqualTo(30);
		}
	}

	@Test
	void whenTheGatewayFailsARequestItself_thenTheErrorIsCountedByKind() {
		try (GatewayInstance gateway = GatewayInstance.builder()
			.redis(redis)
			.route(Route.id("down").uri("http://127.0.0.1:1").path("/down/**").publicRoute())
			.start()) {
			for (int i = 0; i < 3; i++) {
				gateway.client().get().uri("/down/x").exchange().expectStatus().is5xxServerError();
			}
			double counted = gateway.bean(MeterRegistry.class)
				.find("tollgate.http.errors")
				.counters()
				.stream()
				.mapToDouble(c -> c.count())
				.sum();
			assertThat(counted).isEqualTo(3);
		}
	}

}
