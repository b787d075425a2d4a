package io.tollgate.policy.auth;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports {@link JwtNotConfiguredException} as what to set, without a stack trace. */
public class JwtNotConfiguredFailureAnalyzer extends AbstractFailureAnalyzer<JwtNotConfiguredException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, JwtNotConfiguredException cause) {
		String routes = String.join(System.lineSeparator() + "    ", cause.getSecuredRoutes());
		String description = "Routes require an authenticated caller, but no JWT validation is configured,"
				+ " so every request to them would be refused with 401." + System.lineSeparator()
				+ System.lineSeparator() + "Routes that require authentication:" + System.lineSeparator() + "    "
				+ routes;
		String action = "Set " + JwtRequiredCheck.ISSUER_URI_PROPERTY + " (the issuer; alone it also finds the JWKS"
				+ " through OpenID Connect discovery) and/or " + JwtRequiredCheck.JWK_SET_URI_PROPERTY
				+ " to your identity provider." + System.lineSeparator()
				+ "Or mark the routes above that anonymous callers may use as public: metadata 'public: true' ("
				+ JwtRequiredCheck.ROUTES_PROPERTY + "[i].metadata.public=true).";
		for (String alternative : cause.getAlternatives()) {
			action += System.lineSeparator() + "Or " + alternative + ".";
		}
		return new FailureAnalysis(description, action, cause);
	}

}
