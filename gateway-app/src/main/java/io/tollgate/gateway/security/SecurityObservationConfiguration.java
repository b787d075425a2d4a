package io.tollgate.gateway.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * Spring Security observes nothing.
 * {@code management.observations.enable.spring.security=false} only turns its
 * observations into no-ops; without this bean every request would still pass through an
 * observation decorator around each security filter.
 */
@Configuration(proxyBeanMethods = false)
class SecurityObservationConfiguration {

	@Bean
	static SecurityObservationSettings tollgateSecurityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

}
