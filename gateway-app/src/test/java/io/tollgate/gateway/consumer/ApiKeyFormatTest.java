package io.tollgate.gateway.consumer;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyFormatTest {

	final ApiKeyFormat format = new ApiKeyFormat(new SecureRandom());

	@Test
	void whenGenerated_thenPrefixedBase62WithValidChecksum() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 2000; i++) {
			String key = this.format.generate();
			assertThat(key).hasSize(52).startsWith("tg_").matches("tg_[0-9A-Za-z]{49}");
			assertThat(ApiKeyFormat.wellFormed(key)).as(key).isTrue();
			assertThat(seen.add(key)).isTrue();
		}
	}

	@Test
	void whenAnyOneCharacterChanged_thenChecksumFails() {
		String key = this.format.generate();
		String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
		for (int i = 3; i < key.length(); i++) {
			for (char c : alphabet.toCharArray()) {
				if (c != key.charAt(i)) {
					String typo = key.substring(0, i) + c + key.substring(i + 1);
					assertThat(ApiKeyFormat.wellFormed(typo)).as(typo).isFalse();
				}
			}
		}
	}

	@Test
	void whenNotTheFormat_thenRefused() {
		String key = this.format.generate();
		assertThat(ApiKeyFormat.wellFormed(null)).isFalse();
		assertThat(ApiKeyFormat.wellFormed("")).isFalse();
		assertThat(ApiKeyFormat.wellFormed(key.substring(1))).isFalse();
		assertThat(ApiKeyFormat.wellFormed(key + "0")).isFalse();
		assertThat(ApiKeyFormat.wellFormed("gh_" + key.substring(3))).isFalse();
		assertThat(ApiKeyFormat.wellFormed(key.substring(0, 10) + "-" + key.substring(11))).isFalse();
		assertThat(ApiKeyFormat.wellFormed("tg_" + "0".repeat(49))).isFalse();
	}

	@Test
	void whenChecksumRandom_thenAlmostNeverAccepted() {
		// 62^6 checksums for 2^32 values: a random tail is accepted about once in 2^32
		SecureRandom random = new SecureRandom();
		String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
		int accepted = 0;
		for (int i = 0; i < 20_000; i++) {
			StringBuilder sb = new StringBuilder("tg_");
			for (int j = 0; j < 49; j++) {
				sb.append(alphabet.charAt(random.nextInt(62)));
			}
			accepted += ApiKeyFormat.wellFormed(sb.toString()) ? 1 : 0;
		}
		assertThat(accepted).isZero();
	}

	@Test
	void displayPrefixIsTgAndSevenCharacters() {
		String key = this.format.generate();
		assertThat(ApiKeyFormat.displayPrefix(key)).hasSize(10).isEqualTo(key.substring(0, 10));
		assertThat(ApiKeyFormat.validDisplayPrefix(ApiKeyFormat.displayPrefix(key))).isTrue();
	}

	@Test
	void hmacIsKeyedHexAndDiffersPerSecret() {
		String key = this.format.generate();
		ApiKeyHasher a = new ApiKeyHasher("a".repeat(32));
		ApiKeyHasher b = new ApiKeyHasher("b".repeat(32));
		assertThat(a.hash(key)).matches("[0-9a-f]{64}").isEqualTo(a.hash(key)).isNotEqualTo(b.hash(key));
		assertThat(new ApiKeyHasher(null).available()).isFalse();
		assertThat(new ApiKeyHasher("  ").available()).isFalse();
	}

}
