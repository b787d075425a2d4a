package io.tollgate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionRepository;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.policy.circuitbreaker.SharedCircuitBreakers;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * Per-route policy state follows route refreshes: changed settings apply at the next
 * refresh (no exception), deleted routes leave the actuator endpoints, and routes that
 * did not change keep their shared counters and breaker state.
 */
class RouteRefreshStateTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	GatewayInstance gateway;

	@BeforeEach
	void start() {
		redis.flushAll();
		this.gateway = GatewayInstance.builder().redis(redis).start();
	}

	@AfterEach
	void stop() {
		this.gateway.close();
	}

	static RouteDefinition route(String id, String... filters) {
		RouteDefinition r = new RouteDefinition();
		r.setId(id);
		r.setUri(upstream.uri());
		r.setPredicates(List.of(new PredicateDefinition("Path=/" + id + "/**")));
		r.setFilters(java.util.Arrays.stream(filters).map(FilterDefinition::new).toList());
		r.setMetadata(Map.of("public", true));
		return r;
	}

	void apply(RouteDefinition... routes) {
		RouteDefinitionRepository repository = this.gateway.bean(RouteDefinitionRepository.class);
		for (RouteDefinition r : routes) {
			repository.save(reactor.core.publisher.Mono.just(r)).block(Duration.ofSeconds(5));
		}
		refresh();
	}

	void delete(String id) {
		this.gateway.bean(RouteDefinitionRepository.class)
			.delete(reactor.core.publisher.Mono.just(id))
			.block(Duration.ofSeconds(5));
		refresh();
	}

	void refresh() {
		this.gateway.context().publishEvent(new RefreshRoutesEvent(this));
	}

	HttpResponse<String> get(String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(this.gateway.baseUrl() + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	String management(String path) throws Exception {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.gateway.managementPort() + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString())
			.body();
	}

	static void eventually(ThrowingRunnable check) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (true) {
			try {
				check.run();
				return;
			}
			catch (AssertionError ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(50);
			}
		}
	}

	interface ThrowingRunnable {

		void run() throws Exception;

	}

	@Test
	void whenARoutesPolicySettingsChange_thenTheNextRefreshAppliesThem_andUnchangedRoutesKeepTheirState()
			throws Exception {
		apply(route("limited", "ClusterRateLimit=3/10m, global"), route("steady", "ClusterRateLimit=5/10m, global"),
				route("guarded", "SharedCircuitBreaker=guarded"));
		eventually(() -> assertThat(get("/limited/x").statusCode()).isEqualTo(200));
		assertThat(get("/steady/x").headers().firstValue("RateLimit")).hasValue("\"5-per-10m\";r=4;t=120");
		SharedCircuitBreakers breakers = this.gateway.bean(SharedCircuitBreakers.class);
		var guarded = breakers.get("guarded");
		assertThat(guarded.settings().minimumCalls()).isEqualTo(20);

		RouteDefinition changed = route("guarded");
		FilterDefinition breaker = new FilterDefinition();
		breaker.setName("SharedCircuitBreaker");
		breaker.setArgs(Map.of("name", "guarded", "minimum-calls", "7"));
		changed.setFilters(List.of(breaker));
		apply(route("limited", "ClusterRateLimit=10/10m, global"), changed);

		eventually(() -> assertThat(get("/limited/x").headers().firstValue("RateLimit-Policy"))
			.hasValue("\"10-per-10m\";q=10;w=600"));
		eventually(() -> assertThat(breakers.get("guarded").settings().minimumCalls()).isEqualTo(7));
		assertThat(get("/guarded/x").statusCode()).isEqualTo(200);
		// the unchanged route counts on where it was
		assertThat(get("/steady/x").headers().firstValue("RateLimit")).hasValue("\"5-per-10m\";r=3;t=240");
		assertThat(breakers.get("guarded")).as("a new breaker for the new settings").isNotSameAs(guarded);
	}

	@Test
	void whenARouteIsDeleted_thenItLeavesTheEndpointsAndItsBreakerIsDropped() throws Exception {
		apply(route("gone", "ClusterRateLimit=3/10m, global", "SharedCircuitBreaker=gone-breaker"),
				route("kept", "ClusterRateLimit=3/10m, global", "SharedCircuitBreaker=kept-breaker"));
		eventually(() -> assertThat(get("/gone/x").statusCode()).isEqualTo(200));
		assertThat(management("/actuator/ratelimits")).contains("\"gone\"").contains("\"kept\"");
		assertThat(management("/actuator/circuitbreakers")).contains("gone-breaker").contains("kept-breaker");

		delete("gone");

		eventually(
				() -> assertThat(management("/actuator/ratelimits")).doesNotContain("\"gone\"").contains("\"kept\""));
		eventually(() -> assertThat(management("/actuator/circuitbreakers")).doesNotContain("gone-breaker")
			.contains("kept-breaker"));
		assertThat(get("/gone/x").statusCode()).isEqualTo(404);
		assertThat(get("/kept/x").statusCode()).isEqualTo(200);
	}

}
