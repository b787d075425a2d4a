package io.tollgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.net.TcpProxy;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * Exactness with the shipped defaults of every property involved (timeout, failure
 * threshold, probe, on-store-failure {@code local}): two freshly started replicas share
 * one Redis, and a burst of concurrent requests for every algorithm arrives the moment
 * they are up: right after start, under full GCs, and on a Redis a few milliseconds away.
 * Exactly the limit is admitted, and refused requests learn the true wait.
 */
class ClusterRateLimitExactnessTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static final int LIMIT = 20;

	static final int BURST = 120;

	final List<GatewayInstance> replicas = new ArrayList<>();

	TcpProxy proxy;

	@BeforeEach
	void fresh() {
		redis.flushAll();
	}

	@AfterEach
	void stop() {
		this.replicas.forEach(GatewayInstance::close);
		this.replicas.clear();
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	static List<LimitedRoute> routes() {
		return List.of(LimitedRoute.of("gcra", LIMIT + "/10m", "global"),
				LimitedRoute.of("fixed", LIMIT + "/10m", "global").arg("algorithm", "fixed-window"),
				LimitedRoute.of("sliding", LIMIT + "/10m", "global").arg("algorithm", "sliding-window"));
	}

	void startReplicas(String redisUrl) {
		for (int i = 0; i < 2; i++) {
			GatewayInstance.Builder b = GatewayInstance.builder().property("spring.data.redis.url", redisUrl);
			this.replicas.add(LimitedRoute.addAll(b, upstream.uri().toString(), routes()).start());
		}
	}

	/**
	 * Every route's burst at once, spread over both replicas; returns the answers per
	 * route.
	 */
	List<List<Http.Res>> burst() {
		List<List<CompletableFuture<Http.Res>>> sent = new ArrayList<>();
		for (LimitedRoute route : routes()) {
			sent.add(new ArrayList<>());
		}
		for (int i = 0; i < BURST; i++) {
			for (int r = 0; r < routes().size(); r++) {
				String url = this.replicas.get(i % 2).baseUrl() + "/" + routes().get(r).id + "/x";
				sent.get(r).add(Http.sendAsync(url));
			}
		}
		List<List<Http.Res>> out = new ArrayList<>();
		for (List<CompletableFuture<Http.Res>> route : sent) {
			out.add(Http.all(route));
		}
		return out;
	}

	/** Redis' clock in ms (the clock the limiter decides by). */
	static double redisNowMillis() throws Exception {
		String time = redis.command(redis.port(), "TIME").toString();
		String[] parts = time.replaceAll("[\\[\\] ]", "").split(",");
		return Long.parseLong(parts[0]) * 1000.0 + Long.parseLong(parts[1]) / 1000.0;
	}

	/**
	 * Fixed and sliding windows restart at a 10-minute boundary: a burst must not
	 * straddle one.
	 */
	static void awayFromAWindowEdge() throws Exception {
		double period = Duration.ofMinutes(10).toMillis();
		double now = redisNowMillis();
		double toEdge = Math.floor(now / period) * period + period - now;
		if (toEdge < 60_000) {
			Thread.sleep((long) toEdge + 200);
		}
	}

	void assertExact(List<List<Http.Res>> answers, double burstStartMillis, double burstEndMillis) {
		for (int r = 0; r < routes().size(); r++) {
			String route = routes().get(r).id;
			List<Http.Res> res = answers.get(r);
			assertThat(res).as(route + ": every answer is 200 or 429")
				.allMatch(x -> x.status() == 200 || x.status() == 429);
			assertThat(res.stream().filter(x -> x.status() == 200).count()).as(route + ": admitted").isEqualTo(LIMIT);
			// each refusal was decided within the burst: its true wait lies between the
			// waits
			// at the burst's end and at its start
			long earliest = expectedRetryAfterSeconds(route, burstStartMillis, burstEndMillis);
			long latest = expectedRetryAfterSeconds(route, burstStartMillis, burstStartMillis);
			for (Http.Res refused : res.stream().filter(x -> x.status() == 429).toList()) {
				long retryAfter = Long.parseLong(refused.header("Retry-After"));
				assertThat(retryAfter)
					.as(route + ": the true wait, not a replica's share (burst took %.0f ms)",
							burstEndMillis - burstStartMillis)
					.isBetween(earliest - 1, latest + 1);
			}
		}
	}

	/**
	 * The wait a request refused at {@code now} is told, for {@code LIMIT/10m} once LIMIT
	 * units went at or after {@code start}.
	 */
	static long expectedRetryAfterSeconds(String route, double start, double now) {
		double period = Duration.ofMinutes(10).toMillis();
		double windowEnd = Math.floor(start / period) * period + period;
		double wait = switch (route) {
			case "gcra" -> period / LIMIT - (now - start);
			case "fixed" -> windowEnd - now;
			// the current window is full; admitted once its weight has slid out to
			// (LIMIT-1)/LIMIT
			default -> windowEnd - now + period / LIMIT;
		};
		return (long) Math.ceil(wait / 1000);
	}

	@Test
	void whenABurstArrivesRightAfterStart_andUnderFullGCs_thenExactlyTheLimitIsAdmittedWithTheTrueRetryAfter()
			throws Exception {
		awayFromAWindowEdge();
		startReplicas(redis.url());
		AtomicBoolean bursting = new AtomicBoolean(true);
		List<Long> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
		Thread gc = new Thread(() -> {
			// a full collection every 50 ms while the burst is in flight: stop-the-world
			// pauses
			// for the gateways, their Redis client and every timer
			running.countDown();
			while (bursting.get()) {
				long t = System.nanoTime();
				System.gc();
				pauses.add((System.nanoTime() - t) / 1_000_000);
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		double start = redisNowMillis();
		gc.start();
		running.await();
		List<List<Http.Res>> answers;
		try {
			answers = burst();
		}
		finally {
			bursting.set(false);
			gc.join();
		}
		assertThat(pauses).as("full GCs during the burst (ms)").isNotEmpty();
		System.out.println("Full GC pauses during the burst (ms): " + pauses);
		assertExact(answers, start, redisNowMillis());
	}

	@Test
	void whenRedisIsAFewMillisecondsAway_thenExactlyTheLimitIsAdmitted() throws Exception {
		this.proxy = TcpProxy.to(redis.port());
		this.proxy.setDelay(Duration.ofMillis(2)); // a round trip takes 4 ms and more
		awayFromAWindowEdge();
		startReplicas("redis://" + this.proxy.host() + ":" + this.proxy.port());
		double start = redisNowMillis();
		List<List<Http.Res>> answers = burst();
		assertExact(answers, start, redisNowMillis());
	}

}
