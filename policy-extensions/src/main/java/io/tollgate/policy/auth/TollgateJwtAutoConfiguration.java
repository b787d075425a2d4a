package io.tollgate.policy.auth;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.util.StringUtils;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * JWT validation for the resource server and the auth-related route predicates and
 * filters. Reads Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*} and
 * Tollgate's {@code tollgate.security.jwt.*}.
 */
@AutoConfiguration(before = ReactiveOAuth2ResourceServerAutoConfiguration.class)
@ConditionalOnClass({ ReactiveJwtDecoder.class, JWSAlgorithm.class })
@EnableConfigurationProperties({ JwtProperties.class, OAuth2ResourceServerProperties.class })
public class TollgateJwtAutoConfiguration {

	static final String ALGORITHMS_PROPERTY = "spring.security.oauth2.resourceserver.jwt.jws-algorithms";

	static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256");

	@Bean
	@ConditionalOnMissingBean(ReactiveJwtDecoder.class)
	@Conditional(KeySourceConfigured.class)
	ReactiveJwtDecoder tollgateJwtDecoder(OAuth2ResourceServerProperties resourceServer, JwtProperties properties,
			Environment environment) {
		OAuth2ResourceServerProperties.Jwt jwt = resourceServer.getJwt();
		JwksFetcher fetcher = StringUtils.hasText(jwt.getJwkSetUri())
				? JwksFetcher.fromJwkSetUri(jwt.getJwkSetUri(), properties.getJwksTimeout())
				: JwksFetcher.fromIssuer(jwt.getIssuerUri(), properties.getJwksTimeout());
		JwksCache keys = new JwksCache(fetcher, properties.getJwksRefreshCooldown(), properties.getJwksRetryInterval(),
				properties.getJwksMaxAge(), Clock.systemUTC());
		return decoder(keys, algorithms(environment), validator(jwt, properties), properties, Clock.systemUTC());
	}

	/**
	 * Spring Security's Nimbus decoder with keys from {@code keys} only, Tollgate's
	 * processor hardening and claim validators, behind the pre-parse limits and the
	 * validated-token cache.
	 */
	static ReactiveJwtDecoder decoder(JwksCache keys, Set<JWSAlgorithm> algorithms, OAuth2TokenValidator<Jwt> validator,
			JwtProperties properties, Clock clock) {
		NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder
			.withJwkSource(jwt -> keys.signingKeys(jwt.getHeader()))
			.jwtProcessorCustomizer(new JwtProcessorHardening(algorithms, properties.getAllowedTypes()))
			.build();
		nimbus.setJwtValidator(validator);
		ReactiveJwtDecoder decoder = new PreParseLimitsJwtDecoder(nimbus, properties.getMaxTokenLength(),
				properties.getMaxJsonDepth());
		JwtProperties.Cache cache = properties.getCache();
		return cache.isEnabled() ? new CachingJwtDecoder(decoder, cache.getMaxSize(), cache.getMaxTtl(), clock)
				: decoder;
	}

	static Set<JWSAlgorithm> algorithms(Environment environment) {
		List<String> names = Binder.get(environment)
			.bind(ALGORITHMS_PROPERTY, Bindable.listOf(String.class))
			.orElse(DEFAULT_ALGORITHMS);
		Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
		for (String name : names) {
			JWSAlgorithm alg = JWSAlgorithm.parse(name.trim());
			if (!JWSAlgorithm.Family.RSA.contains(alg) && !JWSAlgorithm.Family.EC.contains(alg)) {
				throw TollgateConfigurationException.property(ALGORITHMS_PROPERTY, ALGORITHMS_PROPERTY + ": '" + name
						+ "' is not supported; use RSA (RS*, PS*) or EC (ES*) algorithms with a JWKS");
			}
			algorithms.add(alg);
		}
		if (algorithms.isEmpty()) {
			throw TollgateConfigurationException.property(ALGORITHMS_PROPERTY,
					ALGORITHMS_PROPERTY + " must name at least one algorithm");
		}
		return algorithms;
	}

	static OAuth2TokenValidator<Jwt> validator(OAuth2ResourceServerProperties.Jwt jwt, JwtProperties properties) {
		JwtTimestampValidator timestamps = new JwtTimestampValidator(properties.getClockSkew());
		timestamps.setAllowEmptyExpiryClaim(false);
		List<OAuth2TokenValidator<Jwt>> validators = new java.util.ArrayList<>();
		validators.add(timestamps);
		if (StringUtils.hasText(jwt.getIssuerUri())) {
			validators.add(new JwtIssuerValidator(jwt.getIssuerUri()));
		}
		List<String> audiences = jwt.getAudiences();
		if (audiences != null && !audiences.isEmpty()) {
			Set<String> accepted = Set.copyOf(audiences);
			validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
					aud -> aud != null && aud.stream().anyMatch(accepted::contains)));
		}
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

	@Bean
	JwtRequiredCheck tollgateJwtRequiredCheck(ObjectProvider<ReactiveJwtDecoder> decoder,
			ObjectProvider<GatewayProperties> gateway, ObjectProvider<CallerAuthentication> others) {
		return new JwtRequiredCheck(decoder, gateway, others);
	}

	@Bean
	@ConditionalOnMissingBean
	CachingJwtAuthenticationConverter cachingJwtAuthenticationConverter(JwtProperties properties) {
		return new CachingJwtAuthenticationConverter(properties.getCache().getMaxSize());
	}

	@Bean
	@ConditionalOnMissingBean
	RouteAuthenticationFilter routeAuthenticationFilter() {
		return new RouteAuthenticationFilter();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ReactiveJwtDecoder.class)
	@ConditionalOnBooleanProperty(name = "tollgate.security.bearer-token-filter.enabled", matchIfMissing = true)
	BearerTokenWebFilter tollgateBearerTokenWebFilter(ReactiveJwtDecoder decoder) {
		return new BearerTokenWebFilter(decoder);
	}

	/**
	 * For applications that authenticate with Spring Security's own resource server: the
	 * caller from its security context. Not needed (and not on the request path) where
	 * {@link BearerTokenWebFilter} binds the caller itself.
	 */
	@Bean
	@ConditionalOnMissingBean({ CallerWebFilter.class, BearerTokenWebFilter.class })
	CallerWebFilter callerWebFilter() {
		return new CallerWebFilter();
	}

	@Bean
	@ConditionalOnMissingBean
	ProblemBearerEntryPoint problemBearerEntryPoint() {
		return new ProblemBearerEntryPoint();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "tollgate.filters.require-scopes.enabled", matchIfMissing = true)
	RequireScopesGatewayFilterFactory requireScopesGatewayFilterFactory() {
		return new RequireScopesGatewayFilterFactory();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "tollgate.filters.claims-to-headers.enabled", matchIfMissing = true)
	ClaimsToHeadersGatewayFilterFactory claimsToHeadersGatewayFilterFactory() {
		return new ClaimsToHeadersGatewayFilterFactory();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "tollgate.predicates.jwt-claim.enabled", matchIfMissing = true)
	JwtClaimRoutePredicateFactory jwtClaimRoutePredicateFactory() {
		return new JwtClaimRoutePredicateFactory();
	}

	static class KeySourceConfigured extends AnyNestedCondition {

		KeySourceConfigured() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("spring.security.oauth2.resourceserver.jwt.jwk-set-uri")
		static class JwkSetUri {

		}

		@ConditionalOnProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri")
		static class IssuerUri {

		}

	}

}
