package io.tollgate.gateway.consumer;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an unusable API key secret by name, never by value. */
public class ApiKeySecretFailureAnalyzer extends AbstractFailureAnalyzer<ApiKeySecretException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ApiKeySecretException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Set " + ApiKeysProperties.SECRET_PROPERTY + " to at least " + ApiKeysProperties.MIN_SECRET_BYTES
						+ " random bytes (for example the output of 'openssl rand -base64 48'), the same on every"
						+ " replica, or leave it unset to disable API keys.",
				cause);
	}

}
