package io.tollgate.policy.http;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class FlatWebFilterChainTest {

	@Test
	void filtersRunInOrder_eachWhenSubscribed_andTheChainContinues() {
		List<String> seen = new ArrayList<>();
		WebFilter binding = (exchange, chain) -> Mono.fromRunnable(() -> seen.add("bind")).then(chain.filter(exchange)); // calls
																															// chain.filter
																															// at
																															// assembly,
																															// like
																															// CallerWebFilter
		WebFilter reading = (exchange, chain) -> {
			seen.add("read");
			return chain.filter(exchange);
		};
		WebFilter refusing = (exchange, chain) -> exchange.getRequest().getPath().value().equals("/no")
				? Mono.fromRunnable(() -> seen.add("refused")) : chain.filter(exchange);
		FlatWebFilterChain flat = new FlatWebFilterChain(List.of(binding, reading, refusing));
		WebFilterChain handler = exchange -> Mono.fromRunnable(() -> seen.add("handler"));

		Mono<Void> call = flat.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/yes")), handler);
		assertThat(seen).as("nothing runs before subscription").isEmpty();
		call.block();
		assertThat(seen).containsExactly("bind", "read", "handler");

		seen.clear();
		flat.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/no")), handler).block();
		assertThat(seen).containsExactly("bind", "read", "refused");
	}

}
