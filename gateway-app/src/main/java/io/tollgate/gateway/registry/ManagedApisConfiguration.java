package io.tollgate.gateway.registry;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import io.tollgate.gateway.consumer.PlanResolver;
import io.tollgate.policy.circuitbreaker.SharedCircuitBreakerGatewayFilterFactory;
import io.tollgate.policy.ratelimit.ClusterRateLimitGatewayFilterFactory;
import io.tollgate.policy.route.RouteStateJanitor;

/**
 * Managed APIs at run time: the {@code apis} codec, the index the replica's
 * {@link ManagementView} feeds, and the {@code tollgate-managed} route that serves them.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ManagedApisProperties.class)
public class ManagedApisConfiguration {

	@Bean
	ApiCodec apiCodec(ManagedApisProperties properties, ObjectProvider<ReactiveJwtDecoder> jwtDecoder) {
		return new ApiCodec(properties.rules(), () -> jwtDecoder.getIfAvailable() != null);
	}

	@Bean
	ApiMetrics apiMetrics(ObjectProvider<MeterRegistry> registry) {
		return new ApiMetrics(registry.getIfAvailable());
	}

	@Bean
	ManagedApis managedApis(ObjectProvider<ClusterRateLimitGatewayFilterFactory> rateLimits,
			ObjectProvider<SharedCircuitBreakerGatewayFilterFactory> breakers, ObjectProvider<PlanResolver> plans,
			ApiMetrics metrics, ObjectProvider<ManagementView> view, ObjectProvider<RouteStateJanitor> janitor) {
		return new ManagedApis(new ApiCompiler(rateLimits, breakers, plans), metrics, view, janitor);
	}

	@Bean
	RouteLocator tollgateManagedApiRoute(ManagedApis apis) {
		return new ManagedApiRoute(apis);
	}

}
