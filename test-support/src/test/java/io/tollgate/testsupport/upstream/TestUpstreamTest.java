package io.tollgate.testsupport.upstream;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestUpstreamTest {

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@BeforeEach
	void reset() {
		upstream.reset();
	}

	@Test
	void whenRequested_thenMethodPathQueryHeadersAndBodyAreEchoedAsJson() throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(upstream.uri().resolve("/orders/42?x=1&y=2"))
			.header("X-Custom", "one")
			.header("X-Multi", "a")
			.header("X-Multi", "b")
			.POST(HttpRequest.BodyPublishers.ofString("{\"q\":1}"))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
		Map<String, Object> json = JSONObjectUtils.parse(response.body());
		assertThat(json).containsEntry("method", "POST")
			.containsEntry("path", "/orders/42")
			.containsEntry("query", "x=1&y=2")
			.containsEntry("body", "{\"q\":1}");
		Map<String, Object> headers = JSONObjectUtils.getJSONObject(json, "headers");
		assertThat(headers).containsEntry("x-custom", "one")
			.containsEntry("x-multi", List.of("a", "b"))
			.containsKey("host");
		assertThat(upstream.lastRequestHeaders()).containsEntry("x-custom", List.of("one"));
		assertThat(upstream.lastRequest().header("X-Custom")).isEqualTo("one");
	}

	@Test
	void whenRequestsArrive_thenTheyAreCountedInTotalAndByPathPrefix() throws Exception {
		get("/a/1");
		get("/a/2");
		get("/b");

		assertThat(upstream.requestCount()).isEqualTo(3);
		assertThat(upstream.requestCount("/a")).isEqualTo(2);
		assertThat(upstream.requestCount("/b")).isEqualTo(1);
		assertThat(upstream.recentRequests()).extracting(RecordedRequest::path).containsExactly("/a/1", "/a/2", "/b");

		upstream.reset();
		assertThat(upstream.requestCount()).isZero();
		assertThat(upstream.lastRequest()).isNull();
	}

	@Test
	void whenSwitchedToAStatus_thenEveryResponseHasItUntilReset() throws Exception {
		upstream.respondWith(503);
		assertThat(get("/x").statusCode()).isEqualTo(503);
		assertThat(get("/y").statusCode()).isEqualTo(503);
		upstream.reset();
		assertThat(get("/x").statusCode()).isEqualTo(200);
	}

	@Test
	void whenDelayed_thenResponseTakesAtLeastTheDelay() throws Exception {
		upstream.delay(Duration.ofMillis(300));
		long start = System.nanoTime();
		assertThat(get("/slow").statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void whenClosingConnections_thenClientGetsNoResponseButRequestIsCounted() {
		upstream.closeConnections(true);
		assertThatThrownBy(() -> get("/gone")).isInstanceOf(IOException.class);
		assertThat(upstream.requestCount("/gone")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void whenStoppedThenStarted_thenSamePortServesAgain() throws Exception {
		try (TestUpstream own = new TestUpstream().start()) {
			URI uri = own.uri();
			own.stop();
			assertThatThrownBy(
					() -> http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
				.isInstanceOf(IOException.class);
			own.start();
			assertThat(own.uri()).isEqualTo(uri);
			assertThat(http
				.send(HttpRequest.newBuilder(uri.resolve("/again")).build(), HttpResponse.BodyHandlers.ofString())
				.statusCode()).isEqualTo(200);
		}
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(upstream.uri().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
