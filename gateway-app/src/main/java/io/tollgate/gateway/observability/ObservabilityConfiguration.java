package io.tollgate.gateway.observability;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Meters the dashboard needs beyond those of Spring Boot and the policies. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterRegistry.class)
public class ObservabilityConfiguration {

	@Bean
	EventLoopMetrics tollgateEventLoopMetrics() {
		return new EventLoopMetrics();
	}

}
