package io.tollgate.policy.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottledLogTest {

	private final Logger logger = (Logger) LoggerFactory.getLogger("throttled-log-test");

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final AtomicLong nanos = new AtomicLong(123_456_789L);

	private final ThrottledLog log = new ThrottledLog(logger, Duration.ofMinutes(1), nanos::get);

	@BeforeEach
	void attach() {
		appender.start();
		logger.addAppender(appender);
	}

	@AfterEach
	void detach() {
		logger.detachAppender(appender);
	}

	@Test
	void whenManyEventsOfAKind_thenOneLinePerInterval_countingTheRest() {
		for (int i = 0; i < 500; i++) {
			log.log(Level.INFO, "a", () -> "kind a");
		}
		assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("kind a");
		nanos.addAndGet(Duration.ofSeconds(59).toNanos());
		log.log(Level.INFO, "a", () -> "kind a");
		assertThat(appender.list).hasSize(1);
		nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		log.log(Level.INFO, "a", () -> "kind a");
		assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
			.containsExactly("kind a", "kind a (500 more of this kind since the last report)");
		assertThat(appender.list).allMatch(e -> e.getThrowableProxy() == null);
	}

	@Test
	void whenKindsDiffer_thenEachHasItsOwnLine() {
		log.log(Level.INFO, "a", () -> "kind a");
		log.log(Level.WARN, "b", () -> "kind b");
		log.log(Level.INFO, "a", () -> "kind a");
		assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("kind a", "kind b");
	}

}
