package io.tollgate.policy.http;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Writes at most one line per kind and interval, never a stack trace, and says how many
 * events of that kind it held back since its last line. Kinds must come from a bounded
 * set (an enum's tags): anything a client chooses would make the map grow.
 */
public final class ThrottledLog {

	private static final long NEVER = Long.MIN_VALUE;

	private final Logger log;

	private final long intervalNanos;

	private final LongSupplier nanoTime;

	private final ConcurrentMap<String, Slot> slots = new ConcurrentHashMap<>();

	public ThrottledLog(Logger log, Duration interval, LongSupplier nanoTime) {
		this.log = log;
		this.intervalNanos = interval.toNanos();
		this.nanoTime = nanoTime;
	}

	public ThrottledLog(Logger log, Duration interval) {
		this(log, interval, System::nanoTime);
	}

	/**
	 * Logs {@code message} unless a line of this kind was written less than an interval
	 * ago; returns whether it did.
	 */
	public boolean log(Level level, String kind, Supplier<String> message) {
		if (!log.isEnabledForLevel(level)) {
			return false;
		}
		Slot slot = slots.computeIfAbsent(kind, k -> new Slot());
		long now = nanoTime.getAsLong();
		long next = slot.next.get();
		if ((next != NEVER && now - next < 0) || !slot.next.compareAndSet(next, now + intervalNanos)) {
			slot.held.increment();
			return false;
		}
		long held = slot.held.sumThenReset();
		String line = message.get();
		log.atLevel(level).log(held == 0 ? line : line + " (" + held + " more of this kind since the last report)");
		return true;
	}

	private static final class Slot {

		/** When the next line may be written ({@link #NEVER} before the first). */
		final AtomicLong next = new AtomicLong(NEVER);

		final LongAdder held = new LongAdder();

	}

}
