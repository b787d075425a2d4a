package io.tollgate.bench;

import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * Loaded into the benchmarked gateway only (spring.main.sources): the stock RequestRateLimiter needs a KeyResolver bean,
 * and the gateway ships none keyed by client address.
 */
@Configuration(proxyBeanMethods = false)
public class BenchKeyResolvers {

	@Bean
	KeyResolver benchIpKeyResolver() {
		return exchange -> Mono.just(exchange.getRequest().getRemoteAddress().getAddress().getHostAddress());
	}
}
