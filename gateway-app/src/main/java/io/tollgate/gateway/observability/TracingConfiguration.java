package io.tollgate.gateway.observability;

import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Hooks;

/**
 * Tracing, when {@code tollgate.tracing.enabled}: the per-request observations are
 * switched on in {@code application.yml} (they read the same property); this adds what
 * Tollgate puts into them. Nothing here exists while tracing is off.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TracingProperties.class)
@ConditionalOnBooleanProperty("tollgate.tracing.enabled")
@ConditionalOnClass(Propagator.class)
public class TracingConfiguration {

	/**
	 * The request's observation travels in the Reactor context; automatic propagation
	 * restores it (and the trace id in the logging MDC) on every thread a request's work
	 * continues on. It has a cost per operator, so only while tracing is on.
	 */
	@Bean
	static ContextPropagation tollgateReactorContextPropagation() {
		Hooks.enableAutomaticContextPropagation();
		return new ContextPropagation();
	}

	@Bean
	TraceIdWebFilter tollgateTraceIdWebFilter() {
		return new TraceIdWebFilter();
	}

	@Bean
	PolicyOutcomeObservationFilter tollgatePolicyOutcomeObservationFilter() {
		return new PolicyOutcomeObservationFilter();
	}

	@Bean
	@ConditionalOnProperty(name = "tollgate.tracing.incoming-context", havingValue = "replace")
	static BeanPostProcessor tollgateReplaceIncomingTraceContext() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return bean instanceof Propagator propagator && !(bean instanceof IgnoringIncomingPropagator)
						? new IgnoringIncomingPropagator(propagator) : bean;
			}
		};
	}

	/** Marker that automatic context propagation was switched on for this context. */
	static final class ContextPropagation {

	}

}
