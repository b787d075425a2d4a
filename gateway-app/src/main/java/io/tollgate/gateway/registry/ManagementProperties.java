package io.tollgate.gateway.registry;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/** The management store and each replica's sync ({@code tollgate.management.*}). */
@ConfigurationProperties("tollgate.management")
public class ManagementProperties {

	/**
	 * Directory where this replica keeps the last state it applied, so it can serve it
	 * when Redis is down at start (e.g. /var/lib/tollgate/management). Empty: no
	 * snapshot.
	 */
	private String snapshotDir = "";

	/**
	 * How often each replica catches up with the store even without an announcement (a
	 * missed pub/sub message is applied at the latest then).
	 */
	private Duration resyncInterval = Duration.ofSeconds(5);

	/** How many audit entries the store keeps (the oldest are dropped). */
	private int auditLength = 100_000;

	/**
	 * How many changes the store's feed keeps for replicas to catch up incrementally; a
	 * replica further behind loads a full snapshot.
	 */
	private int feedLength = 10_000;

	public String getSnapshotDir() {
		return this.snapshotDir;
	}

	public void setSnapshotDir(String snapshotDir) {
		this.snapshotDir = snapshotDir;
	}

	public Duration getResyncInterval() {
		return this.resyncInterval;
	}

	public void setResyncInterval(Duration resyncInterval) {
		this.resyncInterval = resyncInterval;
	}

	public int getAuditLength() {
		return this.auditLength;
	}

	public void setAuditLength(int auditLength) {
		this.auditLength = auditLength;
	}

	public int getFeedLength() {
		return this.feedLength;
	}

	public void setFeedLength(int feedLength) {
		this.feedLength = feedLength;
	}

	/** Refuses a value the sync cannot work with, naming the property. */
	void validate() {
		if (this.resyncInterval == null || this.resyncInterval.compareTo(Duration.ofMillis(100)) < 0
				|| this.resyncInterval.compareTo(Duration.ofMinutes(10)) > 0) {
			throw new InvalidConfigurationPropertyValueException("tollgate.management.resync-interval",
					this.resyncInterval, "must be between 100ms and 10m");
		}
		if (this.auditLength < 1 || this.auditLength > 10_000_000) {
			throw new InvalidConfigurationPropertyValueException("tollgate.management.audit-length", this.auditLength,
					"must be between 1 and 10000000");
		}
		if (this.feedLength < 100 || this.feedLength > 1_000_000) {
			throw new InvalidConfigurationPropertyValueException("tollgate.management.feed-length", this.feedLength,
					"must be between 100 and 1000000");
		}
	}

}
