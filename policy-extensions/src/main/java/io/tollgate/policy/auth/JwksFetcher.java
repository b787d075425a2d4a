package io.tollgate.policy.auth;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Fetches the JWKS document, either from a configured URI or from the {@code jwks_uri} of
 * the issuer's OpenID Connect discovery document (resolved lazily, so the gateway starts
 * while the identity provider is down). Never follows redirects; bodies are size-limited.
 */
public final class JwksFetcher implements Supplier<Mono<String>> {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_MAP = new ParameterizedTypeReference<>() {
	};

	private static final int MAX_BODY = 512 * 1024;

	private final WebClient web;

	@Nullable
	private final String issuer;

	private final AtomicReference<String> jwksUri = new AtomicReference<>();

	private final Duration timeout;

	private JwksFetcher(@Nullable String jwksUri, @Nullable String issuer, Duration timeout) {
		HttpClient http = HttpClient.create().responseTimeout(timeout).followRedirect(false);
		this.web = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_BODY))
			.build();
		this.issuer = issuer;
		this.jwksUri.set(jwksUri);
		this.timeout = timeout;
	}

	public static JwksFetcher fromJwkSetUri(String jwksUri, Duration timeout) {
		return new JwksFetcher(jwksUri, null, timeout);
	}

	public static JwksFetcher fromIssuer(String issuer, Duration timeout) {
		return new JwksFetcher(null, issuer, timeout);
	}

	@Override
	public Mono<String> get() {
		String known = jwksUri.get();
		Mono<String> uri = known != null ? Mono.just(known) : discover();
		return uri.flatMap(u -> web.get()
			.uri(URI.create(u))
			.accept(MediaType.APPLICATION_JSON, MediaType.valueOf("application/jwk-set+json"))
			.retrieve()
			.bodyToMono(String.class)
			.timeout(timeout));
	}

	private Mono<String> discover() {
		String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
		URI discovery = UriComponentsBuilder.fromUriString(base + "/.well-known/openid-configuration").build().toUri();
		return web.get().uri(discovery).retrieve().bodyToMono(JSON_MAP).timeout(timeout).map(doc -> {
			Object advertised = doc.get("issuer");
			if (!issuer.equals(advertised)) {
				throw new IllegalStateException(
						"Discovery document of '" + issuer + "' names another issuer: '" + advertised + "'");
			}
			Object uri = doc.get("jwks_uri");
			if (!(uri instanceof String s) || s.isBlank()) {
				throw new IllegalStateException("Discovery document of '" + issuer + "' has no jwks_uri");
			}
			jwksUri.compareAndSet(null, s);
			return s;
		});
	}

}
