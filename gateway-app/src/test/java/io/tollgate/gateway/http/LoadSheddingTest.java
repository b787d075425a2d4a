package io.tollgate.gateway.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.policy.http.AdmissionLimitWebFilter;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Beyond {@code tollgate.http.max-concurrent-requests} in flight, the next request is
 * shed at once with 503 and {@code Retry-After}, the admitted ones are served, the
 * management port still answers, and the count returns to zero.
 */
class LoadSheddingTest {

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@Test
	void whenMoreRequestsThanTheLimitAreInFlight_thenTheExcessIsShedAtOnce_andHealthStillAnswers() throws Exception {
		try (GatewayInstance gateway = GatewayInstance.builder()
			.property("tollgate.http.max-concurrent-requests", "3")
			.route(Route.id("slow").uri(upstream.url()).path("/slow/**").publicRoute())
			.start()) {
			upstream.delay(Duration.ofMillis(1500));
			HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			long start = System.nanoTime();
			List<CompletableFuture<Answer>> calls = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				calls.add(client
					.sendAsync(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/slow/" + i)).build(),
							HttpResponse.BodyHandlers.ofString())
					.thenApply(r -> new Answer(r, Duration.ofNanos(System.nanoTime() - start))));
			}
			// with the data port at its limit, the management port still answers
			Thread.sleep(300);
			gateway.management().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk().expectBody();
			List<Answer> answers = calls.stream().map(CompletableFuture::join).toList();
			Map<Integer, Long> statuses = answers.stream()
				.collect(Collectors.groupingBy(a -> a.response().statusCode(), Collectors.counting()));
			assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 3L, 503, 5L));
			for (Answer a : answers) {
				if (a.response().statusCode() == 503) {
					assertThat(a.after()).as("shed at once, not queued").isLessThan(Duration.ofMillis(1200));
					assertThat(a.response().headers().firstValue("Retry-After")).hasValue("1");
					assertThat(a.response().headers().firstValue("Content-Type"))
						.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
					assertThat(a.response().body()).contains("\"status\":503");
				}
				else {
					assertThat(a.after()).as("admitted: served by the slow upstream")
						.isGreaterThanOrEqualTo(Duration.ofMillis(1400));
				}
			}
			assertThat(upstream.requestCount()).isEqualTo(3);
			AdmissionLimitWebFilter limit = gateway.bean(AdmissionLimitWebFilter.class);
			for (int i = 0; i < 100 && limit.inFlight() != 0; i++) {
				Thread.sleep(10); // the count drops as each exchange completes
			}
			assertThat(limit.inFlight()).isZero();

			// the data port serves again
			upstream.reset();
			gateway.client().get().uri("/slow/again").exchange().expectStatus().isOk().expectBody();
		}
	}

	private record Answer(HttpResponse<String> response, Duration after) {
	}

}
