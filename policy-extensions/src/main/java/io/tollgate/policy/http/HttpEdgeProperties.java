package io.tollgate.policy.http;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Limits on what one client connection may hold at the edge. */
@ConfigurationProperties("tollgate.http")
public class HttpEdgeProperties {

	/**
	 * Longest time from the first byte of a request to the end of its header section; a
	 * slower client gets 408 and its connection is closed.
	 */
	private Duration requestHeaderTimeout = Duration.ofSeconds(10);

	/**
	 * Requests in flight on this replica's data port beyond which the next gets 503
	 * problem+json with {@code Retry-After: 1} (load shedding; the management port is
	 * never shed). 0 turns it off.
	 */
	private int maxConcurrentRequests = 1024;

	/**
	 * Concurrent connections one client address may hold (an IPv6 client: its /64);
	 * further connections get 429 and are closed. Connections from
	 * {@code tollgate.trusted-proxies} are not counted. 0 turns the cap off.
	 */
	private int maxConnectionsPerClient = 256;

	/** At most one log line per kind of refused request in this interval. */
	private Duration refusalLogInterval = Duration.ofMinutes(1);

	public Duration getRequestHeaderTimeout() {
		return requestHeaderTimeout;
	}

	public void setRequestHeaderTimeout(Duration requestHeaderTimeout) {
		this.requestHeaderTimeout = requestHeaderTimeout;
	}

	public int getMaxConcurrentRequests() {
		return maxConcurrentRequests;
	}

	public void setMaxConcurrentRequests(int maxConcurrentRequests) {
		this.maxConcurrentRequests = maxConcurrentRequests;
	}

	public int getMaxConnectionsPerClient() {
		return maxConnectionsPerClient;
	}

	public void setMaxConnectionsPerClient(int maxConnectionsPerClient) {
		this.maxConnectionsPerClient = maxConnectionsPerClient;
	}

	public Duration getRefusalLogInterval() {
		return refusalLogInterval;
	}

	public void setRefusalLogInterval(Duration refusalLogInterval) {
		this.refusalLogInterval = refusalLogInterval;
	}

}
