package io.tollgate.policy.auth;

import java.util.List;

/**
 * Startup failure: routes require an authenticated caller, but no JWT validation is
 * configured, so nothing could ever authenticate one. Turned into a short report by
 * {@link JwtNotConfiguredFailureAnalyzer}.
 */
public class JwtNotConfiguredException extends IllegalStateException {

	private final List<String> securedRoutes;

	private final List<String> alternatives;

	public JwtNotConfiguredException(List<String> securedRoutes) {
		this(securedRoutes, List.of());
	}

	/**
	 * @param alternatives how to enable other authentication that could serve the routes
	 * ({@link CallerAuthentication#howToEnable()})
	 */
	public JwtNotConfiguredException(List<String> securedRoutes, List<String> alternatives) {
		super("No JWT validation is configured (" + JwtRequiredCheck.ISSUER_URI_PROPERTY + " or "
				+ JwtRequiredCheck.JWK_SET_URI_PROPERTY + "), but these routes require an authenticated caller: "
				+ String.join(", ", securedRoutes));
		this.securedRoutes = List.copyOf(securedRoutes);
		this.alternatives = List.copyOf(alternatives);
	}

	/** How other authentication could be enabled instead, may be empty. */
	public List<String> getAlternatives() {
		return alternatives;
	}

	/** The routes without {@code public: true}, as {@code 'id' (routes[i])}. */
	public List<String> getSecuredRoutes() {
		return securedRoutes;
	}

}
