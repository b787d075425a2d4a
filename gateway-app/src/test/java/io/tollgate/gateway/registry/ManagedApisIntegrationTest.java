package io.tollgate.gateway.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;

import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.gateway.support.Route;
import io.tollgate.policy.circuitbreaker.SharedCircuitBreakers;
import io.tollgate.policy.route.RouteStateJanitor;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Managed APIs through real HTTP: a running gateway with a real Redis, real signed JWTs
 * and real upstreams; definitions go through the gateway's own codec into its store and
 * reach the index as a replica's sync applies them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagedApisIntegrationTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	@RegisterExtension
	static final TestUpstream other = new TestUpstream();

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	GatewayInstance gateway;

	String acmeKey;

	String globexKey;

	String nobodyKey;

	@BeforeAll
	void start() {
		String up = upstream.url();
		this.gateway = ManagedTestSources.gateway()
			.redis(redis)
			.jwt(idp)
			.route(Route.id("static").uri(up).path("/static/**").publicRoute())
			.route(Route.id("lane-special")
				.uri(up)
				.path("/lane/special/**")
				.publicRoute()
				.filter("AddRequestHeader=X-Lane, static"))
			.route(Route.id("static-breaker")
				.uri(up)
				.path("/sb/**")
				.publicRoute()
				.filter("SharedCircuitBreaker=shared-x"))
			.start();
		// real consumers with real keys: acme (also the JWT client acme-app), globex, and
		// nobody (without a plan)
		ManagedTestSources.consumer(this.gateway, "acme", "{\"clientIds\":[\"acme-app\"]}");
		ManagedTestSources.consumer(this.gateway, "globex", "{}");
		ManagedTestSources.consumer(this.gateway, "nobody", "{}");
		this.acmeKey = ManagedTestSources.issueKey(this.gateway, "acme");
		this.globexKey = ManagedTestSources.issueKey(this.gateway, "globex");
		this.nobodyKey = ManagedTestSources.issueKey(this.gateway, "nobody");
	}

	@AfterAll
	void stop() {
		this.gateway.close();
	}

	@BeforeEach
	void reset() {
		upstream.reset();
		other.reset();
	}

	// --- helpers

	static String api(String basePath, String upstreamUrl, String status, String auth, String... extra) {
		StringBuilder sb = new StringBuilder("{\"name\":\"Test\",\"version\":\"v1\",\"basePath\":\"").append(basePath)
			.append("\",\"upstream\":\"")
			.append(upstreamUrl)
			.append("\",\"status\":\"")
			.append(status)
			.append("\",\"auth\":")
			.append(auth);
		for (String e : extra) {
			sb.append(',').append(e);
		}
		return sb.append('}').toString();
	}

	static final String PUBLIC = "{\"mode\":\"public\"}";

	ApiDefinition put(String id, String json) {
		return ManagedTestSources.put(this.gateway, id, json);
	}

	HttpResponse<String> get(String path, String... headers) {
		try {
			HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(this.gateway.baseUrl() + path))
				.timeout(Duration.ofSeconds(10));
			for (int i = 0; i < headers.length; i += 2) {
				b.header(headers[i], headers[i + 1]);
			}
			return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	String bearer(String... scopes) {
		return "Bearer " + idp.token("alice", scopes);
	}

	static void eventually(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Not within 5s: " + what);
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	static void assertProblem(HttpResponse<String> r, int status) {
		assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
		assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(r.body()).contains("\"status\":" + status);
	}

	// --- lifecycle

	@Test
	void draftIsNotServed_publishedIs_andAnUnknownPathIsA404() {
		put("shop-v1", api("/shop/v1", upstream.url(), "draft", PUBLIC));
		HttpResponse<String> draft = get("/shop/v1/items");
		assertProblem(draft, 404);
		assertThat(draft.body()).contains("No route matches this request");
		assertThat(upstream.requestCount()).isZero();

		put("shop-v1", api("/shop/v1", upstream.url(), "published", PUBLIC));
		HttpResponse<String> served = get("/shop/v1/items?page=2");
		assertThat(served.statusCode()).isEqualTo(200);
		assertThat(upstream.lastRequest().path()).isEqualTo("/shop/v1/items");
		assertThat(upstream.lastRequest().query()).isEqualTo("page=2");
		assertProblem(get("/shop/v10/items"), 404);
		assertProblem(get("/shop"), 404);
	}

	@Test
	void deprecatedApi_answersWithDeprecationSunsetAndSuccessorLink() {
		put("dep-v2", api("/dep/v2", upstream.url(), "published", PUBLIC));
		put("dep-v1", api("/dep/v1", upstream.url(), "deprecated", PUBLIC, "\"deprecatedAt\":\"2026-01-01T00:00:00Z\"",
				"\"sunsetAt\":\"2026-03-05T08:00:00+00:00\"", "\"successor\":\"dep-v2\""));
		HttpResponse<String> r = get("/dep/v1/orders");
		assertThat(r.statusCode()).isEqualTo(200);
		assertThat(r.headers().allValues("Deprecation")).containsExactly("@1767225600");
		assertThat(r.headers().allValues("Sunset")).containsExactly("Thu, 05 Mar 2026 08:00:00 GMT");
		assertThat(r.headers().allValues("Link")).containsExactly("</dep/v2>; rel=\"successor-version\"");
		assertThat(upstream.lastRequest().path()).isEqualTo("/dep/v1/orders");

		HttpResponse<String> current = get("/dep/v2/orders");
		assertThat(current.headers().firstValue("Deprecation")).isEmpty();
		assertThat(current.headers().firstValue("Sunset")).isEmpty();
		assertThat(current.headers().firstValue("Link")).isEmpty();

		// a successor that is not served is not linked
		put("dep-v2", api("/dep/v2", upstream.url(), "draft", PUBLIC));
		HttpResponse<String> noLink = get("/dep/v1/orders");
		assertThat(noLink.headers().firstValue("Link")).isEmpty();
		assertThat(noLink.headers().firstValue("Deprecation")).hasValue("@1767225600");
	}

	@Test
	void deprecationHeaders_alsoOnTheApisOwnRefusals() {
		put("dep-auth", api("/dep-auth", upstream.url(), "deprecated", "{\"mode\":\"jwt\"}",
				"\"deprecatedAt\":\"2026-01-01T00:00:00Z\""));
		HttpResponse<String> r = get("/dep-auth/x");
		assertProblem(r, 401);
		assertThat(r.headers().firstValue("Deprecation")).hasValue("@1767225600");
	}

	@Test
	void retiredApi_answers410Gone_withoutCallingTheUpstream() {
		put("ret-v2", api("/ret/v2", upstream.url(), "published", PUBLIC));
		SharedCircuitBreakers breakers = this.gateway.bean(SharedCircuitBreakers.class);
		put("ret-v1", api("/ret/v1", upstream.url(), "published", "{\"mode\":\"jwt\"}", "\"circuitBreaker\":{}"));
		assertThat(breakers.get("ret-v1")).isNotNull();
		put("ret-v1",
				api("/ret/v1", upstream.url(), "retired", "{\"mode\":\"jwt\"}",
						"\"deprecatedAt\":\"2025-01-01T00:00:00Z\"", "\"sunsetAt\":\"2025-06-01T00:00:00Z\"",
						"\"successor\":\"ret-v2\"", "\"circuitBreaker\":{}"));
		eventually(() -> breakers.get("ret-v1") == null, "a retired API holds no breaker");
		HttpResponse<String> r = get("/ret/v1/orders");
		assertProblem(r, 410);
		assertThat(r.body()).contains("\"title\":\"Gone\"",
				"API 'Test v1' has been retired; its successor is at /ret/v2", "\"successor\":\"/ret/v2\"");
		assertThat(r.headers().firstValue("Link")).hasValue("</ret/v2>; rel=\"successor-version\"");
		assertThat(r.headers().firstValue("Sunset")).hasValue("Sun, 01 Jun 2025 00:00:00 GMT");
		assertThat(upstream.requestCount()).isZero();
	}

	// --- forwarding

	@Test
	void stripBasePath_andTheUpstreamsOwnPath() {
		put("strip", api("/strip/v1", upstream.url() + "/base", "published", PUBLIC, "\"stripBasePath\":true"));
		get("/strip/v1/items/7?q=1&x=%20y");
		assertThat(upstream.lastRequest().path()).isEqualTo("/base/items/7");
		assertThat(upstream.lastRequest().query()).isEqualTo("q=1&x=%20y");
		assertThat(upstream.lastRequest().header("host")).isEqualTo("127.0.0.1:" + upstream.port());
		get("/strip/v1");
		assertThat(upstream.lastRequest().path()).isEqualTo("/base");
		get("/strip/v1/");
		assertThat(upstream.lastRequest().path()).isEqualTo("/base/");
		// encoded as it came (Spring Security's firewall refuses an encoded slash on
		// every route)
		HttpResponse<String> encoded = get("/strip/v1/a%20b/%C3%A4");
		assertThat(encoded.statusCode()).as(encoded.body()).isEqualTo(200);
		assertThat(upstream.lastRequest().path()).isEqualTo("/base/a%20b/%C3%A4");
		get("/str%69p/v1/decoded");
		assertThat(upstream.lastRequest().path()).isEqualTo("/base/decoded");

		put("nostrip", api("/nostrip", upstream.url() + "/base/", "published", PUBLIC));
		get("/nostrip/items");
		assertThat(upstream.lastRequest().path()).isEqualTo("/base/nostrip/items");
		get("/nostrip");
		assertThat(upstream.lastRequest().path()).isEqualTo("/base/nostrip");
	}

	@Test
	void staticRoutes_areMatchedFirst_andKeepWorkingBesideManagedApis() {
		put("lane", api("/lane", other.url(), "published", PUBLIC));
		assertThat(get("/lane/special/x").statusCode()).isEqualTo(200);
		assertThat(upstream.lastRequest().header("x-lane")).isEqualTo("static");
		assertThat(other.requestCount()).isZero();
		assertThat(get("/lane/other").statusCode()).isEqualTo(200);
		assertThat(other.lastRequest().header("x-lane")).isNull();
		assertThat(get("/static/hello").statusCode()).isEqualTo(200);
		assertThat(upstream.lastRequest().path()).isEqualTo("/static/hello");
	}

	// --- auth modes

	@Test
	void jwtMode_needsAValidTokenWithTheScopes() {
		put("auth-jwt", api("/auth-jwt", upstream.url(), "published", "{\"mode\":\"jwt\",\"scopes\":[\"shop:read\"]}"));
		HttpResponse<String> none = get("/auth-jwt/x");
		assertProblem(none, 401);
		assertThat(none.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");
		HttpResponse<String> noScope = get("/auth-jwt/x", "Authorization", bearer("other"));
		assertProblem(noScope, 403);
		assertThat(noScope.headers().firstValue("WWW-Authenticate").orElseThrow())
			.contains("error=\"insufficient_scope\"", "scope=\"shop:read\"");
		assertThat(get("/auth-jwt/x", "Authorization", "Bearer not.a.token").statusCode()).isEqualTo(401);
		assertProblem(get("/auth-jwt/x", "X-API-Key", this.acmeKey), 401);
		assertThat(upstream.requestCount()).isZero();
		assertThat(get("/auth-jwt/x", "Authorization", bearer("shop:read", "other")).statusCode()).isEqualTo(200);
		assertThat(upstream.requestCount()).isEqualTo(1);
	}

	@Test
	void apiKeyMode_needsAConsumersKey() {
		put("auth-key", api("/auth-key", upstream.url(), "published", "{\"mode\":\"api-key\"}"));
		HttpResponse<String> none = get("/auth-key/x");
		assertProblem(none, 401);
		assertThat(none.headers().allValues("WWW-Authenticate")).containsExactly("ApiKey header=\"X-API-Key\"");
		assertThat(none.body()).contains("An API key is required");
		HttpResponse<String> jwt = get("/auth-key/x", "Authorization", bearer("shop:read"));
		assertProblem(jwt, 401);
		assertThat(jwt.body()).contains("accepts API keys only");
		assertProblem(get("/auth-key/x", "X-API-Key", "unknown"), 401);
		assertThat(upstream.requestCount()).isZero();
		assertThat(get("/auth-key/x", "X-API-Key", this.acmeKey).statusCode()).isEqualTo(200);
		assertThat(upstream.lastRequest().header("x-api-key")).isNull();
	}

	@Test
	void jwtOrApiKeyMode_takesEither_scopesApplyingToTokens() {
		put("auth-either", api("/auth-either", upstream.url(), "published",
				"{\"mode\":\"jwt-or-api-key\",\"scopes\":[\"shop:write\"]}"));
		HttpResponse<String> none = get("/auth-either/x");
		assertProblem(none, 401);
		assertThat(none.headers().allValues("WWW-Authenticate")).containsExactly("Bearer",
				"ApiKey header=\"X-API-Key\"");
		assertProblem(get("/auth-either/x", "Authorization", bearer("shop:read")), 403);
		assertThat(upstream.requestCount()).isZero();
		assertThat(get("/auth-either/x", "Authorization", bearer("shop:write")).statusCode()).isEqualTo(200);
		assertThat(get("/auth-either/x", "X-API-Key", this.acmeKey).statusCode()).isEqualTo(200);
		assertThat(upstream.requestCount()).isEqualTo(2);
	}

	@Test
	void publicMode_takesAnyone() {
		put("auth-public", api("/auth-public", upstream.url(), "published", PUBLIC));
		assertThat(get("/auth-public/x").statusCode()).isEqualTo(200);
		assertThat(get("/auth-public/x", "X-API-Key", this.acmeKey).statusCode()).isEqualTo(200);
		assertThat(get("/auth-public/x", "Authorization", bearer()).statusCode()).isEqualTo(200);
	}

	// --- rate limits

	@Test
	void ownLimits_areEnforcedInRedis_underTheApisRouteId() throws Exception {
		put("limited", api("/limited", upstream.url(), "published", PUBLIC, "\"rateLimit\":{\"limits\":[\"3/1m\"]}"));
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> ok = get("/limited/x");
			assertThat(ok.statusCode()).isEqualTo(200);
			assertThat(ok.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("3-per-1m");
		}
		HttpResponse<String> limited = get("/limited/x");
		assertProblem(limited, 429);
		assertThat(limited.headers().firstValue("Retry-After")).isPresent();
		assertThat(upstream.requestCount()).isEqualTo(3);
		assertThat(redis.command(redis.port(), "EXISTS", "tollgate:rl:{api:limited:ip:127.0.0.1}:gcra:3-per-1m"))
			.isEqualTo(1L);
		assertThat(ratelimitsEndpoint()).contains("\"api:limited\"");
	}

	@Test
	void planLimits_giveEachConsumerOneQuotaAcrossEveryApiOfItsPlan() throws Exception {
		ManagedTestSources.plan(this.gateway, "gold", "{\"limits\":[\"2/1m\"]}");
		ManagedTestSources.consumer(this.gateway, "acme", "{\"plan\":\"gold\",\"clientIds\":[\"acme-app\"]}");
		put("plan-a", api("/plan-a", upstream.url(), "published", "{\"mode\":\"api-key\"}",
				"\"rateLimit\":{\"fromPlan\":true}"));
		put("plan-b", api("/plan-b", upstream.url(), "published", "{\"mode\":\"jwt-or-api-key\"}",
				"\"rateLimit\":{\"fromPlan\":true}"));
		assertThat(get("/plan-a/x", "X-API-Key", this.acmeKey).statusCode()).isEqualTo(200);
		// the same consumer, identified by its JWT client this time, on another API
		String acmeToken = "Bearer " + idp.tokenBuilder().subject("svc").authorizedParty("acme-app").sign();
		assertThat(get("/plan-b/x", "Authorization", acmeToken).statusCode()).isEqualTo(200);
		HttpResponse<String> limited = get("/plan-a/x", "X-API-Key", this.acmeKey);
		assertProblem(limited, 429);
		assertThat(limited.body()).contains("2-per-1m");
		assertThat(redis.command(redis.port(), "EXISTS", "tollgate:rl:{plan:gold:consumer:acme}:gcra:2-per-1m"))
			.isEqualTo(1L);

		// another consumer of the plan has its own quota
		ManagedTestSources.consumer(this.gateway, "globex", "{\"plan\":\"gold\"}");
		assertThat(get("/plan-a/x", "X-API-Key", this.globexKey).statusCode()).isEqualTo(200);

		// a consumer without a plan, a caller that is no consumer
		assertProblem(get("/plan-a/x", "X-API-Key", this.nobodyKey), 403);
		assertProblem(get("/plan-b/x", "Authorization", bearer()), 403);

		// a new revision of the plan is enforced at once
		ManagedTestSources.plan(this.gateway, "gold", "{\"limits\":[\"5/1m\",\"1000/1mo\"]}");
		assertThat(get("/plan-a/x", "X-API-Key", this.acmeKey).statusCode()).isEqualTo(200);
		assertThat(redis.command(redis.port(), "EXISTS",
				"tollgate:rl:{plan:gold:consumer:acme}:fixed-window:1000-per-1mo"))
			.isEqualTo(1L);

		// another plan is another quota, at once
		ManagedTestSources.plan(this.gateway, "platinum", "{\"limits\":[\"1000/1m\"]}");
		ManagedTestSources.consumer(this.gateway, "acme", "{\"plan\":\"platinum\",\"clientIds\":[\"acme-app\"]}");
		for (int i = 0; i < 6; i++) {
			assertThat(get("/plan-a/x", "X-API-Key", this.acmeKey).statusCode()).isEqualTo(200);
		}
		assertThat(redis.command(redis.port(), "EXISTS", "tollgate:rl:{plan:platinum:consumer:acme}:gcra:1000-per-1m"))
			.isEqualTo(1L);
	}

	// --- circuit breaker

	@Test
	void circuitBreaker_opensOnUpstreamFailures_andIsReleasedWithTheApi() {
		other.respondWith(500);
		put("fragile", api("/fragile", other.url(), "published", PUBLIC,
				"\"circuitBreaker\":{\"minimumCalls\":4,\"slidingWindow\":\"10s\",\"waitInOpen\":\"30s\"}"));
		SharedCircuitBreakers breakers = this.gateway.bean(SharedCircuitBreakers.class);
		assertThat(breakers.get("fragile")).isNotNull();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		HttpResponse<String> r;
		do {
			r = get("/fragile/x");
		}
		while (r.statusCode() == 500 && System.nanoTime() < deadline);
		assertProblem(r, 503);
		assertThat(r.body()).contains("Circuit Breaker Open", "\"breaker\":\"fragile\"");
		long calls = other.requestCount();
		assertProblem(get("/fragile/x"), 503);
		assertThat(other.requestCount()).isEqualTo(calls);

		ManagedTestSources.delete(this.gateway, "fragile");
		assertProblem(get("/fragile/x"), 404);
		eventually(() -> breakers.get("fragile") == null, "the deleted API's breaker is dropped");
	}

	@Test
	void aBreakerNameUsedElsewhereWithOtherSettings_makesTheApiAnswer503UntilFixed() {
		assertThat(get("/sb/warm").statusCode()).isEqualTo(200);
		put("conflict", api("/conflict", upstream.url(), "published", PUBLIC,
				"\"circuitBreaker\":{\"name\":\"shared-x\",\"minimumCalls\":7}"));
		HttpResponse<String> r = get("/conflict/x");
		assertProblem(r, 503);
		assertThat(r.body()).contains("cannot be served").doesNotContain("shared-x");
		assertThat(upstream.requestCount()).isEqualTo(1);
		put("conflict",
				api("/conflict", upstream.url(), "published", PUBLIC, "\"circuitBreaker\":{\"name\":\"shared-x\"}"));
		assertThat(get("/conflict/x").statusCode()).isEqualTo(200);
	}

	// --- changes at run time

	@Test
	void anApiChangedOrDeletedAtRunTime_isServedAccordinglyAtOnce() {
		put("moving", api("/moving", upstream.url(), "published", PUBLIC));
		get("/moving/x");
		assertThat(upstream.requestCount()).isEqualTo(1);
		put("moving", api("/moving", other.url(), "published", PUBLIC));
		get("/moving/x");
		assertThat(other.requestCount()).isEqualTo(1);
		put("moving", api("/moved", other.url(), "published", PUBLIC));
		assertProblem(get("/moving/x"), 404);
		assertThat(get("/moved/x").statusCode()).isEqualTo(200);
		ManagedTestSources.delete(this.gateway, "moving");
		assertProblem(get("/moved/x"), 404);
		assertThat(this.gateway.bean(MeterRegistry.class).find(ApiMetrics.REQUESTS).tag("api", "moving").meters())
			.isEmpty();
	}

	@Test
	void perRouteStateOfALimiterOrBreakerTheApiDrops_isReleased() {
		String both = "\"rateLimit\":{\"limits\":[\"100/1m\"]},\"circuitBreaker\":{}";
		SharedCircuitBreakers breakers = this.gateway.bean(SharedCircuitBreakers.class);
		put("stateful", api("/stateful", upstream.url(), "published", PUBLIC, both));
		assertThat(get("/stateful/x").statusCode()).isEqualTo(200);
		assertThat(ratelimitsEndpoint()).contains("\"api:stateful\"");
		assertThat(breakers.get("stateful")).isNotNull();

		put("stateful", api("/stateful", upstream.url(), "published", PUBLIC));
		assertThat(get("/stateful/x").statusCode()).isEqualTo(200);
		eventually(() -> breakers.get("stateful") == null, "the dropped breaker is released");
		eventually(() -> !ratelimitsEndpoint().contains("\"api:stateful\""), "the dropped limiter is released");

		put("stateful", api("/stateful", upstream.url(), "published", PUBLIC, both));
		assertThat(breakers.get("stateful")).isNotNull();
		ManagedTestSources.delete(this.gateway, "stateful");
		eventually(() -> breakers.get("stateful") == null, "the deleted API's breaker is released");
		eventually(() -> !ratelimitsEndpoint().contains("\"api:stateful\""), "the deleted API's limiter is released");
		assertThat(this.gateway.bean(ManagedApis.class).liveRouteIds()).noneMatch(id -> id.contains("stateful"));
	}

	@Test
	void aRouteRefresh_keepsThePerRouteStateOfManagedApis() throws Exception {
		put("kept", api("/kept", upstream.url(), "published", PUBLIC,
				"\"rateLimit\":{\"limits\":[\"100/1m\"]},\"circuitBreaker\":{}"));
		SharedCircuitBreakers breakers = this.gateway.bean(SharedCircuitBreakers.class);
		assertThat(breakers.get("kept")).isNotNull();
		RouteStateJanitor janitor = this.gateway.bean(RouteStateJanitor.class);
		this.gateway.context().publishEvent(new RefreshRoutesEvent(this));
		janitor.prune().block(Duration.ofSeconds(5));
		assertThat(breakers.get("kept")).isNotNull();
		assertThat(ratelimitsEndpoint()).contains("\"api:kept\"");
		assertThat(get("/kept/x").statusCode()).isEqualTo(200);
	}

	// --- what the store holds is validated again

	@Test
	void anInvalidDefinitionWrittenToTheStore_isNotServed_andCounted() {
		MeterRegistry registry = this.gateway.bean(MeterRegistry.class);
		double before = invalidCount(registry);
		ManagedTestSources.putRaw(this.gateway, "raw",
				api("/raw", "http://169.254.169.254/latest/meta-data", "published", PUBLIC));
		assertProblem(get("/raw/x"), 404);
		assertThat(invalidCount(registry)).isEqualTo(before + 1);
		ManagedTestSources.putRaw(this.gateway, "raw2",
				api("/raw2", upstream.url(), "published", PUBLIC, "\"class\":\"java.lang.Runtime\""));
		assertProblem(get("/raw2/x"), 404);
		ManagedTestSources.putRaw(this.gateway, "raw3", api("/raw3", upstream.url() + "/#{1+1}", "published", PUBLIC));
		assertProblem(get("/raw3/x"), 404);
		assertThat(upstream.requestCount()).isZero();
	}

	@Test
	void twoApisOnOneBasePathInTheStore_onlyOneIsServed() {
		ManagedTestSources.putRaw(this.gateway, "dup-b", api("/dup", other.url(), "published", PUBLIC));
		ManagedTestSources.putRaw(this.gateway, "dup-a", api("/dup", upstream.url(), "published", PUBLIC));
		assertThat(get("/dup/x").statusCode()).isEqualTo(200);
		assertThat(upstream.requestCount()).isEqualTo(1);
		assertThat(other.requestCount()).isZero();
	}

	@Test
	void theStoreRefusesASecondApiOnABasePath() {
		put("uniq-a", api("/uniq", upstream.url(), "draft", PUBLIC));
		ApiCodec codec = this.gateway.bean(ApiCodec.class);
		ApiDefinition second = codec.parse("uniq-b", api("/uniq", upstream.url(), "draft", PUBLIC)).value();
		Commit commit = this.gateway.bean(ResourceStore.class)
			.commit(Batch.of("test", "create",
					Write.put(Kind.APIS, "uniq-b", codec.canonical(second), Precondition.absent(),
							codec.uniques(second), null, codec.canonical(second))))
			.block(Duration.ofSeconds(5));
		assertThat(commit.reason()).isEqualTo(Commit.Reason.CONFLICT);
		assertThat(commit.detail()).isEqualTo("basePath:/uniq");
	}

	// --- metrics

	@Test
	void requests_areCountedAndTimedPerApiAndStatusClass() {
		put("metered", api("/metered", upstream.url(), "published", "{\"mode\":\"api-key\"}"));
		get("/metered/x");
		get("/metered/x", "X-API-Key", this.acmeKey);
		get("/metered/y", "X-API-Key", this.acmeKey);
		MeterRegistry registry = this.gateway.bean(MeterRegistry.class);
		eventually(() -> count(registry, "metered", "2xx") == 2 && count(registry, "metered", "4xx") == 1,
				"2 x 2xx and 1 x 4xx recorded");
		Timer ok = registry.find(ApiMetrics.REQUESTS).tag("api", "metered").tag("status", "2xx").timer();
		assertThat(ok.getId().getTags()).extracting(Tag::getKey).containsExactlyInAnyOrder("api", "status");
		assertThat(ok.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
		String prometheus = this.gateway.management()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(prometheus).contains("tollgate_api_requests_seconds_count{api=\"metered\",status=\"2xx\"} 2");
	}

	static long count(MeterRegistry registry, String api, String status) {
		Timer t = registry.find(ApiMetrics.REQUESTS).tag("api", api).tag("status", status).timer();
		return t == null ? 0 : t.count();
	}

	static double invalidCount(MeterRegistry registry) {
		var c = registry.find("tollgate.management.invalid").tag("kind", "apis").counter();
		return c == null ? 0 : c.count();
	}

	String ratelimitsEndpoint() {
		return this.gateway.management()
			.get()
			.uri("/actuator/ratelimits")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

}
