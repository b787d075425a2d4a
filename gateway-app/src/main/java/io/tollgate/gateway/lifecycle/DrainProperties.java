package io.tollgate.gateway.lifecycle;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Graceful shutdown behind a load balancer. */
@ConfigurationProperties("tollgate.lifecycle")
public class DrainProperties {

	/**
	 * How long the gateway keeps serving, with readiness DOWN, after it was asked to stop
	 * and before the server stops accepting connections. Must cover the time the load
	 * balancer needs to see readiness DOWN (health-check interval times failures to mark
	 * a server down, plus one check timeout) and stay below
	 * spring.lifecycle.timeout-per-shutdown-phase. 0 disables the wait.
	 */
	private Duration drainDelay = Duration.ofSeconds(5);

	public Duration getDrainDelay() {
		return drainDelay;
	}

	public void setDrainDelay(Duration drainDelay) {
		this.drainDelay = drainDelay;
	}

}
