package io.tollgate.policy.config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Startup checks of the configuration: removed properties, and the arguments of every
 * configured route's filters and predicates. Each failure is one
 * {@link TollgateConfigurationException}, reported without a stack trace.
 */
@AutoConfiguration(after = GatewayAutoConfiguration.class)
public class ConfigurationCheckAutoConfiguration {

	@Bean
	static RemovedPropertiesCheck tollgateRemovedPropertiesCheck(Environment environment) {
		return new RemovedPropertiesCheck(environment);
	}

	@Bean
	@ConditionalOnClass(GatewayProperties.class)
	RouteConfigurationCheck tollgateRouteConfigurationCheck(ObjectProvider<GatewayProperties> gateway,
			ObjectProvider<ConfigurationService> configuration,
			ObjectProvider<RoutePredicateFactory<?>> predicateFactories,
			ObjectProvider<GatewayFilterFactory<?>> filterFactories) {
		return new RouteConfigurationCheck(gateway, configuration, predicateFactories, filterFactories);
	}

}
