package io.tollgate.policy.identity;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityHeadersTest {

	@Test
	void whenCreated_thenConsumerIdAndConfiguredHeadersAreIdentityHeaders() {
		IdentityHeaders headers = new IdentityHeaders(List.of("X-Lane", " x-tier ", ""));
		assertThat(headers.contains("x-consumer-id")).isTrue();
		assertThat(headers.contains("X-LANE")).isTrue();
		assertThat(headers.contains("X-Tier")).isTrue();
		assertThat(headers.names()).hasSize(3);
	}

	@Test
	void whenRegistered_thenAddedOnceWhateverTheCase() {
		IdentityHeaders headers = new IdentityHeaders(List.of());
		headers.register("X-User-Id");
		headers.register("x-user-id");
		assertThat(headers.names()).containsExactlyInAnyOrder("X-Consumer-Id", "X-User-Id");
	}

	@Test
	void whenNameCarriesFramingCredentialsOrForwarding_thenRefused() {
		for (String name : List.of("Host", "authorization", "Content-Length", "Transfer-Encoding", "Cookie",
				"X-Forwarded-For", "Forwarded", "Connection")) {
			assertThatThrownBy(() -> new IdentityHeaders(List.of(name))).as(name)
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("cannot be an identity header");
		}
		assertThatThrownBy(() -> new IdentityHeaders(List.of("X User")))
			.hasMessageContaining("not a valid header name");
	}

}
