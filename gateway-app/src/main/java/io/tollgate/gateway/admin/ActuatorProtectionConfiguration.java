package io.tollgate.gateway.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Actuator write operations need {@code tollgate:admin}, wherever the actuator is served:
 * in the management child context on its own port, or in the main context when the
 * management server shares the data port. Listed in
 * {@code META-INF/spring/...ManagementContextConfiguration.imports} and, like
 * {@link AdminApiConfiguration}, kept out of the component scan.
 */
class ActuatorProtectionConfiguration {

	private static final Logger log = LoggerFactory.getLogger(ActuatorProtectionConfiguration.class);

	@Bean
	ActuatorWriteWebFilter tollgateActuatorWriteWebFilter(ObjectProvider<ReactiveJwtDecoder> decoder,
			ObjectProvider<WebEndpointProperties> endpoints) {
		WebEndpointProperties properties = endpoints.getIfAvailable(WebEndpointProperties::new);
		return new ActuatorWriteWebFilter(new AdminAuthorization(decoder, "Actuator write operations", false),
				properties.getBasePath());
	}

	@Bean
	@ConditionalOnManagementPort(ManagementPortType.SAME)
	SmartInitializingSingleton tollgateAdminApiNotServedNotice() {
		return () -> log.warn("The Admin API (/admin/v1) is not served: it needs its own management port "
				+ "(management.server.port different from server.port)");
	}

}
