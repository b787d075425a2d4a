package io.tollgate.policy.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.server.WebFilter;

import io.tollgate.policy.net.NetAutoConfiguration;
import io.tollgate.policy.net.TrustedProxies;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * Connection-level limits of the edge (header timeout, per-client connection cap,
 * unparseable requests) and the refusal metric and log they share.
 */
@AutoConfiguration(after = NetAutoConfiguration.class)
@EnableConfigurationProperties(HttpEdgeProperties.class)
public class HttpHardeningAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Refusals tollgateRefusals(ObjectProvider<MeterRegistry> registry, HttpEdgeProperties properties) {
		return new Refusals(registry.getIfAvailable(),
				positive(properties.getRefusalLogInterval(), "tollgate.http.refusal-log-interval"));
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionLimiter tollgateConnectionLimiter(HttpEdgeProperties properties, TrustedProxies proxies) {
		if (properties.getMaxConnectionsPerClient() < 0) {
			throw TollgateConfigurationException.property("tollgate.http.max-connections-per-client",
					"tollgate.http.max-connections-per-client must be 0 (off) or positive, not "
							+ properties.getMaxConnectionsPerClient());
		}
		return new ConnectionLimiter(properties.getMaxConnectionsPerClient(), proxies);
	}

	/**
	 * The data port's web filters run as one {@link FlatWebFilterChain}: no per-filter
	 * checkpoint per request.
	 */
	@Bean
	WebHttpHandlerBuilderCustomizer tollgateFlatWebFilterChain() {
		return builder -> builder.filters(filters -> {
			if (filters.size() > 1) {
				List<WebFilter> all = new ArrayList<>(filters);
				filters.clear();
				filters.add(new FlatWebFilterChain(all));
			}
		});
	}

	@Bean
	@ConditionalOnMissingBean
	AdmissionLimitWebFilter tollgateAdmissionLimitWebFilter(HttpEdgeProperties properties, Refusals refusals) {
		int max = properties.getMaxConcurrentRequests();
		if (max < 0) {
			throw TollgateConfigurationException.property("tollgate.http.max-concurrent-requests",
					"tollgate.http.max-concurrent-requests must be 0 (off) or positive, not " + max);
		}
		return new AdmissionLimitWebFilter(max == 0 ? Integer.MAX_VALUE : max, refusals);
	}

	@Bean
	EdgeNettyCustomizer tollgateEdgeNettyCustomizer(ConnectionLimiter limiter, HttpEdgeProperties properties,
			Refusals refusals) {
		return new EdgeNettyCustomizer(limiter,
				positive(properties.getRequestHeaderTimeout(), "tollgate.http.request-header-timeout"), refusals);
	}

	static Duration positive(Duration value, String property) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw TollgateConfigurationException.property(property,
					property + " must be a positive duration, not " + value);
		}
		return value;
	}

}
