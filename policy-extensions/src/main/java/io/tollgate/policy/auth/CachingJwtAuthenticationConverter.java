package io.tollgate.policy.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import reactor.core.publisher.Mono;

/**
 * Spring Security's {@link JwtAuthenticationConverter} (scope authorities, {@code sub}
 * principal), remembered per validated token instance: the decoder's token cache hands
 * out the same {@link Jwt} for a hot token, so its authentication is built once, not on
 * every request. Weak keys: an entry lives only while the decoder still caches its token.
 */
public final class CachingJwtAuthenticationConverter implements Converter<Jwt, Mono<AbstractAuthenticationToken>> {

	private final JwtAuthenticationConverter delegate = new JwtAuthenticationConverter();

	private final Cache<Jwt, Mono<AbstractAuthenticationToken>> cache;

	public CachingJwtAuthenticationConverter(long maxSize) {
		this.cache = Caffeine.newBuilder().weakKeys().maximumSize(maxSize).build();
	}

	@Override
	public Mono<AbstractAuthenticationToken> convert(Jwt jwt) {
		return cache.get(jwt, j -> Mono.just(delegate.convert(j)));
	}

}
