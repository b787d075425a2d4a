package io.tollgate.gateway.lifecycle;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A start and a graceful stop log no stack trace and no false outage, whether Redis is
 * up, down from the start, or lost while the gateway runs; a start that fails for a
 * reason of its own logs only that reason. The console output (the log as an operator
 * reads it) is read until well after the stop: Lettuce's connection-handshake timeouts
 * (up to {@code spring.data.redis.timeout}, 2 s) used to fire then.
 */
@ExtendWith(OutputCaptureExtension.class)
class QuietLifecycleTest {

	/** Longer than any timer Lettuce may still hold at stop (the 2 s command timeout). */
	private static final Duration AFTER_STOP = Duration.ofMillis(3000);

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@Test
	void whenRedisIsUp_thenStartAndStopLogNoErrorNoStackTraceAndNoOutage(CapturedOutput output) throws Exception {
		try (GatewayInstance gateway = gateway().redis(redis).start()) {
			traffic(gateway);
		}
		Thread.sleep(AFTER_STOP.toMillis());

		Log log = new Log(output);
		assertQuiet(log);
		assertThat(log.messages("WARN")).as("no outage while Redis was up").isEmpty();
		assertStopOrder(log);
	}

	@Test
	void whenRedisIsDownFromTheStart_thenStartAndStopLogTheOutageOnceAndNoStackTrace(CapturedOutput output)
			throws Exception {
		try (GatewayInstance gateway = gateway().start()) {
			traffic(gateway);
			// long enough for several probes and reconnect attempts, each leaving a
			// handshake timeout behind
			Thread.sleep(2500);
		}
		Thread.sleep(AFTER_STOP.toMillis());

		Log log = new Log(output);
		assertQuiet(log);
		assertOutageLoggedOnce(log);
		assertStopOrder(log);
	}

	@Test
	void whenRedisIsLostWhileRunning_thenTheStopLogsNoStackTrace(CapturedOutput output) throws Exception {
		try (RedisExtension lost = RedisExtension.standalone().startNow()) {
			try (GatewayInstance gateway = gateway().redis(lost).start()) {
				traffic(gateway);
				lost.stop();
				traffic(gateway);
				// reconnect attempts (every second at most) against the dead port
				Thread.sleep(2500);
			}
			Thread.sleep(AFTER_STOP.toMillis());
		}

		Log log = new Log(output);
		assertQuiet(log);
		assertOutageLoggedOnce(log);
		assertStopOrder(log);
	}

	@Test
	void whenThePortIsInUseAndRedisIsDown_thenOnlyThePortIsReported(CapturedOutput output) throws Exception {
		assertOnlyPortInUseReported(gateway(), output);
	}

	@Test
	void whenThePortIsInUseAndRedisIsUp_thenOnlyThePortIsReported(CapturedOutput output) throws Exception {
		assertOnlyPortInUseReported(gateway().redis(redis), output);
	}

	private static void assertOnlyPortInUseReported(GatewayInstance.Builder gateway, CapturedOutput output)
			throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			gateway.property("server.address", "127.0.0.1").property("server.port", taken.getLocalPort());

			assertThatThrownBy(gateway::start).hasStackTraceContaining("already in use");
			Thread.sleep(AFTER_STOP.toMillis());

			Log log = new Log(output);
			assertThat(log.stackFrames()).as("no stack trace").isEmpty();
			assertThat(log.messages("ERROR")).as("one report").hasSize(1);
			assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
				.contains("Port " + taken.getLocalPort() + " was already in use")
				.doesNotContain("onErrorDropped");
		}
	}

	private static GatewayInstance.Builder gateway() {
		return GatewayInstance.builder()
			// a short drain, so its log line shows the order of the stop
			.property("tollgate.lifecycle.drain-delay", "200ms")
			.route(Route.id("limited")
				.uri(upstream.url())
				.path("/limited/**")
				.publicRoute()
				.filter("ClusterRateLimit=1000/1s, ip"))
			.route(Route.id("guarded")
				.uri(upstream.url())
				.path("/guarded/**")
				.publicRoute()
				.filter("SharedCircuitBreaker=quiet-lifecycle"));
	}

	private static void traffic(GatewayInstance gateway) {
		for (int i = 0; i < 5; i++) {
			gateway.client().get().uri("/limited/" + i).exchange().expectStatus().isOk();
			gateway.client().get().uri("/guarded/" + i).exchange().expectStatus().isOk();
		}
		gateway.management().get().uri("/actuator/health").exchange().expectBody().returnResult();
	}

	private static void assertQuiet(Log log) {
		assertThat(log.stackFrames()).as("no stack trace").isEmpty();
		assertThat(log.messages("ERROR")).as("nothing logged at ERROR").isEmpty();
	}

	/** The real outage: once, and the fallback each policy uses, once. */
	private static void assertOutageLoggedOnce(Log log) {
		List<String> warnings = log.messages("WARN");
		assertThat(warnings).filteredOn(m -> m.startsWith("Redis unreachable")).hasSize(1);
		assertThat(warnings).filteredOn(m -> m.startsWith("Rate-limit store unavailable")).hasSize(1);
		// and, when Redis was already down at start, once that managed resources wait for
		// it
		List<String> management = warnings.stream()
			.filter(m -> m.startsWith("Management store unreachable at start"))
			.toList();
		assertThat(management).hasSizeLessThanOrEqualTo(1);
		assertThat(warnings).hasSize(2 + management.size());
	}

	/** Readiness DOWN, then the web server stops accepting and drains. */
	private static void assertStopOrder(Log log) {
		List<String> info = log.messages("INFO");
		int readinessDown = indexOf(info, "Stopping: readiness DOWN");
		int drainOver = indexOf(info, "Drain delay over");
		int serverStop = indexOf(info, "Commencing graceful shutdown");
		assertThat(readinessDown).isNotNegative().isLessThan(drainOver);
		assertThat(drainOver).isLessThan(serverStop);
	}

	private static int indexOf(List<String> messages, String prefix) {
		for (int i = 0; i < messages.size(); i++) {
			if (messages.get(i).startsWith(prefix)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Spring Boot's console lines:
	 * {@code <time> <LEVEL> <pid> --- [app] [thread] logger : message}.
	 */
	private record Log(List<String> lines) {

		private static final Pattern LINE = Pattern.compile("^\\S+\\s+(ERROR|WARN|INFO|DEBUG|TRACE)\\s.*? : (.*)$");

		private static final Pattern FRAME = Pattern
			.compile("^(\\s+at |\\s*Caused by: |\\s*Suppressed: |\\s*\\.\\.\\. \\d+ (common frames )?more)");

		Log(CapturedOutput output) {
			this(output.getAll().lines().toList());
		}

		List<String> messages(String level) {
			return this.lines.stream()
				.map(LINE::matcher)
				.filter(Matcher::matches)
				.filter(m -> m.group(1).equals(level))
				.map(m -> m.group(2))
				.toList();
		}

		List<String> stackFrames() {
			return this.lines.stream().filter(line -> FRAME.matcher(line).find()).toList();
		}

	}

}
