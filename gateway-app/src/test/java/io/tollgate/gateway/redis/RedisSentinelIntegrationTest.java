package io.tollgate.gateway.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.redis.Resp;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis through Sentinel, configured with Spring Boot's own
 * {@code spring.data.redis.sentinel.*}: a real {@code redis-server --sentinel} in front
 * of a real primary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSentinelIntegrationTest {

	@RegisterExtension
	static final RedisExtension primary = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	Process sentinel;

	int sentinelPort;

	GatewayInstance gateway;

	@BeforeAll
	void startSentinel(@TempDir Path dir) throws Exception {
		try (ServerSocket s = new ServerSocket(0)) {
			sentinelPort = s.getLocalPort();
		}
		Path conf = dir.resolve("sentinel.conf");
		Files.writeString(conf,
				"port " + sentinelPort + "\nbind 127.0.0.1\ndir " + dir + "\n" + "sentinel monitor tollgate 127.0.0.1 "
						+ primary.port() + " 1\n" + "sentinel down-after-milliseconds tollgate 2000\n");
		sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
			.redirectOutput(dir.resolve("sentinel.log").toFile())
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!Resp.ping("127.0.0.1", sentinelPort, null)) {
			assertThat(System.nanoTime()).as("sentinel did not start: " + Files.readString(dir.resolve("sentinel.log")))
				.isLessThan(deadline);
			Thread.sleep(50);
		}
		gateway = GatewayInstance.builder()
			.property("spring.data.redis.sentinel.master", "tollgate")
			.property("spring.data.redis.sentinel.nodes", "127.0.0.1:" + sentinelPort)
			.route(Route.id("limited")
				.uri(upstream.uri().toString())
				.path("/**")
				.publicRoute()
				.filter("ClusterRateLimit=2/10m, ip"))
			.start();
	}

	@AfterAll
	void stop() throws IOException {
		if (gateway != null) {
			gateway.close();
		}
		if (sentinel != null) {
			sentinel.destroyForcibly();
		}
	}

	@Test
	void whenRedisIsFoundThroughSentinel_thenHealthIsUpAndLimitsAreShared() throws Exception {
		gateway.management()
			.get()
			.uri("/actuator/health")
			.exchange()
			.expectBody()
			.jsonPath("$.components.redis.status")
			.isEqualTo("UP");
		gateway.client().get().uri("/a").exchange().expectStatus().isOk();
		gateway.client().get().uri("/a").exchange().expectStatus().isOk();
		gateway.client().get().uri("/a").exchange().expectStatus().isEqualTo(429);
		Object keys = primary.command(primary.port(), "KEYS", "tollgate:rl:*");
		assertThat(keys.toString()).as("the limit's state lives in the primary found through Sentinel")
			.contains("tollgate:rl:");
	}

}
