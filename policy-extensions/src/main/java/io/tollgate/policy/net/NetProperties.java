package io.tollgate.policy.net;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** How Tollgate sees the network in front of it. */
@ConfigurationProperties("tollgate")
public class NetProperties {

	/**
	 * Proxies (CIDR blocks or addresses) whose {@code X-Forwarded-*} and
	 * {@code Forwarded} headers are believed. Empty (default): those headers are dropped
	 * from every client and the TCP peer is the client.
	 */
	private List<String> trustedProxies = new ArrayList<>();

	public List<String> getTrustedProxies() {
		return trustedProxies;
	}

	public void setTrustedProxies(List<String> trustedProxies) {
		this.trustedProxies = trustedProxies;
	}

}
