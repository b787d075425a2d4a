package io.tollgate.gateway.redis;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.ParameterizedTypeReference;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.net.TcpProxy;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway keeps serving while its Redis is down, blackholed or not there at start;
 * its health reports it within a second; the outage is logged once.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisOutageIntegrationTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	GatewayInstance gateway;

	TcpProxy proxy;

	@AfterEach
	void stop() {
		if (gateway != null) {
			gateway.close();
		}
		if (proxy != null) {
			proxy.close();
		}
		redis.start();
	}

	private GatewayInstance start(int redisPort) {
		return GatewayInstance.builder()
			.property("spring.data.redis.url", "redis://127.0.0.1:" + redisPort)
			.route(Route.id("open").uri(upstream.uri().toString()).path("/**").publicRoute())
			.start();
	}

	@SuppressWarnings("unchecked")
	private String redisStatus(long[] elapsedMillis) {
		long start = System.nanoTime();
		Map<String, Object> body = gateway.management()
			.get()
			.uri("/actuator/health")
			.exchange()
			.returnResult(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.getResponseBody()
			.blockFirst(Duration.ofSeconds(5));
		elapsedMillis[0] = (System.nanoTime() - start) / 1_000_000;
		Map<String, Object> components = (Map<String, Object>) body.get("components");
		return (String) ((Map<String, Object>) components.get("redis")).get("status");
	}

	private String awaitRedisStatus(String wanted, Duration within) throws InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		long[] t = new long[1];
		String status;
		do {
			status = redisStatus(t);
			if (wanted.equals(status)) {
				return status;
			}
			Thread.sleep(100);
		}
		while (System.nanoTime() < deadline);
		return status;
	}

	@Test
	void whenRedisBlackholed_thenHealthAnswersWithinOneSecondAndTrafficFlows(CapturedOutput output) throws Exception {
		proxy = TcpProxy.to(redis.port());
		gateway = start(proxy.port());
		long[] elapsed = new long[1];
		assertThat(redisStatus(elapsed)).isEqualTo("UP");

		proxy.blackhole(true);
		for (int i = 0; i < 5; i++) {
			assertThat(redisStatus(elapsed)).isEqualTo("DOWN");
			assertThat(elapsed[0]).as("health latency while Redis is blackholed").isLessThan(1000);
			gateway.client().get().uri("/still/serving").exchange().expectStatus().isOk();
		}
		assertThat(count(output.getOut(), "Redis unreachable")).as("one warning per outage").isEqualTo(1);

		proxy.blackhole(false);
		assertThat(awaitRedisStatus("UP", Duration.ofSeconds(10))).isEqualTo("UP");
		assertThat(output.getOut()).contains("Redis reachable again");
	}

	@Test
	void whenRedisKilledAndRestarted_thenDownFastThenUpWithoutGatewayRestart(CapturedOutput output) throws Exception {
		gateway = start(redis.port());
		long[] elapsed = new long[1];
		assertThat(redisStatus(elapsed)).isEqualTo("UP");
		redis.stop();
		assertThat(awaitRedisStatus("DOWN", Duration.ofSeconds(3))).isEqualTo("DOWN");
		for (int i = 0; i < 5; i++) {
			assertThat(redisStatus(elapsed)).isEqualTo("DOWN");
			assertThat(elapsed[0]).isLessThan(1000);
			gateway.client().get().uri("/still/serving").exchange().expectStatus().isOk();
		}
		Thread.sleep(1200); // several background probes fail meanwhile
		assertThat(count(output.getOut(), "Redis unreachable")).as("one warning per outage").isEqualTo(1);
		redis.start();
		assertThat(awaitRedisStatus("UP", Duration.ofSeconds(5))).isEqualTo("UP");
	}

	@Test
	void whenRedisDownAtStart_thenGatewayStartsAndServes() throws Exception {
		redis.stop();
		gateway = start(redis.port());
		gateway.client().get().uri("/hello").exchange().expectStatus().isOk();
		long[] elapsed = new long[1];
		assertThat(redisStatus(elapsed)).isEqualTo("DOWN");
		redis.start();
		assertThat(awaitRedisStatus("UP", Duration.ofSeconds(5))).isEqualTo("UP");
		gateway.management().get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
		gateway.management().get().uri("/actuator/info").exchange().expectStatus().isOk();
	}

	private static int count(String text, String needle) {
		Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
		int n = 0;
		while (m.find()) {
			n++;
		}
		return n;
	}

}
