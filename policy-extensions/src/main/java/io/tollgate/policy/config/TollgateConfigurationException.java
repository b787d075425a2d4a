package io.tollgate.policy.config;

import java.util.List;

import org.springframework.lang.Nullable;

/**
 * A configuration error the user can fix: a {@code tollgate.*} property or the arguments
 * of one of Tollgate's route filters and predicates. Reported at startup by
 * {@link TollgateConfigurationFailureAnalyzer} as one short block naming the property
 * (and route), without a stack trace.
 */
public class TollgateConfigurationException extends IllegalArgumentException {

	private final List<Problem> problems;

	/**
	 * A problem whose property (and route) the caller does not know; the route check adds
	 * them.
	 */
	public TollgateConfigurationException(String message) {
		this(List.of(new Problem(null, null, message)), null);
	}

	public TollgateConfigurationException(String message, @Nullable Throwable cause) {
		this(List.of(new Problem(null, null, message)), cause);
	}

	private TollgateConfigurationException(List<Problem> problems, @Nullable Throwable cause) {
		super(summary(problems), cause);
		this.problems = List.copyOf(problems);
	}

	/** An invalid property; the message says what is wrong with it. */
	public static TollgateConfigurationException property(String property, String message) {
		return new TollgateConfigurationException(List.of(new Problem(property, null, message)), null);
	}

	/** Several problems found together (all invalid route filters, for example). */
	public static TollgateConfigurationException of(List<Problem> problems) {
		if (problems.isEmpty()) {
			throw new IllegalArgumentException("no problems");
		}
		return new TollgateConfigurationException(problems, null);
	}

	public List<Problem> getProblems() {
		return this.problems;
	}

	private static String summary(List<Problem> problems) {
		StringBuilder sb = new StringBuilder();
		for (Problem p : problems) {
			if (!sb.isEmpty()) {
				sb.append("; ");
			}
			sb.append(p);
		}
		return sb.toString();
	}

	/**
	 * One thing to fix.
	 *
	 * @param property the property to change, e.g. {@code tollgate.redis.timeout} or
	 * {@code spring.cloud.gateway.server.webflux.routes[2].filters[0]}; null if unknown
	 * @param route the route id, for route filters and predicates; null otherwise
	 * @param message what is wrong
	 */
	public record Problem(@Nullable String property, @Nullable String route, String message) {

		/** The same problem, located. */
		public Problem at(String property, @Nullable String route) {
			return new Problem(property, route, this.message);
		}

		@Override
		public String toString() {
			return (this.property == null ? "" : this.property + ": ") + this.message;
		}

	}

}
