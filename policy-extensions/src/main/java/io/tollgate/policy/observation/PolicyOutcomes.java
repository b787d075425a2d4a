package io.tollgate.policy.observation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.server.ServerWebExchange;

/**
 * What Tollgate's policies decided for one exchange (the rate-limit outcome, the breaker
 * and its state), kept on the exchange so that observability (span attributes) can report
 * it without the policies knowing about tracing. Recording is one map entry per policy.
 */
public final class PolicyOutcomes {

	/**
	 * {@code allowed}, {@code limited}, {@code fallback}, {@code unavailable},
	 * {@code unidentified}.
	 */
	public static final String RATE_LIMIT_OUTCOME = "tollgate.ratelimit.outcome";

	/** The breaker's name. */
	public static final String CIRCUIT_BREAKER = "tollgate.circuitbreaker.name";

	/**
	 * The shared state as this replica saw it when the call was let through or rejected.
	 */
	public static final String CIRCUIT_BREAKER_STATE = "tollgate.circuitbreaker.state";

	/** {@code true} when the breaker let the call through. */
	public static final String CIRCUIT_BREAKER_PERMITTED = "tollgate.circuitbreaker.permitted";

	private static final String ATTRIBUTE = PolicyOutcomes.class.getName();

	private PolicyOutcomes() {
	}

	public static void record(ServerWebExchange exchange, String key, String value) {
		record(exchange.getAttributes(), key, value);
	}

	@SuppressWarnings("unchecked")
	public static void record(Map<String, Object> attributes, String key, String value) {
		((Map<String, String>) attributes.computeIfAbsent(ATTRIBUTE, k -> new LinkedHashMap<String, String>())).put(key,
				value);
	}

	/** Everything recorded for the exchange whose attributes these are. */
	@SuppressWarnings("unchecked")
	public static Map<String, String> of(Map<String, Object> attributes) {
		Object outcomes = attributes.get(ATTRIBUTE);
		return outcomes == null ? Map.of() : Collections.unmodifiableMap((Map<String, String>) outcomes);
	}

}
