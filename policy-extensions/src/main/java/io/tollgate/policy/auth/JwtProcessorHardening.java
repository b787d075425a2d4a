package io.tollgate.policy.auth;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;

/**
 * What Tollgate configures on Nimbus' JWT processor inside Spring Security's
 * {@code NimbusReactiveJwtDecoder} (its {@code jwtProcessorCustomizer}):
 * <ul>
 * <li>the algorithm allow-list: only keys for these algorithms are ever selected (the
 * builder itself takes a single algorithm);</li>
 * <li>{@code typ}: one of the allowed types, compared ignoring case, or absent;</li>
 * <li>{@code crit}: a token naming any critical header parameter gets no key, so it is
 * refused before any signature work (Nimbus' verifiers would still accept
 * {@code b64}).</li>
 * </ul>
 * Keys come from the {@link JWKSecurityContext} that the decoder fills from our JWKS
 * only; no header ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}) is a key source.
 */
public final class JwtProcessorHardening implements Consumer<ConfigurableJWTProcessor<JWKSecurityContext>> {

	private final JWSKeySelector<JWKSecurityContext> keySelector;

	private final DefaultJOSEObjectTypeVerifier<JWKSecurityContext> typeVerifier;

	public JwtProcessorHardening(Set<JWSAlgorithm> algorithms, Collection<String> allowedTypes) {
		JWSKeySelector<JWKSecurityContext> allowed = new JWSVerificationKeySelector<>(Set.copyOf(algorithms),
				new JWKSecurityContextJWKSet());
		this.keySelector = (header, context) -> hasCritical(header) ? List.of()
				: allowed.selectJWSKeys(header, context);
		Set<JOSEObjectType> types = new HashSet<>();
		allowedTypes.forEach(t -> types.add(new JOSEObjectType(t)));
		types.add(null); // a token without typ is accepted
		this.typeVerifier = new DefaultJOSEObjectTypeVerifier<>(types);
	}

	@Override
	public void accept(ConfigurableJWTProcessor<JWKSecurityContext> processor) {
		processor.setJWSTypeVerifier(typeVerifier);
		processor.setJWSKeySelector(keySelector);
	}

	private static boolean hasCritical(JWSHeader header) {
		return header.getCriticalParams() != null && !header.getCriticalParams().isEmpty();
	}

}
