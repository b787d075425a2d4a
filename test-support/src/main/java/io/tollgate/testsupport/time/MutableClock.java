package io.tollgate.testsupport.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test says so, for logic that takes an injected
 * {@link Clock}.
 */
public final class MutableClock extends Clock {

	private final AtomicLong nanos;

	private final ZoneId zone;

	private MutableClock(long epochNanos, ZoneId zone) {
		this.nanos = new AtomicLong(epochNanos);
		this.zone = zone;
	}

	/** Starts at the given instant, in UTC. */
	public static MutableClock at(Instant start) {
		return new MutableClock(start.getEpochSecond() * 1_000_000_000L + start.getNano(), ZoneOffset.UTC);
	}

	/** Starts at 2026-01-01T00:00:00Z. */
	public static MutableClock start() {
		return at(Instant.parse("2026-01-01T00:00:00Z"));
	}

	public void advance(Duration by) {
		this.nanos.addAndGet(by.toNanos());
	}

	public void set(Instant instant) {
		this.nanos.set(instant.getEpochSecond() * 1_000_000_000L + instant.getNano());
	}

	@Override
	public ZoneId getZone() {
		return this.zone;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return new MutableClock(this.nanos.get(), zone);
	}

	@Override
	public Instant instant() {
		long n = this.nanos.get();
		return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
	}

	@Override
	public long millis() {
		return Math.floorDiv(this.nanos.get(), 1_000_000L);
	}

}
