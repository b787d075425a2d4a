package io.tollgate.gateway.consumer;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.AuditLog;
import io.tollgate.gateway.registry.ChangeFeed;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagedTestSources;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.Write;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.LogCapture;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.RecordedRequest;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Consumers identified through real HTTP on two gateways sharing one Redis and one
 * management store: API keys issued, used, rotated, expired and revoked; JWT clients
 * mapped to consumers; the headers upstream sees; {@code key: consumer} in a static
 * {@code ClusterRateLimit}; usage read from the limiter's keys; floods of bad keys; and
 * no key secret in Redis or in the logs. All {@code tollgate.api-keys.*} properties but
 * the secret keep their defaults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class ConsumerIdentificationIntegrationTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static final String SECRET = "test-only-" + UUID.randomUUID() + UUID.randomUUID();

	/** Every key issued by this class, to look for afterwards in Redis and the logs. */
	final List<String> issued = new CopyOnWriteArrayList<>();

	LogCapture logs;

	GatewayInstance a;

	GatewayInstance b;

	ManagedResources resources;

	@BeforeAll
	void start() {
		this.a = gateway();
		this.b = gateway();
		// after the starts: each resets the logging system
		this.logs = LogCapture.start();
		this.resources = new ManagedResources(this.a, this.b);
		this.resources.plan("gold", "{\"limits\":[\"3/1m\",\"100/1mo\"]}");
		this.resources.plan("silver", "{\"limits\":[\"5/1h\"]}");
		this.resources.consumer("acme", "{\"name\":\"Acme\",\"plan\":\"gold\"}");
		this.resources.consumer("beta", "{\"name\":\"Beta\",\"plan\":\"silver\"}");
		this.resources.consumer("partner", "{\"clientIds\":[\"partner-app\",\"cli-app\"]}");
	}

	@AfterAll
	void stop() {
		if (this.a != null) {
			this.a.close();
		}
		if (this.b != null) {
			this.b.close();
		}
		if (this.logs != null) {
			this.logs.close();
		}
	}

	@BeforeEach
	void reset() {
		upstream.reset();
	}

	private GatewayInstance gateway() {
		String up = upstream.url();
		GatewayInstance.Builder builder = GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.property("tollgate.api-keys.secret", SECRET)
			.property("logging.level.io.tollgate", "DEBUG");
		route(builder, 0, "open", up, "/open/**", true);
		route(builder, 1, "secured", up, "/secured/**", false);
		route(builder, 2, "limited", up, "/limited/**", true, "limits", "3/1m", "key", "consumer", "budget",
				"plan:gold");
		route(builder, 3, "monthly", up, "/monthly/**", true, "limits", "100/1mo", "key", "consumer", "budget",
				"plan:gold", "algorithm", "fixed-window");
		route(builder, 4, "hourly", up, "/hourly/**", true, "limits", "5/1h", "key", "consumer", "budget",
				"plan:silver", "algorithm", "fixed-window");
		route(builder, 5, "scoped", up, "/scoped/**", false);
		builder.property("spring.cloud.gateway.server.webflux.routes[5].filters[0]", "RequireScopes=orders:read");
		return builder.start();
	}

	/**
	 * A route; with {@code limitArgs}, guarded by ClusterRateLimit with those arguments.
	 */
	static void route(GatewayInstance.Builder builder, int i, String id, String uri, String path, boolean open,
			String... limitArgs) {
		String r = "spring.cloud.gateway.server.webflux.routes[" + i + "].";
		builder.property(r + "id", id).property(r + "uri", uri).property(r + "predicates[0]", "Path=" + path);
		if (open) {
			builder.property(r + "metadata.public", "true");
		}
		if (limitArgs.length > 0) {
			builder.property(r + "filters[0].name", "ClusterRateLimit");
			for (int k = 0; k + 1 < limitArgs.length; k += 2) {
				builder.property(r + "filters[0].args." + limitArgs[k], limitArgs[k + 1]);
			}
		}
	}

	private String issue(GatewayInstance on, String consumer, Instant expiresAt) {
		IssuedKey key = on.bean(ApiKeyService.class).issue(consumer, "test", expiresAt, "tester", false).block();
		this.issued.add(key.key());
		return key.key();
	}

	private IssuedKey issueKey(GatewayInstance on, String consumer) {
		IssuedKey key = on.bean(ApiKeyService.class).issue(consumer, "test", null, "tester", false).block();
		this.issued.add(key.key());
		return key;
	}

	static int status(GatewayInstance on, String path, String apiKey) {
		return on.client().get().uri(path).headers(h -> {
			if (apiKey != null) {
				h.set("X-API-Key", apiKey);
			}
		}).exchange().expectBody().returnResult().getStatus().value();
	}

	static long await(Duration max, java.util.function.BooleanSupplier condition, String what)
			throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + max.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Not within " + max + ": " + what);
			}
			Thread.sleep(5);
		}
		return (System.nanoTime() - start) / 1_000_000;
	}

	@Test
	@Order(1)
	void whenKeyIssued_thenEveryReplicaIdentifiesTheConsumer_andUpstreamSeesConsumerIdButNoKey() {
		String key = issue(this.a, "acme", null);
		this.b.client()
			.get()
			.uri("/secured/orders")
			.header("X-API-Key", key)
			.header("X-Consumer-Id", "forged")
			.exchange()
			.expectStatus()
			.isOk();
		RecordedRequest seen = upstream.lastRequest();
		assertThat(seen.headers().get("x-consumer-id")).containsExactly("acme");
		assertThat(seen.headers()).doesNotContainKey("x-api-key");
		assertThat(status(this.a, "/secured/orders", key)).isEqualTo(200);
		assertThat(status(this.a, "/open/x", key)).isEqualTo(200);
		assertThat(upstream.lastRequest().headers().get("x-consumer-id")).containsExactly("acme");
	}

	@Test
	@Order(2)
	void whenKeyRevoked_thenTheOtherReplicaRefusesItWithinOneSecond() throws InterruptedException {
		IssuedKey key = issueKey(this.a, "acme");
		this.issued.add(key.key());
		assertThat(status(this.b, "/secured/x", key.key())).isEqualTo(200);
		long start = System.nanoTime();
		this.a.bean(ApiKeyService.class).revoke("acme", key.id(), "tester", false).block();
		long millis = await(Duration.ofSeconds(1), () -> status(this.b, "/secured/x", key.key()) == 401,
				"revoked key refused on the other replica");
		System.out.printf("revoke reached the other replica after %d ms (from the revoke call: %d ms)%n", millis,
				(System.nanoTime() - start) / 1_000_000);
		this.b.client()
			.get()
			.uri("/open/x")
			.header("X-API-Key", key.key())
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals("WWW-Authenticate", "ApiKey realm=\"tollgate\"")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The API key is not valid");
		assertThat(status(this.a, "/secured/x", key.key())).isEqualTo(401);
		assertThatThrownBy(() -> this.a.bean(ApiKeyService.class).revoke("acme", key.id(), "t", false).block())
			.isInstanceOfSatisfying(ManagementProblem.class, p -> assertThat(p.status()).isEqualTo(404));
	}

	@Test
	@Order(3)
	void whenKeyRotatedWithOverlap_thenOldWorksUntilTheOverlapEnds_andNewKeepsWorking() throws InterruptedException {
		IssuedKey old = issueKey(this.a, "acme");
		IssuedKey next = this.a.bean(ApiKeyService.class)
			.rotate("acme", old.id(), Duration.ofMillis(1500), "tester", false)
			.block();
		this.issued.add(next.key());
		assertThat(next.key()).isNotEqualTo(old.key());
		assertThat(next.name()).isEqualTo(old.name());
		long rotatedAt = System.nanoTime();
		assertThat(status(this.b, "/secured/x", old.key())).isEqualTo(200);
		assertThat(status(this.b, "/secured/x", next.key())).isEqualTo(200);
		await(Duration.ofSeconds(3), () -> status(this.b, "/secured/x", old.key()) == 401, "old key expired");
		long elapsed = (System.nanoTime() - rotatedAt) / 1_000_000;
		assertThat(elapsed).as("old key worked during the overlap").isGreaterThanOrEqualTo(1300);
		this.b.client()
			.get()
			.uri("/secured/x")
			.header("X-API-Key", old.key())
			.exchange()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The API key has expired");
		assertThat(status(this.b, "/secured/x", next.key())).isEqualTo(200);
		assertThat(status(this.a, "/secured/x", next.key())).isEqualTo(200);
		List<KeyInfo> listed = this.a.bean(ApiKeyService.class).list("acme").block();
		assertThat(listed).extracting(KeyInfo::id).contains(old.id(), next.id());
		assertThat(listed.stream().filter(k -> k.id().equals(old.id())).findFirst().get().expiresAt())
			.isBefore(Instant.now());
		assertThatThrownBy(() -> this.a.bean(ApiKeyService.class)
			.rotate("acme", old.id(), Duration.ofHours(1), "tester", false)
			.block()).isInstanceOfSatisfying(ManagementProblem.class, p -> assertThat(p.status()).isEqualTo(409));
	}

	@Test
	@Order(4)
	void whenKeyExpires_thenRefused() throws InterruptedException {
		String key = issue(this.a, "acme", Instant.now().plusMillis(1200));
		assertThat(status(this.b, "/secured/x", key)).isEqualTo(200);
		await(Duration.ofSeconds(3), () -> status(this.b, "/secured/x", key) == 401, "expired key refused");
		assertThatThrownBy(() -> this.a.bean(ApiKeyService.class)
			.issue("acme", null, Instant.now().minusSeconds(1), "tester", false)
			.block()).isInstanceOfSatisfying(ManagementProblem.class, p -> {
				assertThat(p.status()).isEqualTo(400);
				assertThat(p.errors()).extracting(e -> e.field()).containsExactly("expiresAt");
			});
	}

	@Test
	@Order(5)
	void whenJwtClientIsAConsumersClientId_thenThatConsumerIsIdentified() throws InterruptedException {
		String azp = idp.tokenBuilder().subject("alice").authorizedParty("partner-app").sign();
		this.b.client()
			.get()
			.uri("/secured/a")
			.header("Authorization", "Bearer " + azp)
			.header("X-Consumer-Id", "forged")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(upstream.lastRequest().headers().get("x-consumer-id")).containsExactly("partner");
		String clientId = idp.tokenBuilder().subject("bob").claim("client_id", "cli-app").sign();
		this.b.client()
			.get()
			.uri("/secured/b")
			.header("Authorization", "Bearer " + clientId)
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(upstream.lastRequest().headers().get("x-consumer-id")).containsExactly("partner");
		String unmapped = idp.tokenBuilder().subject("carol").authorizedParty("other-app").sign();
		this.b.client()
			.get()
			.uri("/secured/c")
			.header("Authorization", "Bearer " + unmapped)
			.header("X-Consumer-Id", "forged")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(upstream.lastRequest().headers()).doesNotContainKey("x-consumer-id");

		// the mapping follows the consumer's changes on every replica
		this.resources.consumer("partner", "{\"clientIds\":[\"cli-app\"]}");
		await(Duration.ofSeconds(1), () -> {
			this.b.client()
				.get()
				.uri("/secured/d")
				.header("Authorization", "Bearer " + azp)
				.exchange()
				.expectStatus()
				.isOk();
			return !upstream.lastRequest().headers().containsKey("x-consumer-id");
		}, "azp mapping removed");
		this.resources.consumer("partner", "{\"clientIds\":[\"partner-app\",\"cli-app\"]}");
	}

	@Test
	@Order(6)
	void whenBothBearerTokenAndApiKey_thenBadRequest() {
		String key = issue(this.a, "acme", null);
		String token = idp.tokenBuilder().subject("alice").authorizedParty("partner-app").sign();
		this.a.client()
			.get()
			.uri("/open/x")
			.header("Authorization", "Bearer " + token)
			.header("X-API-Key", key)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("invalid_request");
		this.a.client()
			.get()
			.uri("/open/x")
			.header("X-API-Key", key)
			.header("X-API-Key", key)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	@Order(7)
	void whenNoCredentials_thenSecuredRouteRefuses_andPublicRouteServesWithoutConsumer() {
		assertThat(status(this.a, "/secured/x", null)).isEqualTo(401);
		assertThat(status(this.a, "/scoped/x", issue(this.a, "acme", null))).as("scopes need a JWT").isEqualTo(401);
		assertThat(this.a.client()
			.get()
			.uri("/scoped/x")
			.header("Authorization", "Bearer " + idp.token("alice", "orders:read"))
			.exchange()
			.expectBody()
			.returnResult()
			.getStatus()
			.value()).isEqualTo(200);
		assertThat(status(this.a, "/open/x", null)).isEqualTo(200);
		assertThat(upstream.lastRequest().headers()).doesNotContainKey("x-consumer-id");
	}

	@Test
	@Order(8)
	void whenStaticRouteLimitsByConsumer_thenEachConsumerHasItsOwnBudget_andUsageReadsIt() {
		String acme = issue(this.a, "acme", null);
		String beta = issue(this.b, "beta", null);
		for (int i = 0; i < 3; i++) {
			assertThat(status(i % 2 == 0 ? this.a : this.b, "/limited/x", acme)).isEqualTo(200);
		}
		this.a.client()
			.get()
			.uri("/limited/x")
			.header("X-API-Key", acme)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(status(this.b, "/limited/x", beta)).isEqualTo(200);
		assertThat(status(this.b, "/limited/x", null)).as("no consumer, no budget").isEqualTo(401);
		assertThat(status(this.a, "/monthly/x", acme)).isEqualTo(200);
		assertThat(status(this.a, "/hourly/x", beta)).isEqualTo(200);
		assertThat(status(this.b, "/hourly/x", beta)).isEqualTo(200);

		ConsumerUsage usage = this.b.bean(UsageReader.class).usage("acme").block();
		assertThat(usage.plan()).isEqualTo("gold");
		assertThat(usage.limits()).hasSize(2);
		ConsumerUsage.LimitUsage perMinute = usage.limits().get(0);
		assertThat(perMinute.limit()).isEqualTo("3/1m");
		assertThat(perMinute.used()).isEqualTo(3);
		assertThat(perMinute.remaining()).isZero();
		assertThat(perMinute.resetSeconds()).isBetween(55L, 60L);
		ConsumerUsage.LimitUsage perMonth = usage.limits().get(1);
		assertThat(perMonth.limit()).isEqualTo("100/1mo");
		assertThat(perMonth.used()).isEqualTo(1);
		assertThat(perMonth.remaining()).isEqualTo(99);
		assertThat(perMonth.resetSeconds()).isBetween(1L, 31L * 86400);

		ConsumerUsage silver = this.a.bean(UsageReader.class).usage("beta").block();
		assertThat(silver.plan()).isEqualTo("silver");
		assertThat(silver.limits()).singleElement().satisfies(l -> {
			assertThat(l.used()).isEqualTo(2);
			assertThat(l.remaining()).isEqualTo(3);
			assertThat(l.resetSeconds()).isBetween(1L, 3600L);
		});
		assertThat(this.a.bean(UsageReader.class).usage("partner").block().limits()).isEmpty();
		assertThatThrownBy(() -> this.a.bean(UsageReader.class).usage("nobody").block())
			.isInstanceOfSatisfying(ManagementProblem.class, p -> assertThat(p.status()).isEqualTo(404));
	}

	@Test
	@Order(9)
	void whenMalformedKeysFlood_thenEachIsRefusedWithoutAnyLookupOrRedisCall() throws Exception {
		String good = issue(this.a, "acme", null);
		List<String> bad = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			switch (i % 4) {
				case 0 -> bad.add("tg_" + UUID.randomUUID());
				case 1 -> {
					// one character changed: a typo the checksum catches
					char typo = (char) ('a' + i % 26);
					bad.add(good.substring(0, 20) + (typo == good.charAt(20) ? 'Z' : typo) + good.substring(21));
				}
				case 2 -> bad.add(good.substring(0, good.length() - 1));
				default -> bad.add("x".repeat(i % 90 + 1));
			}
		}
		double lookups = lookups(this.b);
		long redisCalls = RedisStats.calls(redis);
		List<Integer> statuses = flood(this.b, bad);
		assertThat(statuses).hasSize(bad.size()).containsOnly(401);
		assertThat(lookups(this.b)).isEqualTo(lookups);
		long extra = RedisStats.calls(redis) - redisCalls;
		// no Redis command per key (that would be 400 or more); the background of two
		// replicas (heartbeats, probes, the sync's resync) goes on meanwhile
		assertThat(extra).as("Redis commands during %d bad keys", bad.size()).isLessThan(bad.size() / 2);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	@Order(10)
	void whenWellFormedRandomKeysFlood_thenLookupsStayWithinTheBudget_andARepeatedKeyIsLookedUpOnce() throws Exception {
		ApiKeyFormat format = new ApiKeyFormat(new SecureRandom());
		String random = format.generate();
		// the keys issued by earlier tests applied on b first: an application clears its
		// caches, and would let a second lookup of the same key through
		ManagedTestSources.awaitApplied(this.b, this.a.bean(ChangeFeed.class).revision().block());
		double before = lookups(this.b);
		assertThat(flood(this.b, IntStream.range(0, 200).mapToObj(i -> random).toList())).containsOnly(401);
		assertThat(lookups(this.b) - before).as("one random key repeated").isEqualTo(1);

		List<String> distinct = IntStream.range(0, 600).mapToObj(i -> format.generate()).toList();
		long redisCalls = RedisStats.calls(redis);
		before = lookups(this.b);
		long start = System.nanoTime();
		assertThat(flood(this.b, distinct)).containsOnly(401);
		double seconds = (System.nanoTime() - start) / 1e9;
		long made = (long) (lookups(this.b) - before);
		System.out.printf("%d distinct well-formed random keys in %.2f s: %d store lookups%n", distinct.size(), seconds,
				made);
		assertThat(made).isLessThanOrEqualTo(100 + (long) Math.ceil(seconds * 100)).isLessThan(distinct.size());
		// each lookup is one script call (EVALSHA and the HGET inside it): nothing else
		// per key, beside a few background commands (heartbeats, sync)
		assertThat(RedisStats.calls(redis) - redisCalls).isLessThan(2 * made + distinct.size() / 4);
		// a real key still works during and after the flood
		assertThat(status(this.b, "/secured/x", issue(this.a, "acme", null))).isEqualTo(200);
	}

	@Test
	@Order(11)
	void whenKeysListed_thenNoSecretAndLastUseAppearsWithinSeconds() throws Exception {
		IssuedKey key = issueKey(this.a, "beta");
		ApiKeyService service = this.b.bean(ApiKeyService.class);
		assertThat(service.list("beta").block()).filteredOn(k -> k.id().equals(key.id()))
			.singleElement()
			.satisfies(k -> {
				assertThat(k.lastUsedAt()).isNull();
				assertThat(k.prefix()).isEqualTo(key.key().substring(0, 10));
			});
		Instant before = Instant.now().minusMillis(5);
		assertThat(status(this.a, "/open/x", key.key())).isEqualTo(200);
		await(Duration.ofSeconds(3), () -> {
			KeyInfo info = service.list("beta").block().stream().filter(k -> k.id().equals(key.id())).findFirst().get();
			return info.lastUsedAt() != null && !info.lastUsedAt().isBefore(before);
		}, "last use listed on the other replica");
		Object stored = redis.command(redis.port(), "HGET", RedisLastUsedStore.KEY, key.id());
		assertThat(stored).isNotNull();
		// within the interval, further uses are not written again
		for (int i = 0; i < 20; i++) {
			assertThat(status(this.a, "/open/x", key.key())).isEqualTo(200);
		}
		Thread.sleep(1500);
		assertThat(redis.command(redis.port(), "HGET", RedisLastUsedStore.KEY, key.id())).isEqualTo(stored);
		assertThatThrownBy(() -> service.list("nobody").block()).isInstanceOfSatisfying(ManagementProblem.class,
				p -> assertThat(p.status()).isEqualTo(404));
	}

	@Test
	@Order(12)
	void whenDryRun_thenNothingIsWritten() {
		ApiKeyService service = this.a.bean(ApiKeyService.class);
		long revision = this.a.bean(ChangeFeed.class).revision().block();
		IssuedKey dry = service.issue("acme", "dry", null, "tester", true).block();
		assertThat(dry.key()).isEmpty();
		IssuedKey real = issueKey(this.a, "acme");
		long afterIssue = this.a.bean(ChangeFeed.class).revision().block();
		assertThat(afterIssue).isEqualTo(revision + 1);
		service.revoke("acme", real.id(), "tester", true).block();
		assertThat(service.rotate("acme", real.id(), Duration.ofSeconds(5), "tester", true).block().key()).isEmpty();
		assertThat(this.a.bean(ChangeFeed.class).revision().block()).isEqualTo(afterIssue);
		assertThat(status(this.a, "/open/x", real.key())).isEqualTo(200);
		assertThat(service.list("acme").block()).extracting(KeyInfo::id).doesNotContain(dry.id());
	}

	@Test
	@Order(13)
	void whenConsumerDeleted_thenItsKeysAreRefused() throws InterruptedException {
		this.resources.consumer("gone", "{}");
		String key = issue(this.a, "gone", null);
		assertThat(status(this.b, "/open/x", key)).isEqualTo(200);
		this.resources.delete(Kind.CONSUMERS, "gone");
		await(Duration.ofSeconds(1), () -> status(this.b, "/open/x", key) == 401, "key of deleted consumer");
		assertThat(this.a.bean(ConsumerKeys.class).deletesFor("gone").block()).hasSize(1);
	}

	@Test
	@Order(14)
	void whenKeyRecordsAreWrittenToTheStoreBehindTheApi_thenOnlyValidOnesAreAccepted() throws InterruptedException {
		ApiKeyFormat format = new ApiKeyFormat(new SecureRandom());
		String valid = format.generate();
		String tampered = format.generate();
		this.issued.add(valid);
		this.issued.add(tampered);
		ApiKeyHasher hasher = new ApiKeyHasher(SECRET);
		String good = "{\"consumer\":\"acme\",\"prefix\":\"" + valid.substring(0, 10) + "\",\"keyHash\":\""
				+ hasher.hash(valid) + "\",\"createdAt\":\"2026-01-01T00:00:00Z\"}";
		String bad = "{\"consumer\":\"acme\",\"prefix\":\"" + tampered.substring(0, 10) + "\",\"keyHash\":\""
				+ hasher.hash(tampered) + "\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"scope\":\"admin\"}";
		for (String[] r : new String[][] { { "written1", good, hasher.hash(valid) },
				{ "written2", bad, hasher.hash(tampered) } }) {
			this.resources.commit(Batch.of("redis-cli", "replace",
					Write.put(Kind.KEYS, r[0], r[1], Precondition.any(), Set.of("keyHash:" + r[2]), null, null)));
		}
		assertThat(status(this.b, "/open/x", valid)).isEqualTo(200);
		assertThat(status(this.b, "/open/x", tampered)).isEqualTo(401);
	}

	@Test
	@Order(100)
	void noKeySecretIsStoredInRedisOrWrittenToTheLog(CapturedOutput output) throws Exception {
		assertThat(this.issued).hasSizeGreaterThan(10);
		String dump = RedisStats.dumpEverything(redis);
		assertThat(dump).contains(RedisLastUsedStore.KEY).contains("tollgate:rl:");
		for (String key : this.issued) {
			assertThat(dump).doesNotContain(key).doesNotContain(key.substring(10));
		}
		assertThat(dump).doesNotContain(SECRET);
		String json = this.a.bean(ChangeFeed.class).snapshot().block().toString();
		for (String key : this.issued) {
			assertThat(json).doesNotContain(key.substring(10));
		}
		String audit = this.a.bean(AuditLog.class).latest(10_000).block().toString();
		assertThat(audit).contains("issue-key", "revoke-key", "rotate-key").doesNotContain("keyHash");
		for (String key : this.issued) {
			assertThat(audit).doesNotContain(key.substring(10));
		}
		List<String> lines = new ArrayList<>(this.logs.events().stream().map(e -> e.getFormattedMessage()).toList());
		assertThat(lines).isNotEmpty();
		assertThat(output.getAll()).contains("Netty started on port");
		lines.add(output.getAll());
		for (String line : lines) {
			assertThat(line).doesNotContain(SECRET);
			for (String key : this.issued) {
				assertThat(line).doesNotContain(key.substring(10));
			}
		}
	}

	/** Store lookups of API keys this replica has made (each one Redis round trip). */
	static double lookups(GatewayInstance on) {
		io.micrometer.core.instrument.Counter counter = on.bean(MeterRegistry.class)
			.find("tollgate.api-keys.lookups")
			.counter();
		return counter == null ? 0 : counter.count();
	}

	/** Sends one request per key to {@code /open/flood}, 32 at a time; the statuses. */
	static List<Integer> flood(GatewayInstance on, List<String> keys) {
		WebClient client = WebClient.create(on.baseUrl());
		return Flux.fromIterable(keys)
			.flatMap(k -> client.get()
				.uri("/open/flood")
				.header("X-API-Key", k)
				.exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())), 32)
			.collectList()
			.block(Duration.ofSeconds(60));
	}

}
