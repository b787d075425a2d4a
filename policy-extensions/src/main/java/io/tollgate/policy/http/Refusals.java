package io.tollgate.policy.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.lang.Nullable;

/**
 * Counts refused requests and connections ({@code tollgate.http.refused}, tag
 * {@code reason}) and logs each kind at most once per interval in one line: the kind, the
 * peer address and a fixed detail. Request lines, header names and values, bodies and
 * tokens are never logged.
 */
public final class Refusals {

	public static final String METRIC = "tollgate.http.refused";

	private final Map<Refusal, Counter> counters = new EnumMap<>(Refusal.class);

	private final ThrottledLog log;

	public Refusals(@Nullable MeterRegistry registry, Duration logInterval) {
		this.log = new ThrottledLog(LoggerFactory.getLogger(Refusals.class), logInterval);
		if (registry != null) {
			for (Refusal refusal : Refusal.values()) {
				counters.put(refusal,
						Counter.builder(METRIC)
							.description("Requests and connections refused at the edge, by reason")
							.tag("reason", refusal.tag())
							.register(registry));
			}
		}
	}

	public void record(Refusal refusal, @Nullable SocketAddress peer) {
		record(refusal, peer instanceof InetSocketAddress inet ? inet.getAddress() : null);
	}

	public void record(Refusal refusal, @Nullable InetAddress peer) {
		Counter counter = counters.get(refusal);
		if (counter != null) {
			counter.increment();
		}
		log.log(Level.INFO, refusal.tag(),
				() -> "Refused " + refusal.tag() + " from " + (peer == null ? "unknown peer" : peer.getHostAddress())
						+ " (" + refusal.status().value() + "): " + refusal.detail());
	}

}
