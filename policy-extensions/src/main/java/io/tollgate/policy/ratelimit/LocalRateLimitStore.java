package io.tollgate.policy.ratelimit;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import reactor.core.publisher.Mono;

/**
 * The fallback store: the algorithms of ratelimit.lua in this replica's memory, each
 * limit divided by the number of live replicas so that the fleet together stays near the
 * shared limit. Bounded in size; idle entries expire.
 */
public final class LocalRateLimitStore implements RateLimitStore {

	private static final double EPS = 0.001;

	private static final int STRIPES = 64;

	private final Cache<String, Cell> cells;

	private final Object[] locks = new Object[STRIPES];

	private final IntSupplier replicas;

	private final LongSupplier clockMillis;

	public LocalRateLimitStore(IntSupplier replicas, long maxKeys) {
		this(replicas, maxKeys, System::currentTimeMillis);
	}

	LocalRateLimitStore(IntSupplier replicas, long maxKeys, LongSupplier clockMillis) {
		this.replicas = replicas;
		this.clockMillis = clockMillis;
		for (int i = 0; i < STRIPES; i++) {
			locks[i] = new Object();
		}
		// expiry runs on the limiter's own clock, so an entry never outlives or undercuts
		// its window
		this.cells = Caffeine.newBuilder()
			.maximumSize(maxKeys)
			.ticker(() -> clockMillis.getAsLong() * 1_000_000L)
			.expireAfter(new Expiry<String, Cell>() {
				@Override
				public long expireAfterCreate(String key, Cell cell, long currentTime) {
					return TimeUnit.MILLISECONDS.toNanos(Math.max(1, cell.ttlMillis));
				}

				@Override
				public long expireAfterUpdate(String key, Cell cell, long currentTime, long currentDuration) {
					return TimeUnit.MILLISECONDS.toNanos(Math.max(1, cell.ttlMillis));
				}

				@Override
				public long expireAfterRead(String key, Cell cell, long currentTime, long currentDuration) {
					return currentDuration;
				}
			})
			.build();
	}

	@Override
	public Mono<RateLimitDecision> consume(RateLimitPolicy policy, String callerKey) {
		return Mono.fromSupplier(() -> decide(policy, callerKey));
	}

	/**
	 * The share of a limit this replica enforces alone: {@code count / replicas}, at
	 * least 1.
	 */
	long share(long count) {
		return Math.max(1, count / Math.max(1, replicas.getAsInt()));
	}

	RateLimitDecision decide(RateLimitPolicy policy, String callerKey) {
		var keys = policy.keys(callerKey);
		int n = keys.size();
		long[] ok = new long[n];
		long[] left = new long[n];
		long[] after = new long[n];
		long[] reset = new long[n];
		long[] retry = new long[n];
		Cell[] next = new Cell[n];
		boolean all = true;
		double cost = policy.cost();
		synchronized (locks[(keys.get(0).hashCode() & 0x7fffffff) % STRIPES]) {
			double now = clockMillis.getAsLong();
			for (int i = 0; i < n; i++) {
				Limit limit = policy.limits().get(i);
				long count = Math.max(policy.cost(), share(limit.count()));
				Cell stored = cells.getIfPresent(keys.get(i));
				Cell cell = new Cell();
				boolean admit;
				switch (policy.algorithm()) {
					case GCRA -> {
						double period = limit.periodMillis();
						double interval = period / count;
						double tat = stored == null ? now : Math.max(stored.a, now);
						double newTat = tat + cost * interval;
						double eps = Math.min(EPS, interval / 4);
						admit = newTat - now <= period + eps;
						left[i] = (long) Math.floor((period - (tat - now)) / interval + eps);
						if (admit) {
							after[i] = (long) Math.floor((period - (newTat - now)) / interval + eps);
							reset[i] = (long) Math.ceil(newTat - now);
							cell.a = newTat;
							cell.ttlMillis = (long) Math.ceil(newTat - now);
						}
						else {
							reset[i] = (long) Math.ceil(tat - now);
							retry[i] = cost > count ? -1 : (long) Math.ceil(newTat - now - period);
						}
					}
					case FIXED_WINDOW -> {
						long[] w = window(limit, (long) now);
						long used = stored != null && stored.b == w[0] ? stored.c : 0;
						admit = used + cost <= count;
						left[i] = count - used;
						reset[i] = (long) Math.ceil(w[1] - now);
						if (admit) {
							after[i] = count - used - (long) cost;
							cell.b = w[0];
							cell.c = used + (long) cost;
							cell.ttlMillis = reset[i];
						}
						else {
							retry[i] = cost > count ? -1 : reset[i];
						}
					}
					default -> {
						long period = limit.periodMillis();
						long ws = Math.floorDiv((long) now, period) * period;
						double curr = 0;
						double prev = 0;
						if (stored != null) {
							if (stored.b == ws) {
								curr = stored.c;
								prev = stored.a;
							}
							else if (stored.b == ws - period) {
								prev = stored.c;
							}
						}
						double estimate = prev * (period - (now - ws)) / period + curr;
						admit = estimate + cost <= count + EPS;
						left[i] = (long) Math.floor(count - estimate + EPS);
						if (admit) {
							after[i] = (long) Math.floor(count - estimate - cost + EPS);
							reset[i] = (long) Math.ceil(ws + 2.0 * period - now);
							cell.b = ws;
							cell.c = (long) (curr + cost);
							cell.a = prev;
							cell.ttlMillis = reset[i];
						}
						else {
							reset[i] = (long) Math.ceil((curr > 0 ? ws + 2.0 * period : ws + period) - now);
							double wait;
							if (cost > count) {
								wait = -1;
							}
							else if (curr + cost <= count) {
								wait = ws + period - period * (count - curr - cost) / prev - now;
							}
							else {
								wait = ws + period - now + Math.max(0, period - period * (count - cost) / curr);
							}
							retry[i] = wait < 0 ? -1 : (long) Math.ceil(wait);
						}
					}
				}
				if (retry[i] == 0 && !admit) {
					retry[i] = 1;
				}
				ok[i] = admit ? 1 : 0;
				next[i] = cell;
				all &= admit;
			}
			if (all) {
				for (int i = 0; i < n; i++) {
					cells.put(keys.get(i), next[i]);
					left[i] = after[i];
				}
			}
		}
		for (int i = 0; i < n; i++) {
			left[i] = Math.max(0, left[i]);
			reset[i] = Math.max(0, reset[i]);
		}
		return new RateLimitDecision(all, RateLimitDecision.Source.LOCAL, ok, left, reset, retry);
	}

	/** [start, end) of the UTC-aligned window holding {@code now}, like ratelimit.lua. */
	static long[] window(Limit limit, long now) {
		if (!limit.isCalendarMonths()) {
			long ws = Math.floorDiv(now, limit.periodMillis()) * limit.periodMillis();
			return new long[] { ws, ws + limit.periodMillis() };
		}
		YearMonth ym = YearMonth.from(Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC));
		long index = (ym.getYear() - 1970L) * 12 + ym.getMonthValue() - 1;
		index -= Math.floorMod(index, limit.months());
		return new long[] { monthStart(index), monthStart(index + limit.months()) };
	}

	private static long monthStart(long index) {
		YearMonth ym = YearMonth.of((int) (1970 + Math.floorDiv(index, 12)), (int) Math.floorMod(index, 12) + 1);
		return ym.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
	}

	long size() {
		cells.cleanUp();
		return cells.estimatedSize();
	}

	/**
	 * Per-key state: gcra uses a (TAT); windows use b (window start) and c (count),
	 * sliding also a (previous).
	 */
	static final class Cell {

		double a;

		long b;

		long c;

		long ttlMillis;

	}

}
