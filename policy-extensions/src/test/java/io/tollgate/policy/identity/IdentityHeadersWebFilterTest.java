package io.tollgate.policy.identity;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityHeadersWebFilterTest {

	private final AtomicReference<HttpHeaders> forwarded = new AtomicReference<>();

	private final WebFilterChain chain = exchange -> {
		forwarded.set(exchange.getRequest().getHeaders());
		return Mono.empty();
	};

	@Test
	void whenRoutesNotBuiltYet_thenWaitsForThem_soTheirHeadersAreStrippedFromTheFirstRequest() {
		IdentityHeaders headers = new IdentityHeaders(List.of());
		Mono<Void> routesBuilt = Mono.delay(Duration.ofMillis(50))
			.then(Mono.fromRunnable(() -> headers.register("X-Late")));
		IdentityHeadersWebFilter filter = new IdentityHeadersWebFilter(headers, routesBuilt);

		StepVerifier.create(filter.filter(exchange("X-Late", "spoofed", "X-Other", "kept"), chain)).verifyComplete();
		assertThat(forwarded.get().containsHeader("X-Late")).isFalse();
		assertThat(forwarded.get().getFirst("X-Other")).isEqualTo("kept");
	}

	@Test
	void whenIdentityHeadersSentInAnyCase_thenAllValuesRemoved() {
		IdentityHeaders headers = new IdentityHeaders(List.of("X-Lane"));
		IdentityHeadersWebFilter filter = new IdentityHeadersWebFilter(headers, Mono.empty());
		StepVerifier.create(filter.filter(exchange("x-lane", "a", "X-LANE", "b", "x-consumer-id", "c"), chain))
			.verifyComplete();
		assertThat(forwarded.get().containsHeader("X-Lane")).isFalse();
		assertThat(forwarded.get().containsHeader("X-Consumer-Id")).isFalse();
	}

	private static MockServerWebExchange exchange(String... headers) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/x");
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return MockServerWebExchange.from(request);
	}

}
