package io.tollgate.policy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import io.tollgate.policy.identity.Caller;

/** The one-filter bearer authentication: what it lets through, binds and refuses. */
class BearerTokenWebFilterTest {

	static final Duration T = Duration.ofSeconds(5);

	final AtomicInteger passed = new AtomicInteger();

	final WebFilterChain chain = exchange -> Mono.fromRunnable(this.passed::incrementAndGet);

	static Jwt jwt(String sub) {
		return Jwt.withTokenValue("t")
			.header("alg", "RS256")
			.subject(sub)
			.claim("azp", "app-1")
			.expiresAt(Instant.now().plusSeconds(60))
			.build();
	}

	static MockServerWebExchange request(String authorization) {
		MockServerHttpRequest.BaseBuilder<?> b = MockServerHttpRequest.get("/x");
		if (authorization != null) {
			b.header("Authorization", authorization);
		}
		return MockServerWebExchange.from(b);
	}

	@Test
	void whenAValidBearerTokenIsSent_thenItsCallerIsBound() {
		BearerTokenWebFilter filter = new BearerTokenWebFilter(token -> Mono.just(jwt("alice")));
		MockServerWebExchange exchange = request("bearer abc.def-ghi_~+/==");
		filter.filter(exchange, this.chain).block(T);
		assertThat(this.passed).hasValue(1);
		Caller caller = Caller.of(exchange).orElseThrow();
		assertThat(caller.principal()).isEqualTo("alice");
		assertThat(caller.clientId()).isEqualTo("app-1");
	}

	@Test
	void whenNoTokenOrAnotherScheme_thenTheRequestPassesUnauthenticatedAndTheDecoderIsNotAsked() {
		ReactiveJwtDecoder never = token -> Mono.error(new AssertionError("not asked"));
		BearerTokenWebFilter filter = new BearerTokenWebFilter(never);
		for (String header : new String[] { null, "Basic dXNlcjpwYXNz", "Bearerabc" }) {
			MockServerWebExchange exchange = request(header);
			filter.filter(exchange, this.chain).block(T);
			assertThat(Caller.of(exchange)).isEmpty();
		}
		assertThat(this.passed).hasValue(3);
	}

	@Test
	void whenTheTokenIsMalformedOrRefused_thenTheAnswerIs401InvalidToken_andNothingPasses() {
		ReactiveJwtDecoder refusing = token -> Mono.error(token.equals("bad") ? new BadJwtException("Jwt expired at x")
				: new JwtException("Couldn't retrieve remote JWK set"));
		BearerTokenWebFilter filter = new BearerTokenWebFilter(refusing);
		String[][] cases = { { "Bearer a b", "Bearer token is malformed" }, { "Bearer ", "Bearer token is malformed" },
				{ "Bearer =abc", "Bearer token is malformed" }, { "Bearer bad", "Jwt expired at x" },
				{ "Bearer down", "Failed to validate the token" } };
		for (String[] c : cases) {
			MockServerWebExchange exchange = request(c[0]);
			filter.filter(exchange, this.chain).block(T);
			assertThat(exchange.getResponse().getStatusCode()).as(c[0]).isEqualTo(HttpStatus.UNAUTHORIZED);
			assertThat(exchange.getResponse().getHeaders().getFirst("WWW-Authenticate")).as(c[0])
				.isEqualTo("Bearer error=\"invalid_token\", error_description=\"" + c[1] + "\"");
		}
		assertThat(this.passed).hasValue(0);
	}

	@Test
	void b64TokenSyntaxIsRfc6750s() {
		assertThat(BearerTokenWebFilter.isB64Token("abc")).isTrue();
		assertThat(BearerTokenWebFilter.isB64Token("a.b-c_d~e+f/g==")).isTrue();
		assertThat(BearerTokenWebFilter.isB64Token("")).isFalse();
		assertThat(BearerTokenWebFilter.isB64Token("==")).isFalse();
		assertThat(BearerTokenWebFilter.isB64Token("ab=c")).isFalse();
		assertThat(BearerTokenWebFilter.isB64Token("a b")).isFalse();
		assertThat(BearerTokenWebFilter.isB64Token("a\"b")).isFalse();
	}

}
