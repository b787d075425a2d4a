package io.tollgate.gateway.registry;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What managed APIs ({@code apis} of the Admin API) may point at.
 */
@ConfigurationProperties("tollgate.admin")
public class ManagedApisProperties {

	/**
	 * Upstream hosts allowed although they are link-local or cloud-metadata addresses
	 * (169.254.0.0/16, fe80::/10, fd00:ec2::254, ...), which managed APIs are otherwise
	 * refused: host names, IP addresses or CIDR ranges (for example 169.254.170.2 for the
	 * ECS task-metadata endpoint). Default: none.
	 */
	private List<String> allowedUpstreams = new ArrayList<>();

	public List<String> getAllowedUpstreams() {
		return this.allowedUpstreams;
	}

	public void setAllowedUpstreams(List<String> allowedUpstreams) {
		// fails the binding, naming the property and the entry, at startup
		new ApiUpstreamRules(allowedUpstreams);
		this.allowedUpstreams = allowedUpstreams;
	}

	ApiUpstreamRules rules() {
		return new ApiUpstreamRules(this.allowedUpstreams);
	}

}
