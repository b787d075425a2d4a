package io.tollgate.gateway.lifecycle;

import org.junit.jupiter.api.Test;

import io.tollgate.gateway.support.GatewayInstance;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrainDelayConfigTest {

	@Test
	void whenDrainDelayNotShorterThanThePhaseTimeout_thenStartupFailsNamingBothProperties() {
		assertThatThrownBy(() -> GatewayInstance.builder()
			.property("tollgate.lifecycle.drain-delay", "30s")
			.property("spring.cloud.gateway.server.webflux.routes[0].id", "p")
			.property("spring.cloud.gateway.server.webflux.routes[0].uri", "http://127.0.0.1:1")
			.property("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/p/**")
			.property("spring.cloud.gateway.server.webflux.routes[0].metadata.public", "true")
			.start()
			.close()).rootCause()
			.hasMessageContaining("tollgate.lifecycle.drain-delay")
			.hasMessageContaining("spring.lifecycle.timeout-per-shutdown-phase");
	}

}
