package io.tollgate.policy.replica;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import io.tollgate.policy.config.TollgateConfigurationException;

/** This replica's identity and heartbeat ({@code tollgate.replica.*}). */
@ConfigurationProperties("tollgate.replica")
public class ReplicaProperties {

	/** This replica's id in the heartbeat set; a random id when empty. */
	private String id = "";

	/** How often this replica refreshes its heartbeat in Redis (at most 5s). */
	private Duration heartbeatInterval = Duration.ofSeconds(1);

	/**
	 * How long a replica counts as live after its last heartbeat (at least twice the
	 * interval).
	 */
	private Duration heartbeatExpiry = Duration.ofSeconds(15);

	public String getId() {
		return this.id;
	}

	public void setId(String id) {
		this.id = id;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getHeartbeatExpiry() {
		return this.heartbeatExpiry;
	}

	public void setHeartbeatExpiry(Duration heartbeatExpiry) {
		this.heartbeatExpiry = heartbeatExpiry;
	}

	void validate() {
		if (this.heartbeatInterval == null || this.heartbeatInterval.isNegative() || this.heartbeatInterval.isZero()
				|| this.heartbeatInterval.compareTo(Duration.ofSeconds(5)) > 0) {
			throw TollgateConfigurationException.property("tollgate.replica.heartbeat-interval",
					"tollgate.replica.heartbeat-interval must be between 0 and 5s, got " + this.heartbeatInterval);
		}
		if (this.heartbeatExpiry == null
				|| this.heartbeatExpiry.compareTo(this.heartbeatInterval.multipliedBy(2)) < 0) {
			throw TollgateConfigurationException.property("tollgate.replica.heartbeat-expiry",
					"tollgate.replica.heartbeat-expiry must be at least twice heartbeat-interval, got "
							+ this.heartbeatExpiry);
		}
	}

}
