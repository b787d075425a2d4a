package io.tollgate.gateway.support;

import java.util.List;
import java.util.function.Predicate;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Everything logged in this JVM (the gateways under test run in it) while open: events
 * and their formatted lines, stack traces included.
 */
public final class LogCapture implements AutoCloseable {

	private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private LogCapture() {
		appender.setContext(root.getLoggerContext());
		appender.start();
		root.addAppender(appender);
	}

	public static LogCapture start() {
		return new LogCapture();
	}

	public List<ILoggingEvent> events() {
		synchronized (appender) {
			return List.copyOf(appender.list);
		}
	}

	public List<ILoggingEvent> events(Predicate<ILoggingEvent> filter) {
		return events().stream().filter(filter).toList();
	}

	/**
	 * Lines these events would take in a log file: the message's lines plus one per stack
	 * frame of any attached throwable (and its causes).
	 */
	public static long lines(List<ILoggingEvent> events) {
		long lines = 0;
		for (ILoggingEvent e : events) {
			lines += e.getFormattedMessage().split("\n", -1).length;
			for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
				lines += 1 + t.getStackTraceElementProxyArray().length;
			}
		}
		return lines;
	}

	@Override
	public void close() {
		root.detachAppender(appender);
		appender.stop();
	}

}
