package io.tollgate.policy.identity;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Request headers whose values only Tollgate sets. */
@ConfigurationProperties("tollgate.security")
public class IdentityHeadersProperties {

	/**
	 * Headers removed from every client request on every route, in addition to
	 * {@code X-Consumer-Id} and the headers routes' {@code ClaimsToHeaders} map. List the
	 * headers gateway filters such as {@code AddRequestHeader} set for upstreams to trust
	 * (for example {@code X-Lane}).
	 */
	private List<String> identityHeaders = new ArrayList<>();

	public List<String> getIdentityHeaders() {
		return identityHeaders;
	}

	public void setIdentityHeaders(List<String> identityHeaders) {
		this.identityHeaders = identityHeaders;
	}

}
