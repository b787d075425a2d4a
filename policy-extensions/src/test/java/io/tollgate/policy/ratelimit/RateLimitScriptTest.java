package io.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisKit;
import io.tollgate.testsupport.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ratelimit.lua against a real redis-server. */
class RateLimitScriptTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	static RedisFixture r;

	static RedisKit kit;

	static RedisRateLimitStore store;

	static String script;

	@BeforeAll
	static void connect() throws Exception {
		r = RedisFixture.of(redis);
		kit = RedisKit.on(redis).start();
		store = new RedisRateLimitStore(kit.executor.requestCalls("ratelimit"), LuaScript.load("ratelimit"),
				java.time.Clock.systemUTC());
		script = LuaScript.load("ratelimit").script().getScriptAsString();
	}

	@AfterAll
	static void close() {
		kit.close();
		r.close();
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	static RateLimitPolicy policy(Algorithm algorithm, String limits) {
		return policy(algorithm, limits, 1);
	}

	static RateLimitPolicy policy(Algorithm algorithm, String limits, long cost) {
		return new RateLimitPolicy("test", algorithm, LimitParser.parse(limits), cost, OnStoreFailure.DENY);
	}

	static RateLimitDecision consume(RateLimitPolicy policy, String caller) {
		return store.consume(policy, caller).block();
	}

	/** Runs the script directly (for arguments the policy would refuse). */
	static List<Long> eval(List<String> keys, String... args) {
		String[] withNow = new String[args.length + 1];
		withNow[0] = Long.toString(System.currentTimeMillis() * 1000);
		System.arraycopy(args, 0, withNow, 1, args.length);
		List<Object> reply = r.cmd.eval(script, ScriptOutputType.MULTI, keys.toArray(String[]::new), withNow);
		List<Long> out = new ArrayList<>();
		reply.forEach(o -> out.add((Long) o));
		return out;
	}

	@ParameterizedTest
	@EnumSource(Algorithm.class)
	void whenRequestsReachExactlyTheLimit_thenTheLastIsAdmittedAndTheNextRefused(Algorithm algorithm) {
		RateLimitPolicy p = policy(algorithm, "5/1h");
		for (int i = 4; i >= 0; i--) {
			RateLimitDecision d = consume(p, "alice");
			assertThat(d.allowed()).isTrue();
			assertThat(d.remaining(0)).isEqualTo(i);
			assertThat(d.source()).isEqualTo(RateLimitDecision.Source.SHARED);
		}
		RateLimitDecision refused = consume(p, "alice");
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.remaining(0)).isZero();
		assertThat(refused.retryAfterMillis()).isPositive();
		// another caller has its own counters
		assertThat(consume(p, "bob").allowed()).isTrue();
	}

	@Test
	void whenGcraBucketIsEmpty_thenRetryAfterIsOneEmissionInterval() {
		RateLimitPolicy p = policy(Algorithm.GCRA, "5/100s");
		for (int i = 0; i < 5; i++) {
			consume(p, "alice");
		}
		RateLimitDecision refused = consume(p, "alice");
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.retryAfterMillis()).isBetween(19_000L, 20_000L);
		assertThat(refused.resetMillis(0)).isBetween(99_000L, 100_000L);
	}

	@Test
	void whenGcraTimePasses_thenUnitsComeBackAtTheSustainedRate() throws Exception {
		RateLimitPolicy p = policy(Algorithm.GCRA, "10/10s");
		String key = p.keys("alice").get(0);
		// a bucket emptied 2.5 s ago (one unit per second): 2 units are back, the third
		// is half a second away
		r.cmd.set(key, String.format("%.17g", r.nowMillis() + 7500));
		assertThat(consume(p, "alice").allowed()).isTrue();
		assertThat(consume(p, "alice").allowed()).isTrue();
		RateLimitDecision third = consume(p, "alice");
		assertThat(third.allowed()).isFalse();
		assertThat(third.retryAfterMillis()).isBetween(1L, 500L);
		Thread.sleep(third.retryAfterMillis());
		assertThat(consume(p, "alice").allowed()).isTrue();
	}

	@Test
	void whenCostIsTwo_thenEachRequestConsumesTwoUnits() {
		RateLimitPolicy p = policy(Algorithm.GCRA, "5/100s", 2);
		assertThat(consume(p, "alice").remaining(0)).isEqualTo(3);
		assertThat(consume(p, "alice").remaining(0)).isEqualTo(1);
		RateLimitDecision refused = consume(p, "alice");
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.remaining(0)).isEqualTo(1);
		// one unit is free again 20 s after the first request; two are needed
		assertThat(refused.retryAfterMillis()).isBetween(19_000L, 20_000L);
	}

	@Test
	void whenGcraKeyIsIdle_thenOneCommandBesidesTheScriptCall_andABurstTwo() {
		RateLimitPolicy fast = policy(Algorithm.GCRA, "100000/1s");
		consume(fast, "warm");
		r.cmd.configResetstat();
		for (int i = 0; i < 50; i++) {
			assertThat(consume(fast, "alice").allowed()).isTrue();
		}
		assertThat(commandCalls()).as("below the rate: SET ... GET alone")
			.containsExactlyInAnyOrderEntriesOf(Map.of("set", 50L, "evalsha", 50L));
		RateLimitPolicy slow = policy(Algorithm.GCRA, "3/1h");
		r.cmd.configResetstat();
		for (int i = 0; i < 4; i++) {
			consume(slow, "bob");
		}
		// the first is idle (1), the next two are busy (2 each), the refused one puts the
		// state back (2)
		assertThat(commandCalls()).containsExactlyInAnyOrderEntriesOf(Map.of("set", 7L, "evalsha", 4L));
		assertThat(consume(slow, "bob").remaining(0)).isZero();
	}

	private static Map<String, Long> commandCalls() {
		Map<String, Long> calls = new java.util.TreeMap<>();
		for (String line : r.cmd.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring(8, line.indexOf(':'));
				long n = Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
				if (!name.startsWith("config") && !name.equals("info")) {
					calls.put(name, n);
				}
			}
		}
		return calls;
	}

	@ParameterizedTest
	@EnumSource(Algorithm.class)
	void whenCostExceedsTheLimit_thenRefusedForeverAndNothingIsConsumed(Algorithm algorithm) {
		List<Long> reply = eval(List.of("k"), "6", algorithm.scriptCode(), "5", "60000");
		assertThat(reply.get(0)).isZero();
		assertThat(reply.get(1)).isZero();
		assertThat(reply.get(2)).as("remaining").isEqualTo(5);
		assertThat(reply.get(4)).as("retry-after").isEqualTo(-1);
		assertThat(r.cmd.exists("k")).isZero();
	}

	@ParameterizedTest
	@EnumSource(Algorithm.class)
	void whenOneLimitRefuses_thenNoLimitIsConsumed(Algorithm algorithm) {
		RateLimitPolicy p = policy(algorithm, "10/1h, 2/1h");
		assertThat(consume(p, "alice").allowed()).isTrue();
		assertThat(consume(p, "alice").allowed()).isTrue();
		String before = r.cmd.get(p.keys("alice").get(0));
		for (int i = 0; i < 3; i++) {
			RateLimitDecision refused = consume(p, "alice");
			assertThat(refused.allowed()).isFalse();
			assertThat(refused.limitAllowed(0)).isTrue();
			assertThat(refused.limitAllowed(1)).isFalse();
			assertThat(refused.remaining(0)).isEqualTo(8);
			assertThat(refused.bindingLimit()).isEqualTo(1);
		}
		assertThat(r.cmd.get(p.keys("alice").get(0))).isEqualTo(before);
	}

	@Test
	void whenFixedWindowEnds_thenTheCountStartsAgainAtTheUtcAlignedEdge() throws Exception {
		RateLimitPolicy p = policy(Algorithm.FIXED_WINDOW, "3/1s");
		r.sleepUntilWindowOffset(1000, 30);
		for (int i = 0; i < 3; i++) {
			assertThat(consume(p, "alice").allowed()).isTrue();
		}
		double now = r.nowMillis();
		double edge = Math.floor(now / 1000) * 1000 + 1000;
		RateLimitDecision refused = consume(p, "alice");
		assertThat(refused.allowed()).isFalse();
		assertThat((double) refused.retryAfterMillis()).isBetween(edge - now - 300, edge - now + 1);
		assertThat(refused.resetMillis(0)).isEqualTo(refused.retryAfterMillis());
		Thread.sleep(refused.retryAfterMillis() + 5);
		RateLimitDecision next = consume(p, "alice");
		assertThat(next.allowed()).isTrue();
		assertThat(next.remaining(0)).isEqualTo(2);
	}

	@Test
	void whenFixedWindowIsOneDay_thenItEndsAtUtcMidnight() {
		RateLimitPolicy p = policy(Algorithm.FIXED_WINDOW, "100/1d");
		double now = r.nowMillis();
		RateLimitDecision d = consume(p, "alice");
		long midnight = (long) (Math.floor(now / 86_400_000d) + 1) * 86_400_000L;
		assertThat((double) d.resetMillis(0)).isBetween(midnight - now - 1000, midnight - now + 1);
		assertThat(r.cmd.pttl(p.keys("alice").get(0))).isBetween(d.resetMillis(0) - 1000, d.resetMillis(0) + 1);
	}

	@Test
	void whenFixedWindowIsOneCalendarMonth_thenItRunsFromTheFirstToTheFirstOfNextMonthUtc() {
		RateLimitPolicy p = policy(Algorithm.FIXED_WINDOW, "1000/1mo");
		double now = r.nowMillis();
		RateLimitDecision d = consume(p, "alice");
		YearMonth month = YearMonth.from(Instant.ofEpochMilli((long) now).atOffset(ZoneOffset.UTC));
		long start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
		long end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
		assertThat((double) d.resetMillis(0)).isBetween(end - now - 1000, end - now + 1);
		assertThat(r.cmd.get(p.keys("alice").get(0))).isEqualTo(start + ":1");
		assertThat(d.remaining(0)).isEqualTo(999);
		// the Java fallback computes the same window
		assertThat(LocalRateLimitStore.window(p.limits().get(0), (long) now)).containsExactly(start, end);
	}

	@Test
	void whenAQuarterIsConfigured_thenWindowsAlignToCalendarQuarters() {
		RateLimitPolicy p = policy(Algorithm.FIXED_WINDOW, "1000/3mo");
		double now = r.nowMillis();
		consume(p, "alice");
		YearMonth month = YearMonth.from(Instant.ofEpochMilli((long) now).atOffset(ZoneOffset.UTC));
		YearMonth quarter = month.withMonth((month.getMonthValue() - 1) / 3 * 3 + 1);
		long start = quarter.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
		assertThat(r.cmd.get(p.keys("alice").get(0))).isEqualTo(start + ":1");
	}

	@Test
	void whenSlidingWindowFollowsAFullWindow_thenThePreviousCountIsWeightedByItsOverlap() throws Exception {
		// 100 per hour after a full previous hour: one unit frees up every 36 s of the
		// current hour
		RateLimitPolicy p = policy(Algorithm.SLIDING_WINDOW, "100/1h");
		String key = p.keys("alice").get(0);
		double now = r.nowMillis();
		if (now % 36_000 > 35_000) {
			Thread.sleep(1_100); // stay clear of the moment the next unit frees up
			now = r.nowMillis();
		}
		long ws = (long) Math.floor(now / 3_600_000) * 3_600_000;
		long elapsed = (long) now - ws;
		r.cmd.set(key, (ws - 3_600_000) + ":100:0");
		int admitted = 0;
		RateLimitDecision d;
		while ((d = consume(p, "alice")).allowed()) {
			admitted++;
		}
		assertThat(admitted).isEqualTo((int) (elapsed / 36_000));
		long expectedRetry = (admitted + 1) * 36_000L - elapsed;
		assertThat(d.retryAfterMillis()).isBetween(expectedRetry - 1_000, expectedRetry);
	}

	@Test
	void whenSlidingWindowIsFull_thenRetryAfterPointsIntoTheNextWindow() throws Exception {
		RateLimitPolicy p = policy(Algorithm.SLIDING_WINDOW, "4/1s");
		r.sleepUntilWindowOffset(1000, 20);
		for (int i = 0; i < 4; i++) {
			assertThat(consume(p, "alice").allowed()).isTrue();
		}
		double now = r.nowMillis();
		double ws = Math.floor(now / 1000) * 1000;
		RateLimitDecision refused = consume(p, "alice");
		assertThat(refused.allowed()).isFalse();
		// next window: 4 * (1 - e) + 1 <= 4 from e = 250 ms
		assertThat((double) refused.retryAfterMillis()).isBetween(ws + 1250 - now - 300, ws + 1250 - now + 1);
	}

	@Test
	void whenKeysAreWritten_thenTheyExpireOnceIdle() throws Exception {
		RateLimitPolicy gcra = policy(Algorithm.GCRA, "10/1s");
		RateLimitPolicy fixed = policy(Algorithm.FIXED_WINDOW, "5/300ms");
		RateLimitPolicy sliding = policy(Algorithm.SLIDING_WINDOW, "5/200ms");
		consume(gcra, "alice");
		consume(fixed, "alice");
		consume(sliding, "alice");
		assertThat(r.cmd.pttl(gcra.keys("alice").get(0))).isBetween(1L, 100L);
		assertThat(r.cmd.pttl(fixed.keys("alice").get(0))).isBetween(1L, 300L);
		assertThat(r.cmd.pttl(sliding.keys("alice").get(0))).isBetween(1L, 400L);
		Thread.sleep(450);
		assertThat(r.cmd.keys("tollgate:rl:*")).isEmpty();
	}

	@Test
	void whenACallerHasSeveralLimits_thenTheKeysAreExactAndShareOneClusterSlot() {
		RateLimitPolicy p = new RateLimitPolicy("orders-api", Algorithm.GCRA, LimitParser.parse("100/1s; 2000/1m"), 1,
				OnStoreFailure.LOCAL);
		consume(p, "principal:alice");
		assertThat(r.cmd.keys("*")).containsExactlyInAnyOrder(
				"tollgate:rl:{orders-api:principal:alice}:gcra:100-per-1s",
				"tollgate:rl:{orders-api:principal:alice}:gcra:2000-per-1m");
		assertThat(SlotHash.getSlot("tollgate:rl:{orders-api:principal:alice}:gcra:100-per-1s"))
			.isEqualTo(SlotHash.getSlot("tollgate:rl:{orders-api:principal:alice}:gcra:2000-per-1m"));
	}

}
