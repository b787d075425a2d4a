package io.tollgate.gateway.lifecycle;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Graceful shutdown: readiness DOWN, drain, then Spring Boot's graceful web server stop.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DrainProperties.class)
public class LifecycleConfiguration {

	private static final String DRAIN_DELAY = "tollgate.lifecycle.drain-delay";

	@Bean
	ReadinessDrain readinessDrain(ApplicationContext context, DrainProperties properties,
			@Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration phaseTimeout) {
		Duration delay = properties.getDrainDelay();
		if (delay == null || delay.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(DRAIN_DELAY, delay, "must be 0 or positive");
		}
		if (delay.compareTo(phaseTimeout) >= 0) {
			throw new InvalidConfigurationPropertyValueException(DRAIN_DELAY, delay,
					"must be shorter than spring.lifecycle.timeout-per-shutdown-phase (" + phaseTimeout
							+ "), which bounds the drain");
		}
		return new ReadinessDrain(context, delay);
	}

}
