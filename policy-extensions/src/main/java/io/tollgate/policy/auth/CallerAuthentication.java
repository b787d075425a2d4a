package io.tollgate.policy.auth;

/**
 * A way other than JWTs in which a request gets a
 * {@link io.tollgate.policy.identity.Caller} (for example API keys). While one is
 * enabled, routes that need a caller can be reached without JWT validation, so
 * {@link JwtRequiredCheck} lets them start.
 */
public interface CallerAuthentication {

	/** Whether it can authenticate callers with this configuration. */
	boolean enabled();

	/**
	 * What enables it, for the startup report when it is not enabled (e.g. "set
	 * tollgate.api-keys.secret so that API keys authenticate callers").
	 */
	String howToEnable();

}
