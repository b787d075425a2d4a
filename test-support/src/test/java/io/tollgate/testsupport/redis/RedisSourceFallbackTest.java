package io.tollgate.testsupport.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs RedisExtension in a child JVM whose PATH has no redis-server (and which has no
 * Docker).
 */
class RedisSourceFallbackTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@Test
	void whenNoBinaryButRedisUrlSet_thenItIsUsedAndFlushableButStopIsUnsupported() throws Exception {
		redis.command(redis.port(), "SET", "external", "1");

		String out = runProbe(Map.of("REDIS_URL", redis.url()));

		assertThat(out).contains("URL " + redis.url(), "DESCRIBE external Redis from REDIS_URL", "FLUSHED",
				"STOP UNSUPPORTED stop() is not possible", "apt-get install redis-server");
		assertThat(redis.command(redis.port(), "GET", "external")).isNull();
		assertThat(redis.command(redis.port(), "PING")).isEqualTo("PONG");
	}

	@Test
	void whenNoBinaryNoDockerNoRedisUrl_thenTheClassFailsSayingWhatToInstall() throws Exception {
		String out = runProbe(Map.of());

		assertThat(out).contains("FAILED org.opentest4j.AssertionFailedError",
				"install redis-server (apt-get install redis-server", "REDIS_URL");
	}

	private static String runProbe(Map<String, String> env) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(
				List.of(java, "-cp", System.getProperty("java.class.path"), SourceProbe.class.getName()))
			.redirectErrorStream(true);
		builder.environment().put("PATH", "/nonexistent");
		builder.environment().remove("REDIS_URL");
		builder.environment().remove("DOCKER_HOST");
		builder.environment().putAll(env);
		Process child = builder.start();
		try {
			byte[] output = child.getInputStream().readAllBytes();
			assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
			return new String(output, StandardCharsets.UTF_8);
		}
		finally {
			child.destroyForcibly();
		}
	}

}
