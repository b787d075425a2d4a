package io.tollgate.policy.identity;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;
import io.tollgate.policy.config.TollgateConfigurationException;

/** Identity headers: one global list, stripped from every client request. */
@AutoConfiguration
@EnableConfigurationProperties(IdentityHeadersProperties.class)
public class IdentityHeadersAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	IdentityHeaders tollgateIdentityHeaders(IdentityHeadersProperties properties) {
		try {
			return new IdentityHeaders(properties.getIdentityHeaders());
		}
		catch (IllegalArgumentException ex) {
			throw TollgateConfigurationException.property("tollgate.security.identity-headers",
					"tollgate.security.identity-headers: " + ex.getMessage());
		}
	}

	@Bean
	@ConditionalOnMissingBean
	IdentityHeadersWebFilter tollgateIdentityHeadersWebFilter(IdentityHeaders identityHeaders,
			ObjectProvider<RouteLocator> routeLocator) {
		return new IdentityHeadersWebFilter(identityHeaders, Mono.defer(() -> {
			RouteLocator locator = routeLocator.getIfAvailable();
			return locator == null ? Mono.empty() : locator.getRoutes().then();
		}));
	}

}
