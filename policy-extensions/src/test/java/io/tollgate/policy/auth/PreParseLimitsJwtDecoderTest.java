package io.tollgate.policy.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The limits checked before the wrapped decoder (and any JSON parser) sees a token. */
class PreParseLimitsJwtDecoderTest {

	private final List<String> reached = new ArrayList<>();

	private final ReactiveJwtDecoder inner = token -> {
		reached.add(token);
		return Mono.just(Jwt.withTokenValue(token).header("alg", "RS256").expiresAt(Instant.now()).build());
	};

	private final PreParseLimitsJwtDecoder decoder = new PreParseLimitsJwtDecoder(inner, 200, 3);

	private static String b64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	private static String token(String header, String payload) {
		return b64(header) + "." + b64(payload) + ".c2ln";
	}

	private void assertRefused(String token, String message) {
		StepVerifier.create(decoder.decode(token))
			.expectErrorSatisfies(
					ex -> assertThat(ex).isInstanceOf(BadJwtException.class).hasMessageContaining(message))
			.verify(Duration.ofSeconds(1));
		assertThat(reached).as("the wrapped decoder never sees a refused token").isEmpty();
	}

	@Test
	void whenWithinLimits_thenPassedOnUnchanged() {
		String ok = token("{\"alg\":\"RS256\"}", "{\"a\":{\"b\":[1,2]}}");
		StepVerifier.create(decoder.decode(ok)).expectNextCount(1).verifyComplete();
		assertThat(reached).containsExactly(ok);
	}

	@Test
	void whenLongerThanTheLimit_thenRefused() {
		assertRefused(token("{\"alg\":\"RS256\"}", "{\"pad\":\"" + "x".repeat(200) + "\"}"), "larger than 200");
	}

	@Test
	void whenNotThreeParts_thenRefused() {
		assertRefused("abc", "not a signed JWT");
		assertRefused("a.b", "not a signed JWT");
		assertRefused("a.b.c.d.e", "not a signed JWT");
		assertRefused(".b.c", "not a signed JWT");
		assertRefused("a.b.", "not a signed JWT");
	}

	@Test
	void whenCharactersOutsideBase64url_thenRefused() {
		assertRefused("eyJ!!.eyJ.sig", "outside base64url");
		assertRefused("eyJ+/.eyJ.sig", "outside base64url");
		assertRefused("eyJ=.eyJ.sig", "outside base64url");
	}

	@Test
	void whenAPartIsNotBase64url_thenRefused() {
		assertRefused("a." + b64("{}") + ".c2ln", "Malformed token header");
	}

	@Test
	void whenHeaderOrPayloadNestsTooDeep_thenRefused() {
		assertRefused(token("{\"alg\":\"RS256\",\"x\":[[[1]]]}", "{}"), "header nests deeper than 3");
		assertRefused(token("{\"alg\":\"RS256\"}", "{\"a\":{\"b\":{\"c\":{}}}}"), "payload nests deeper than 3");
	}

	@Test
	void whenBracketsAreInsideStrings_thenTheyDoNotCount() {
		String ok = token("{\"alg\":\"RS256\"}", "{\"s\":\"[[[[{{{{\\\"]]]]\"}");
		StepVerifier.create(decoder.decode(ok)).expectNextCount(1).verifyComplete();
		assertThat(reached).containsExactly(ok);
	}

}
