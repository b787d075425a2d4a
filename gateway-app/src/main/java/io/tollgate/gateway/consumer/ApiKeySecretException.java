package io.tollgate.gateway.consumer;

/**
 * Startup failure: {@code tollgate.api-keys.secret} is set but unusable. Reported by
 * {@link ApiKeySecretFailureAnalyzer} without the value (Spring Boot's own report of an
 * invalid property would print it).
 */
public class ApiKeySecretException extends IllegalStateException {

	ApiKeySecretException(String reason) {
		super(ApiKeysProperties.SECRET_PROPERTY + " is invalid: " + reason);
	}

}
