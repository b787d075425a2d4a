package io.tollgate.testsupport.redis;

import io.tollgate.testsupport.internal.Waits;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RedisProcessCleanupTest {

	private enum Death {

		EXIT, SIGTERM, SIGKILL

	}

	@Test
	void whenTestJvmExitsWithoutClose_thenItsRedisIsKilled() throws Exception {
		assertRedisDiesWithJvm(Death.EXIT);
	}

	@Test
	void whenTestJvmIsTerminated_thenItsRedisIsKilled() throws Exception {
		assertRedisDiesWithJvm(Death.SIGTERM);
	}

	@Test
	void whenTestJvmIsKilled_thenTheWatchdogKillsItsRedisWithinSeconds() throws Exception {
		assertRedisDiesWithJvm(Death.SIGKILL);
	}

	private static void assertRedisDiesWithJvm(Death death) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process child = new ProcessBuilder(
				List.of(java, "-cp", System.getProperty("java.class.path"), ReaperProbe.class.getName()))
			.redirectErrorStream(true)
			.start();
		try {
			BufferedReader out = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
			String line;
			int port = -1;
			Path dir = null;
			while ((line = out.readLine()) != null) {
				if (line.startsWith("DIR ")) {
					dir = Path.of(line.substring(4).trim());
				}
				if (line.startsWith("PORT ")) {
					port = Integer.parseInt(line.substring(5).trim());
					break;
				}
			}
			assertThat(port).as("child JVM reported its Redis port").isPositive();
			assertThat(dir).isDirectory();
			assertThat(Resp.ping("127.0.0.1", port, null)).isTrue();

			switch (death) {
				case EXIT -> {
					child.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
					child.getOutputStream().flush();
				}
				case SIGTERM -> child.destroy();
				case SIGKILL -> child.destroyForcibly();
			}
			assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();

			if (death == Death.SIGKILL) {
				int p = port;
				Path d = dir;
				assertThat(Waits.until(Duration.ofSeconds(5), () -> Resp.refuses("127.0.0.1", p))).isTrue();
				assertThat(Waits.until(Duration.ofSeconds(5), () -> !Files.exists(d))).as("temp dir removed").isTrue();
			}
			else {
				assertThat(Resp.refuses("127.0.0.1", port)).isTrue();
				assertThat(dir).doesNotExist();
			}
		}
		finally {
			child.destroyForcibly();
		}
	}

}
