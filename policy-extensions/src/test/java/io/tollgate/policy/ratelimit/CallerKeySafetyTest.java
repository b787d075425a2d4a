package io.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Identities that cannot go into a Redis key as they are are hashed, and distinct ones
 * stay distinct.
 */
class CallerKeySafetyTest {

	@Test
	void whenAnIdentityIsPlain_thenItIsUsedAsItIs() {
		assertThat(CallerKeyResolver.safe("alice")).isEqualTo("alice");
	}

	@Test
	void whenIdentitiesDifferOnlyInCharactersAKeyCannotHold_thenTheirKeysStillDiffer() {
		String[] subjects = { "victimx", "victimx\t", "victimx\u0000", "victimx\u007f", " victimx", "victim\u4e00",
				"victim\u4e01", "victim\ud800", "victim\udbff", "victim{x}", "x".repeat(65), "x".repeat(66) };
		java.util.Set<String> keys = new java.util.HashSet<>();
		for (String s : subjects) {
			String key = CallerKeyResolver.safe(s);
			assertThat(key).doesNotContain("{", "}", " ").hasSizeLessThanOrEqualTo(64);
			keys.add(key);
		}
		assertThat(keys).hasSize(subjects.length);
	}

}
