package io.tollgate.policy.circuitbreaker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * Named shared circuit breakers ({@code tollgate.circuit-breakers.<name>.*}) and how
 * replicas keep their view of them in sync through Redis
 * ({@code tollgate.circuit-breaker-sync.*}).
 */
@ConfigurationProperties("tollgate")
public class CircuitBreakerProperties {

	/**
	 * Breakers defined once by name and referenced from routes with
	 * {@code SharedCircuitBreaker=<name>}.
	 */
	private Map<String, BreakerProperties> circuitBreakers = new LinkedHashMap<>();

	/** Synchronisation of breaker state and outcomes through Redis. */
	private final Sync circuitBreakerSync = new Sync();

	public Map<String, BreakerProperties> getCircuitBreakers() {
		return circuitBreakers;
	}

	public void setCircuitBreakers(Map<String, BreakerProperties> circuitBreakers) {
		this.circuitBreakers = circuitBreakers;
	}

	public Sync getCircuitBreakerSync() {
		return circuitBreakerSync;
	}

	public static class Sync {

		/** How often each replica adds its batched outcomes to the shared window. */
		private Duration flushInterval = Duration.ofMillis(200);

		/**
		 * How often each replica re-reads every breaker's shared state (backstop for
		 * missed pub/sub messages).
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/** Pub/sub channel on which state changes are announced. */
		private String channel = "tollgate:cb:events";

		public Duration getFlushInterval() {
			return flushInterval;
		}

		public void setFlushInterval(Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

		public Duration getPollInterval() {
			return pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public String getChannel() {
			return channel;
		}

		public void setChannel(String channel) {
			this.channel = channel;
		}

		void validate() {
			for (Duration d : new Duration[] { flushInterval, pollInterval }) {
				if (d == null || d.isNegative() || d.isZero()) {
					throw TollgateConfigurationException.property(
							d == flushInterval ? "tollgate.circuit-breaker-sync.flush-interval"
									: "tollgate.circuit-breaker-sync.poll-interval",
							"tollgate.circuit-breaker-sync.flush-interval and poll-interval must be positive durations");
				}
			}
			if (channel == null || channel.isBlank()) {
				throw TollgateConfigurationException.property("tollgate.circuit-breaker-sync.channel",
						"tollgate.circuit-breaker-sync.channel must not be blank");
			}
		}

	}

}
