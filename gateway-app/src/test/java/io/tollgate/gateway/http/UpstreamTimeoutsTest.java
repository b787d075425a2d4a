package io.tollgate.gateway.http;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.http.MediaType;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream timeouts are set once on the shared client ({@code tollgate.upstream.*}),
 * not per request by Spring Cloud Gateway: an upstream that does not answer still gets
 * 504 problem+json, and a breaker in front of it counts a timeout.
 */
class UpstreamTimeoutsTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@Test
	void whenTheUpstreamDoesNotAnswerInTime_thenTheClientGets504AndTheBreakerCountsATimeout() {
		try (GatewayInstance gateway = GatewayInstance.builder()
			.redis(redis)
			.property("tollgate.upstream.response-timeout", "1s")
			.route(Route.id("slow").uri(upstream.url()).path("/slow/**").publicRoute())
			.route(Route.id("guarded")
				.uri(upstream.url())
				.path("/guarded/**")
				.filter("SharedCircuitBreaker=slowpoke")
				.publicRoute())
			.start()) {
			HttpClientProperties scg = gateway.bean(HttpClientProperties.class);
			assertThat(scg.getConnectTimeout()).as("no per-request client copy").isNull();
			assertThat(scg.getResponseTimeout()).as("no per-request timer").isNull();

			upstream.delay(Duration.ofSeconds(4));
			long start = System.nanoTime();
			gateway.client()
				.get()
				.uri("/slow/x")
				.exchange()
				.expectStatus()
				.isEqualTo(504)
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.detail")
				.isEqualTo("The upstream did not answer in time");
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(3500));

			gateway.client()
				.get()
				.uri("/guarded/x")
				.exchange()
				.expectStatus()
				.isEqualTo(504)
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo(504);
			double timeouts = gateway.bean(MeterRegistry.class)
				.get("tollgate.circuitbreaker.calls")
				.tag("name", "slowpoke")
				.tag("outcome", "timeout")
				.counter()
				.count();
			assertThat(timeouts).isEqualTo(1);

			upstream.reset();
			gateway.client().get().uri("/slow/x").exchange().expectStatus().isOk().expectBody().consumeWith(b -> {
			});
		}
	}

}
