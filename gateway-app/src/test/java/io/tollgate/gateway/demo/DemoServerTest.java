package io.tollgate.gateway.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.tollgate.testsupport.internal.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

class DemoServerTest {

	private static DemoServer server;

	private static String base;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		server = new DemoServer(FreePorts.pick());
		server.start();
		base = "http://127.0.0.1:" + server.port();
	}

	@AfterAll
	static void stop() {
		server.stop();
	}

	@BeforeEach
	void clearFaults() throws Exception {
		send(HttpRequest.newBuilder(URI.create(base + "/faults")).DELETE());
	}

	@Test
	void whenBodySent_thenEchoed() throws Exception {
		HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base + "/public/echo"))
			.POST(HttpRequest.BodyPublishers.ofString("{\"a\":\"b\"}")));
		assertThat(res.statusCode()).isEqualTo(200);
		assertThat(res.body()).contains("\"method\":\"POST\"").contains("\"body\":\"{\\\"a\\\":\\\"b\\\"}\"");
	}

	@Test
	void whenDelayAndStatusSegments_thenAnsweredLateWithThatStatus() throws Exception {
		long start = System.nanoTime();
		HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base + "/public/delay/300/status/418")));
		assertThat(res.statusCode()).isEqualTo(418);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void whenFaultRuleAtHalfRate_thenExactlyEveryOtherMatchingRequestFails() throws Exception {
		HttpResponse<String> put = send(
				HttpRequest.newBuilder(URI.create(base + "/faults?path=/breaker&rate=0.5&status=503"))
					.PUT(HttpRequest.BodyPublishers.noBody()));
		assertThat(put.statusCode()).isEqualTo(200);
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			statuses.add(send(HttpRequest.newBuilder(URI.create(base + "/breaker/x"))).statusCode());
		}
		assertThat(statuses).containsExactly(200, 503, 200, 503, 200, 503);
		assertThat(send(HttpRequest.newBuilder(URI.create(base + "/public/hello"))).statusCode()).isEqualTo(200);
		assertThat(send(HttpRequest.newBuilder(URI.create(base + "/faults"))).body()).contains("\"matched\":6")
			.contains("\"failed\":3");
	}

	@Test
	void whenFaultRuleInvalid_thenBadRequest() throws Exception {
		HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base + "/faults?path=/x&rate=2"))
			.PUT(HttpRequest.BodyPublishers.noBody()));
		assertThat(res.statusCode()).isEqualTo(400);
		assertThat(res.body()).contains("rate must be between 0 and 1");
	}

	@Test
	void whenTokenRequested_thenSignedForTheDemoAudience() throws Exception {
		HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base + "/token?sub=bob&scope=a%20b&ttl=60")));
		assertThat(res.statusCode()).isEqualTo(200);
		String payload = new String(java.util.Base64.getUrlDecoder().decode(res.body().trim().split("\\.")[1]));
		assertThat(payload).contains("\"sub\":\"bob\"").contains("\"scope\":\"a b\"").contains("tollgate-demo");
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
