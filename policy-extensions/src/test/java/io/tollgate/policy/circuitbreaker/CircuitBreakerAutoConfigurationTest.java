package io.tollgate.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.tollgate.policy.redis.TollgateRedisAutoConfiguration;

/** Wiring and startup validation; no Redis call is made while the context starts. */
class CircuitBreakerAutoConfigurationTest {

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class,
						TollgateRedisAutoConfiguration.class, CircuitBreakerAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1");

	@Test
	void whenRedisIsConfigured_thenTheFilterFactoryRegistryAndHealthAreWired() {
		runner
			.withPropertyValues("tollgate.circuit-breakers.orders.minimum-calls=7",
					"tollgate.circuit-breakers.orders.failure-statuses=500, 503",
					"tollgate.circuit-breakers.orders.sliding-window=30s")
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(SharedCircuitBreakerGatewayFilterFactory.class);
				assertThat(context).hasSingleBean(SharedCircuitBreakers.class);
				assertThat(context).hasBean("circuitBreakersHealthIndicator");
				BreakerProperties orders = context.getBean(CircuitBreakerProperties.class)
					.getCircuitBreakers()
					.get("orders");
				SharedCircuitBreakerGatewayFilterFactory.Config args = new SharedCircuitBreakerGatewayFilterFactory.Config();
				args.setName("orders");
				args.setWaitInOpen(Duration.ofSeconds(5));
				BreakerSettings settings = BreakerSettings.resolve("orders", orders, args);
				assertThat(settings.minimumCalls()).isEqualTo(7);
				assertThat(settings.failureStatuses()).containsExactlyInAnyOrder(500, 503);
				assertThat(settings.slidingWindowSeconds()).isEqualTo(30);
				assertThat(settings.waitInOpen()).isEqualTo(Duration.ofSeconds(5));
				assertThat(settings.halfOpenCalls()).isEqualTo(3);
			});
	}

	@Test
	void whenANamedBreakerHasAnImpossibleThreshold_thenStartupFailsNamingIt() {
		runner.withPropertyValues("tollgate.circuit-breakers.orders.failure-rate-threshold=150").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("circuit breaker 'orders'")
				.hasMessageContaining("failure-rate-threshold");
		});
	}

	@Test
	void whenTheSlidingWindowIsNotWholeSeconds_thenStartupFails() {
		runner.withPropertyValues("tollgate.circuit-breakers.orders.sliding-window=1500ms").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("whole seconds");
		});
	}

	@Test
	void whenTwoRoutesUseOneNameWithDifferentSettings_thenTheSecondIsRefused() {
		runner.run(context -> {
			SharedCircuitBreakerGatewayFilterFactory factory = context
				.getBean(SharedCircuitBreakerGatewayFilterFactory.class);
			SharedCircuitBreakerGatewayFilterFactory.Config first = new SharedCircuitBreakerGatewayFilterFactory.Config();
			first.setName("shared");
			first.setRouteId("a");
			factory.apply(first);
			factory.apply(first);
			SharedCircuitBreakerGatewayFilterFactory.Config second = new SharedCircuitBreakerGatewayFilterFactory.Config();
			second.setName("shared");
			second.setRouteId("b");
			second.setMinimumCalls(99);
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> factory.apply(second))
				.hasMessageContaining("different settings");
			SharedCircuitBreakerGatewayFilterFactory.Config badFallback = new SharedCircuitBreakerGatewayFilterFactory.Config();
			badFallback.setName("other");
			badFallback.setFallbackUri("http://elsewhere/");
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> factory.apply(badFallback))
				.hasMessageContaining("forward:/path");
		});
	}

	@Test
	void whenARouteChangesItsBreakerSettings_thenItGetsANewBreaker_andARemovedRouteTakesItsBreakerAlong() {
		runner.run(context -> {
			SharedCircuitBreakerGatewayFilterFactory factory = context
				.getBean(SharedCircuitBreakerGatewayFilterFactory.class);
			SharedCircuitBreakers breakers = context.getBean(SharedCircuitBreakers.class);
			SharedCircuitBreakerGatewayFilterFactory.Config before = new SharedCircuitBreakerGatewayFilterFactory.Config();
			before.setName("orders");
			before.setRouteId("orders-route");
			factory.apply(before);
			SharedCircuitBreaker first = breakers.get("orders");
			factory.apply(before);
			assertThat(breakers.get("orders")).as("unchanged: the same breaker, its state kept").isSameAs(first);
			SharedCircuitBreakerGatewayFilterFactory.Config after = new SharedCircuitBreakerGatewayFilterFactory.Config();
			after.setName("orders");
			after.setRouteId("orders-route");
			after.setMinimumCalls(42);
			factory.apply(after);
			assertThat(breakers.get("orders").settings().minimumCalls()).isEqualTo(42);
			breakers.retain(java.util.Set.of("another-route"));
			assertThat(breakers.get("orders")).isNull();
			assertThat(breakers.all()).isEmpty();
		});
	}

}
