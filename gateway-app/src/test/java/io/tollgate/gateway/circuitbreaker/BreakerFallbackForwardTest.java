package io.tollgate.gateway.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * {@code fallback-uri: forward:/...} to whatever serves that path: a proxied route, and
 * forwards that loop (through one breaker or several), which answer 508 and are logged
 * once instead of recursing until the stack overflows.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BreakerFallbackForwardTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream sick = new TestUpstream();

	@RegisterExtension
	static final TestUpstream fallbacks = new TestUpstream();

	/** Forcing a breaker is an actuator write: it needs an admin token. */
	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	GatewayInstance gateway;

	@BeforeAll
	void start() throws Exception {
		this.gateway = GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.route(Route.id("orders")
				.uri(sick.url())
				.path("/orders/**")
				.filter("SharedCircuitBreaker=orders, forward:/fallback/orders")
				.publicRoute())
			.route(Route.id("fallback").uri(fallbacks.url()).path("/fallback/**").publicRoute())
			.route(Route.id("loop-a")
				.uri(sick.url())
				.path("/loop-a/**")
				.filter("SharedCircuitBreaker=loop-a, forward:/loop-b/x")
				.publicRoute())
			.route(Route.id("loop-b")
				.uri(sick.url())
				.path("/loop-b/**")
				.filter("SharedCircuitBreaker=loop-b, forward:/loop-a/x")
				.publicRoute())
			.route(Route.id("self")
				.uri(sick.url())
				.path("/self/**")
				.filter("SharedCircuitBreaker=self, forward:/self/again")
				.publicRoute())
			.start();
		for (String breaker : new String[] { "orders", "loop-a", "loop-b", "self" }) {
			HttpResponse<String> forced = send(HttpRequest
				.newBuilder(URI.create(
						"http://127.0.0.1:" + this.gateway.managementPort() + "/actuator/circuitbreakers/" + breaker))
				.header("Content-Type", "application/json")
				.header("Authorization", "Bearer " + idp.token("operator", "tollgate:admin"))
				.POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"open\"}")));
			assertThat(forced.statusCode()).as("force " + breaker + " open").isEqualTo(200);
		}
	}

	@AfterAll
	void stop() {
		if (this.gateway != null) {
			this.gateway.close();
		}
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(URI.create(this.gateway.baseUrl() + path)));
	}

	@Test
	void whenTheBreakerIsOpenAndTheFallbackIsAProxiedRoute_thenThatRouteAnswers() throws Exception {
		long sickCalls = sick.requestCount();
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> response = get("/orders/" + i + "?q=1");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"path\":\"/fallback/orders\"");
		}
		assertThat(fallbacks.requestCount("/fallback/orders")).isEqualTo(5);
		assertThat(sick.requestCount()).as("the open breaker's upstream is never called").isEqualTo(sickCalls);
	}

	@Test
	void whenFallbacksForwardInALoop_thenTheAnswerIs508AndTheLoopIsLoggedOnce(CapturedOutput output) throws Exception {
		for (int i = 0; i < 30; i++) {
			for (String path : new String[] { "/loop-a/1", "/loop-b/1", "/self/1" }) {
				HttpResponse<String> response = get(path);
				assertThat(response.statusCode()).as(path).isEqualTo(508);
				assertThat(response.headers().firstValue("Content-Type"))
					.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
				assertThat(response.body()).contains("forwards in a loop");
			}
		}
		assertThat(count(output.getAll(), "fallback forward loop")).as("one line per looping breaker").isBetween(2, 3);
		assertThat(output.getAll()).doesNotContain("StackOverflowError");
	}

	static int count(String text, String needle) {
		return text.split(Pattern.quote(needle), -1).length - 1;
	}

}
