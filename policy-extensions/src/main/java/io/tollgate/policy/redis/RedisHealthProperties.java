package io.tollgate.policy.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** How Tollgate watches its Redis. */
@ConfigurationProperties("tollgate.redis")
public class RedisHealthProperties {

	/** Longest time one health probe (PING) may take before Redis counts as DOWN. */
	private Duration healthTimeout = Duration.ofMillis(500);

	/**
	 * Interval of the background PING that detects outages and recoveries (logged once
	 * each).
	 */
	private Duration probeInterval = Duration.ofSeconds(5);

	public Duration getHealthTimeout() {
		return healthTimeout;
	}

	public void setHealthTimeout(Duration healthTimeout) {
		this.healthTimeout = healthTimeout;
	}

	public Duration getProbeInterval() {
		return probeInterval;
	}

	public void setProbeInterval(Duration probeInterval) {
		this.probeInterval = probeInterval;
	}

}
