package io.tollgate.gateway.consumer;

import java.util.List;

import org.springframework.lang.Nullable;

/**
 * A consumer's counters against each limit of its plan, read from the limiter's own keys.
 *
 * @param consumer the consumer's id
 * @param plan its plan's id, null when it has none
 * @param limits one entry per limit of the plan
 */
public record ConsumerUsage(String consumer, @Nullable String plan, List<LimitUsage> limits) {

	/**
	 * @param limit the limit as written ({@code 10000/1mo})
	 * @param used units used in the current window (gcra: units not yet regained)
	 * @param remaining units left now
	 * @param resetSeconds seconds until the limit is fully available again
	 */
	public record LimitUsage(String limit, long used, long remaining, long resetSeconds) {
	}

}
