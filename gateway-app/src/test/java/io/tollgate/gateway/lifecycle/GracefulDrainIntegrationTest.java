package io.tollgate.gateway.lifecycle;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The order of a graceful stop with the shipped drain delay: readiness DOWN while the
 * data port still serves; then the port stops accepting while a request in flight
 * completes. (LocalClusterIT shows the same through HAProxy during a rolling restart.)
 */
class GracefulDrainIntegrationTest {

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	void whenStopping_thenReadinessDownWhileServing_thenInFlightCompletesAfterAcceptingStops() throws Exception {
		Duration drain = new DrainProperties().getDrainDelay();
		GatewayInstance gateway = GatewayInstance.builder()
			.property("tollgate.lifecycle.drain-delay", drain.toMillis() + "ms")
			.route(Route.id("p").uri(upstream.url()).path("/p/**").publicRoute())
			.start();
		String data = gateway.baseUrl() + "/p/x";
		String readiness = "http://127.0.0.1:" + gateway.managementPort() + "/actuator/health/readiness";
		assertThat(status(readiness)).isEqualTo(200);

		long t0 = System.nanoTime();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
		waitUntil(() -> status(readiness) == 503, Duration.ofSeconds(2));
		assertThat(status(data)).as("data port during the drain").isEqualTo(200);

		// sent before the drain ends, answered well after the server stopped accepting
		upstream.delay(Duration.ofMillis(2500));
		sleepUntil(t0, drain.minusMillis(700));
		CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
				HttpRequest.newBuilder(URI.create(data)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString());
		sleepUntil(t0, drain.plusMillis(700));
		assertThat(inFlight).as("still in flight when the drain ended").isNotDone();
		assertThatThrownBy(() -> connect(gateway.port())).as("new connections after the drain")
			.isInstanceOf(ConnectException.class);

		assertThat(inFlight.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		closing.get(30, TimeUnit.SECONDS);
	}

	private int status(String url) {
		try {
			return http
				.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	private static void connect(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
		}
	}

	private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition within %s", timeout).isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private static void sleepUntil(long t0, Duration offset) throws InterruptedException {
		long wait = t0 + offset.toNanos() - System.nanoTime();
		if (wait > 0) {
			Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
		}
	}

}
