package io.tollgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import io.tollgate.gateway.admin.AdminHttp.Response;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

/**
 * An operator's whole journey, with the shipped defaults, on two replicas sharing one
 * Redis: everything is done through replica A's Admin API, and replica B's data port
 * serves it within a second. A plan, a consumer and its API key; an API published with
 * API-key auth and the consumer's plan as its rate limit; the consumer's calls, its quota
 * and its usage; the API deprecated, then retired; the key revoked; every step in the
 * audit with its actor.
 */
class ApiManagementLifecycleTest {

	static final Duration PROPAGATION = Duration.ofSeconds(1);

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static GatewayInstance a;

	static GatewayInstance b;

	@BeforeAll
	static void start() {
		String secret = "test-only-" + UUID.randomUUID() + UUID.randomUUID();
		a = replica("replica-a", secret);
		b = replica("replica-b", secret);
	}

	static GatewayInstance replica(String id, String secret) {
		return GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.property("tollgate.replica.id", id)
			.property("tollgate.api-keys.secret", secret)
			.start();
	}

	@AfterAll
	static void stop() {
		if (b != null) {
			b.close();
		}
		if (a != null) {
			a.close();
		}
	}

	static HttpResponse<String> call(GatewayInstance on, String path, String apiKey) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(on.baseUrl() + path))
			.timeout(Duration.ofSeconds(10));
		if (apiKey != null) {
			request.header("X-API-Key", apiKey);
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Milliseconds until {@code status} answers {@code expected}, failing after 1 s. */
	static long within(Duration max, IntSupplier status, int expected, String what) throws InterruptedException {
		long start = System.nanoTime();
		int last;
		while ((last = status.getAsInt()) != expected) {
			assertThat(System.nanoTime() - start).as("%s: still %d after %s", what, last, max)
				.isLessThan(max.toNanos());
			Thread.sleep(5);
		}
		return (System.nanoTime() - start) / 1_000_000;
	}

	@Test
	void publishConsumeMeterDeprecateRetireAndRevoke_throughTheAdminApi_servedByTheOtherReplica() throws Exception {
		AdminHttp admin = new AdminHttp(a.managementPort());
		String operator = idp.token("olivia", "tollgate:admin");
		List<Long> propagation = new ArrayList<>();

		// a plan, a consumer on it, and its key
		assertThat(admin.put("/admin/v1/plans/starter", operator, "{\"limits\":[\"5/1m\"]}").status()).isEqualTo(201);
		assertThat(admin.put("/admin/v1/consumers/acme", operator, "{\"name\":\"Acme\",\"plan\":\"starter\"}").status())
			.isEqualTo(201);
		Response issued = admin.post("/admin/v1/consumers/acme/keys", operator, "{\"name\":\"ci\"}");
		assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
		String key = issued.json().get("key").asString();
		String keyId = issued.json().get("id").asString();

		// an API: API keys only, limited by the consumer's plan
		String api = "{\"name\":\"Shop\",\"version\":\"v1\",\"basePath\":\"/shop/v1\",\"upstream\":\"" + upstream.url()
				+ "\",\"status\":\"published\",\"auth\":{\"mode\":\"api-key\"},\"rateLimit\":{\"fromPlan\":true}}";
		Response published = admin.put("/admin/v1/apis/shop-v1", operator, api);
		assertThat(published.status()).as(published.toString()).isEqualTo(201);
		propagation.add(
				within(PROPAGATION, () -> call(b, "/shop/v1/orders", key).statusCode(), 200, "published on replica B"));
		// written to A: A served it when the write answered
		assertThat(call(a, "/shop/v1/orders", key).statusCode()).isEqualTo(200);

		// the upstream learns the consumer, never the key
		assertThat(upstream.lastRequest().header("X-Consumer-Id")).isEqualTo("acme");
		assertThat(upstream.lastRequest().header("X-API-Key")).isNull();
		assertThat(call(b, "/shop/v1/orders", null).statusCode()).isEqualTo(401);
		assertThat(call(b, "/shop/v1/orders", "tg_" + "x".repeat(40)).statusCode()).isEqualTo(401);

		// one quota for the consumer across both replicas: 2 calls made, 3 left
		for (int i = 0; i < 3; i++) {
			GatewayInstance on = i % 2 == 0 ? a : b;
			HttpResponse<String> ok = call(on, "/shop/v1/orders/" + i, key);
			assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
			assertThat(ok.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("5-per-1m");
		}
		HttpResponse<String> limited = call(b, "/shop/v1/orders/x", key);
		assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After")).isPresent();
		JsonNode usage = admin.get("/admin/v1/consumers/acme/usage", operator).json();
		assertThat(usage.get("plan").asString()).isEqualTo("starter");
		assertThat(usage.get("limits").get(0).get("used").asLong()).isEqualTo(5);
		assertThat(usage.get("limits").get(0).get("remaining").asLong()).isZero();

		// a bigger plan lifts the quota at once, on both replicas
		assertThat(admin.put("/admin/v1/plans/starter", operator, "{\"limits\":[\"100/1m\"]}").status()).isEqualTo(200);
		propagation.add(within(PROPAGATION, () -> call(b, "/shop/v1/orders", key).statusCode(), 200,
				"the new plan on replica B"));

		// deprecated: the standard headers, on both replicas
		String deprecated = api.replace("\"status\":\"published\"",
				"\"status\":\"deprecated\",\"deprecatedAt\":\"2026-01-01T00:00:00Z\",\"sunsetAt\":\"2027-06-30T00:00:00Z\"");
		assertThat(admin.put("/admin/v1/apis/shop-v1", operator, deprecated).status()).isEqualTo(200);
		propagation.add(within(PROPAGATION,
				() -> call(b, "/shop/v1/orders", key).headers().firstValue("Deprecation").isPresent() ? 1 : 0, 1,
				"Deprecation on replica B"));
		HttpResponse<String> old = call(b, "/shop/v1/orders", key);
		assertThat(old.statusCode()).isEqualTo(200);
		assertThat(old.headers().firstValue("Deprecation")).hasValue("@1767225600");
		assertThat(old.headers().firstValue("Sunset")).hasValue("Wed, 30 Jun 2027 00:00:00 GMT");

		// retired: 410 without calling the upstream
		String retired = deprecated.replace("\"status\":\"deprecated\"", "\"status\":\"retired\"");
		assertThat(admin.put("/admin/v1/apis/shop-v1", operator, retired).status()).isEqualTo(200);
		propagation
			.add(within(PROPAGATION, () -> call(b, "/shop/v1/orders", key).statusCode(), 410, "retired on replica B"));
		long calls = upstream.requestCount();
		assertThat(call(a, "/shop/v1/orders", key).statusCode()).isEqualTo(410);
		assertThat(upstream.requestCount()).isEqualTo(calls);

		// published again, then the key revoked: refused on the other replica within 1 s
		assertThat(admin.put("/admin/v1/apis/shop-v1", operator, api).status()).isEqualTo(200);
		within(PROPAGATION, () -> call(b, "/shop/v1/orders", key).statusCode(), 200, "republished on replica B");
		assertThat(admin.delete("/admin/v1/consumers/acme/keys/" + keyId, operator).status()).isEqualTo(204);
		propagation
			.add(within(PROPAGATION, () -> call(b, "/shop/v1/orders", key).statusCode(), 401, "revoked on replica B"));
		assertThat(call(a, "/shop/v1/orders", key).statusCode()).isEqualTo(401);

		// every step audited, with its actor, and the chain intact
		JsonNode audit = admin.get("/admin/v1/audit?limit=20", operator).json().get("items");
		List<String> actions = new ArrayList<>();
		audit.forEach(e -> {
			assertThat(e.get("actor").asString()).isEqualTo("olivia");
			actions.add(e.get("action").asString() + " " + e.get("kind").asString());
		});
		assertThat(actions).contains("create plans", "create consumers", "issue-key keys", "create apis",
				"replace apis", "replace plans", "revoke-key keys");
		assertThat(audit.toString()).doesNotContain(key);
		assertThat(admin.get("/admin/v1/audit/verify", operator).json().get("intact").asBoolean()).isTrue();

		// both replicas report the global revision
		long revision = admin.get("/admin/v1/status", operator).json().get("revision").asLong();
		within(Duration.ofSeconds(3), () -> {
			JsonNode status = admin.get("/admin/v1/status", operator).json();
			int current = 0;
			for (JsonNode r : status.get("replicas")) {
				if (r.get("revision").asLong() == revision && r.get("lagMillis").asLong() == 0) {
					current++;
				}
			}
			return current;
		}, 2, "both replicas at revision " + revision);
		System.out.println("Admin API write on replica A to served on replica B, ms: " + propagation);
	}

}
