package io.tollgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.admin.AdminHttp.Response;
import io.tollgate.gateway.registry.ChangeFeed;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.testsupport.jwt.TestIdentityProvider;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * The Admin API through real HTTP on the management port of a running gateway, with real
 * signed JWTs, the shipped codecs and key service, and its store in a real Redis.
 */
class AdminApiIntegrationTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestIdentityProvider idp = new TestIdentityProvider();

	static GatewayInstance gateway;

	static AdminHttp admin;

	static AdminHttp data;

	static String writer;

	static String reader;

	@BeforeAll
	static void start() {
		gateway = GatewayInstance.builder()
			.redis(redis)
			.jwt(idp)
			.property("spring.main.sources", AdminTestBeans.class.getName())
			.property("tollgate.api-keys.secret", UUID.randomUUID() + "-" + UUID.randomUUID())
			.start();
		admin = new AdminHttp(gateway.managementPort());
		data = new AdminHttp(gateway.port());
		writer = idp.token("alice", "tollgate:admin");
		reader = idp.token("rita", "tollgate:admin:read");
	}

	@AfterAll
	static void stop() {
		if (gateway != null) {
			gateway.close();
		}
	}

	static String plan(String... limits) {
		return "{\"description\":\"d\",\"limits\":[\"" + String.join("\",\"", limits) + "\"]}";
	}

	static String api(String basePath) {
		return "{\"name\":\"Shop\",\"basePath\":\"" + basePath
				+ "\",\"upstream\":\"http://shop:8080\",\"auth\":{\"mode\":\"public\"}}";
	}

	static void assertProblem(Response r, int status) {
		assertThat(r.status()).as(r.toString()).isEqualTo(status);
		assertThat(r.header("Content-Type")).startsWith("application/problem+json");
		assertThat(r.json().get("status").asInt()).isEqualTo(status);
	}

	static void assertFieldError(Response r, int status, String field) {
		assertProblem(r, status);
		List<String> fields = new ArrayList<>();
		r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
		assertThat(fields).as(r.body()).contains(field);
	}

	// --- who

	@Test
	void whenNoToken_thenUnauthorizedWithBearerChallenge() {
		Response r = admin.get("/admin/v1/plans", null);
		assertProblem(r, 401);
		assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
	}

	@Test
	void whenTokenIsForged_thenUnauthorized() {
		String forged = idp.tokenBuilder().scopes("tollgate:admin").signedWith(idp.attackerKeys().rsa()).sign();
		Response r = admin.get("/admin/v1/plans", forged);
		assertProblem(r, 401);
		assertThat(r.header("WWW-Authenticate")).contains("invalid_token");
	}

	@Test
	void whenTokenHasNoAdminScope_thenForbiddenEvenToRead() {
		Response r = admin.get("/admin/v1/plans", idp.token("bob", "orders:read"));
		assertProblem(r, 403);
		assertThat(r.header("WWW-Authenticate")).contains("insufficient_scope")
			.contains("scope=\"tollgate:admin:read\"");
	}

	@Test
	void whenReadScope_thenReadsButCannotWrite() {
		assertThat(admin.get("/admin/v1/plans", reader).status()).isEqualTo(200);
		Response r = admin.put("/admin/v1/plans/read-only", reader, plan("10/1s"));
		assertProblem(r, 403);
		assertThat(r.header("WWW-Authenticate")).contains("scope=\"tollgate:admin\"");
		Response dry = admin.put("/admin/v1/plans/read-only?dryRun=true", reader, plan("10/1s"));
		assertProblem(dry, 403);
		assertThat(admin.get("/admin/v1/plans/read-only", writer).status()).isEqualTo(404);
	}

	@Test
	void whenAdminPathIsCalledOnTheDataPort_thenNotFound() {
		assertThat(data.get("/admin/v1/status", writer).status()).isEqualTo(404);
		assertThat(data.put("/admin/v1/plans/x", writer, plan("10/1s")).status()).isEqualTo(404);
		assertThat(admin.get("/admin/v1/plans/x", writer).status()).isEqualTo(404);
	}

	@Test
	void whenActuatorWriteWithoutAdminToken_thenRefused_andReadsStayOpen() {
		assertThat(admin.get("/actuator/health/liveness", null).status()).isEqualTo(200);
		assertThat(admin.get("/actuator/prometheus", null).status()).isEqualTo(200);
		assertThat(admin.get("/actuator/info", null).status()).isEqualTo(200);
		assertProblem(admin.post("/actuator/circuitbreakers/any", null, "{\"state\":\"open\"}"), 401);
		assertProblem(admin.post("/actuator/circuitbreakers/any", reader, "{\"state\":\"open\"}"), 403);
		assertProblem(admin.delete("/actuator/circuitbreakers/any", null), 401);
		// past the guard: the endpoint itself answers (no such breaker)
		Response allowed = admin.post("/actuator/circuitbreakers/any", writer, "{\"state\":\"open\"}");
		assertThat(allowed.status()).isNotIn(401, 403);
	}

	// --- resources

	@Test
	void putGetReplaceDelete_withETagsAndPreconditions() {
		Response created = admin.put("/admin/v1/plans/gold", writer, plan("10/1s", "10000/1mo"));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.header("Location")).isEqualTo("/admin/v1/plans/gold");
		String etag1 = created.header("ETag");
		assertThat(etag1).matches("\"\\d+\"");
		assertThat(created.json().get("limits").get(1).asString()).isEqualTo("10000/1mo");

		Response read = admin.get("/admin/v1/plans/gold", reader);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.header("ETag")).isEqualTo(etag1);
		assertThat(read.json().get("description").asString()).isEqualTo("d");

		Response same = admin.put("/admin/v1/plans/gold", writer, plan("10/1s", "10000/1mo"));
		assertThat(same.status()).isEqualTo(200);
		assertThat(same.header("ETag")).as("unchanged: no new revision").isEqualTo(etag1);

		Response replaced = admin.put("/admin/v1/plans/gold", writer, plan("20/1s"), "If-Match", etag1);
		assertThat(replaced.status()).isEqualTo(200);
		String etag2 = replaced.header("ETag");
		assertThat(etag2).isNotEqualTo(etag1);

		assertProblem(admin.put("/admin/v1/plans/gold", writer, plan("30/1s"), "If-Match", etag1), 412);
		assertProblem(admin.put("/admin/v1/plans/gold", writer, plan("30/1s"), "If-Match", "W/" + etag2), 412);
		assertProblem(admin.put("/admin/v1/plans/gold", writer, plan("30/1s"), "If-None-Match", "*"), 412);
		assertProblem(admin.put("/admin/v1/plans/absent", writer, plan("30/1s"), "If-Match", "*"), 412);
		assertFieldError(admin.put("/admin/v1/plans/gold", writer, plan("30/1s"), "If-Match", "12"), 400, "If-Match");
		assertThat(admin.get("/admin/v1/plans/gold", reader).json().get("limits").get(0).asString()).isEqualTo("20/1s");
		assertThat(admin.put("/admin/v1/plans/gold", writer, plan("30/1s"), "If-Match", "*").status()).isEqualTo(200);
		assertThat(admin.put("/admin/v1/plans/silver", writer, plan("5/1s"), "If-None-Match", "*").status())
			.isEqualTo(201);

		String etag3 = admin.get("/admin/v1/plans/gold", reader).header("ETag");
		assertProblem(admin.delete("/admin/v1/plans/gold", writer, "If-Match", etag2), 412);
		assertThat(admin.delete("/admin/v1/plans/gold", writer, "If-Match", etag3).status()).isEqualTo(204);
		assertProblem(admin.get("/admin/v1/plans/gold", reader), 404);
		assertProblem(admin.delete("/admin/v1/plans/gold", writer), 404);
	}

	@Test
	void whenDocumentIsInvalid_thenBadRequestNamingTheField() {
		assertFieldError(admin.put("/admin/v1/plans/bad", writer, "{\"limits\":[\"10/1s\"],\"colour\":\"red\"}"), 400,
				"colour");
		assertFieldError(admin.put("/admin/v1/plans/bad", writer, "{\"limits\":[\"10/1s\",\"ten\"]}"), 400,
				"limits[1]");
		assertFieldError(admin.put("/admin/v1/apis/bad", writer, "{\"basePath\":\"/b\",\"upstream\":\"ftp://x\"}"), 400,
				"upstream");
		assertFieldError(admin.put("/admin/v1/plans/bad", writer, "{\"description\":\"d\"}"), 400, "limits");
		assertProblem(admin.get("/admin/v1/plans/bad", reader), 404);
	}

	@Test
	void whenValuesLookLikeExpressionsOrPlaceholders_thenRefused() {
		assertFieldError(admin.put("/admin/v1/apis/spel", writer,
				"{\"basePath\":\"/spel\",\"upstream\":\"http://x\",\"name\":\"#{T(java.lang.Runtime).getRuntime()}\"}"),
				400, "name");
		assertFieldError(admin.put("/admin/v1/apis/spel", writer,
				"{\"basePath\":\"/spel\",\"upstream\":\"http://x\",\"auth\":{\"scopes\":[\"ok\",\"${secret}\"]}}"), 400,
				"auth.scopes[1]");
		assertFieldError(
				admin.put("/admin/v1/apis/spel", writer,
						"{\"basePath\":\"/spel\",\"upstream\":\"http://x\",\"auth\":{\"${k}\":true}}"),
				400, "auth.${k}");
		assertProblem(admin.get("/admin/v1/apis/spel", reader), 404);
	}

	@Test
	void whenBodyIsNotStrictJson_thenBadRequest() {
		assertFieldError(admin.put("/admin/v1/plans/dup", writer, "{\"limits\":[\"10/1s\"],\"limits\":[\"1/1s\"]}"),
				400, "limits");
		assertProblem(admin.put("/admin/v1/plans/dup", writer, "{\"limits\":[\"10/1s\"]} {}"), 400);
		assertProblem(admin.put("/admin/v1/plans/dup", writer, "{\"limits\":[\"10/1s\"] // c\n}"), 400);
		assertProblem(admin.put("/admin/v1/plans/dup", writer, "[\"10/1s\"]"), 400);
		assertProblem(admin.put("/admin/v1/plans/dup", writer, ""), 400);
		assertProblem(admin.put("/admin/v1/plans/dup", writer, "[".repeat(100) + "]".repeat(100)), 400);
		assertProblem(admin.send("PUT", "/admin/v1/plans/dup", writer,
				HttpRequest.BodyPublishers.ofString(plan("1/1s")), false, "Content-Type", "text/plain"), 415);
		assertProblem(admin.get("/admin/v1/plans/dup", reader), 404);
	}

	@Test
	void whenBodyIsOverOneMebibyte_thenContentTooLarge() {
		// a valid plan padded with JSON whitespace to exactly 1 MiB + 1 byte
		String document = "{\"limits\":[\"10/1s\"],\"description\":\"big\"}";
		String body = document.substring(0, document.length() - 1) + " ".repeat(1024 * 1024 - document.length() + 1)
				+ "}";
		assertThat(body.length()).isEqualTo(1024 * 1024 + 1);
		assertProblem(admin.put("/admin/v1/plans/big", writer, body), 413);
		// without Content-Length (chunked): cut off while reading
		byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		assertProblem(admin.send("PUT", "/admin/v1/plans/big", writer,
				HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)), true), 413);
		assertProblem(admin.get("/admin/v1/plans/big", reader), 404);
		// exactly 1 MiB is accepted
		String fits = document.substring(0, document.length() - 1) + " ".repeat(1024 * 1024 - document.length()) + "}";
		assertThat(fits.length()).isEqualTo(1024 * 1024);
		assertThat(admin.put("/admin/v1/plans/big", writer, fits).status()).isEqualTo(201);
		assertThat(admin.delete("/admin/v1/plans/big", writer).status()).isEqualTo(204);
	}

	@Test
	void whenIdIsInvalid_thenBadRequestNamingTheId() {
		for (String id : List.of("Gold", "-gold", "gold_1", "a".repeat(64), "g..", "g%20")) {
			assertFieldError(admin.put("/admin/v1/plans/" + id, writer, plan("1/1s")), 400, "id");
		}
		// Spring Security's firewall refuses encoded dots before anything else
		assertThat(admin.put("/admin/v1/plans/g%2e%2e", writer, plan("1/1s")).status()).isEqualTo(400);
		assertFieldError(admin.get("/admin/v1/consumers/UPPER", reader), 400, "id");
		assertThat(admin.put("/admin/v1/plans/" + "a".repeat(63), writer, plan("1/1s")).status()).isEqualTo(201);
	}

	@Test
	void whenDryRun_thenValidatedAndReportedButNothingChanges() {
		long before = revision();
		Response create = admin.put("/admin/v1/apis/dry?dryRun=true", writer, api("/dry"));
		assertThat(create.status()).isEqualTo(200);
		assertThat(create.json().get("dryRun").asBoolean()).isTrue();
		assertThat(create.json().get("action").asString()).isEqualTo("create");
		assertThat(create.json().get("resource").get("basePath").asString()).isEqualTo("/dry");
		assertFieldError(admin.put("/admin/v1/apis/dry?dryRun=true", writer, "{\"basePath\":\"nope\"}"), 400,
				"basePath");
		assertThat(revision()).isEqualTo(before);
		assertProblem(admin.get("/admin/v1/apis/dry", reader), 404);

		assertThat(admin.put("/admin/v1/apis/dry", writer, api("/dry")).status()).isEqualTo(201);
		long after = revision();
		assertThat(admin.put("/admin/v1/apis/dry?dryRun=true", writer, api("/dry2")).json().get("action").asString())
			.isEqualTo("replace");
		assertFieldError(admin.put("/admin/v1/apis/other?dryRun=true", writer, api("/dry")), 409, "basePath");
		Response delete = admin.delete("/admin/v1/apis/dry?dryRun=true", writer);
		assertThat(delete.status()).isEqualTo(200);
		assertThat(delete.json().get("action").asString()).isEqualTo("delete");
		assertThat(revision()).isEqualTo(after);
		assertThat(admin.get("/admin/v1/apis/dry", reader).json().get("basePath").asString()).isEqualTo("/dry");
		assertFieldError(admin.put("/admin/v1/apis/dry?dryRun=maybe", writer, api("/dry")), 400, "dryRun");
	}

	@Test
	void whenAnotherApiHoldsTheBasePath_thenConflictNamingBasePath() {
		assertThat(admin.put("/admin/v1/apis/shop-v1", writer, api("/shop/v1")).status()).isEqualTo(201);
		Response conflict = admin.put("/admin/v1/apis/shop-copy", writer, api("/shop/v1"));
		assertFieldError(conflict, 409, "basePath");
		assertThat(conflict.body()).contains("shop-v1");
		assertProblem(admin.get("/admin/v1/apis/shop-copy", reader), 404);
		// freed by a replace, then taken
		assertThat(admin.put("/admin/v1/apis/shop-v1", writer, api("/shop/v1b")).status()).isEqualTo(200);
		assertThat(admin.put("/admin/v1/apis/shop-copy", writer, api("/shop/v1")).status()).isEqualTo(201);
	}

	@Test
	void pagingWalksEveryResourceOnceInIdOrder() {
		for (int i = 0; i < 7; i++) {
			assertThat(admin.put("/admin/v1/consumers/page-" + i, writer, "{\"name\":\"c" + i + "\"}").status())
				.isEqualTo(201);
		}
		List<String> walked = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			Response page = admin.get("/admin/v1/consumers?limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
					reader);
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			JsonNode items = page.json().get("items");
			assertThat(items.size()).isLessThanOrEqualTo(3);
			items.forEach(item -> {
				walked.add(item.get("id").asString());
				assertThat(item.get("revision").asLong()).isPositive();
				assertThat(item.get("resource").isObject()).isTrue();
			});
			JsonNode next = page.json().get("next");
			cursor = next == null || next.isNull() ? null : next.asString();
			pages++;
		}
		while (cursor != null && pages < 100);
		assertThat(walked).isSorted().doesNotHaveDuplicates().contains("page-0", "page-3", "page-6");
		List<String> all = new ArrayList<>();
		admin.get("/admin/v1/consumers?limit=500", reader)
			.json()
			.get("items")
			.forEach(i -> all.add(i.get("id").asString()));
		assertThat(walked).isEqualTo(all);
		assertThat(admin.get("/admin/v1/consumers", reader).json().get("items").size())
			.isEqualTo(Math.min(all.size(), 50));

		assertFieldError(admin.get("/admin/v1/consumers?limit=0", reader), 400, "limit");
		assertFieldError(admin.get("/admin/v1/consumers?limit=501", reader), 400, "limit");
		assertFieldError(admin.get("/admin/v1/consumers?limit=ten", reader), 400, "limit");
		assertFieldError(admin.get("/admin/v1/consumers?cursor=page-3", reader), 400, "cursor");
	}

	// --- keys and usage

	@Test
	void keysAreIssuedListedRotatedAndRevokedThroughTheKeyService() {
		assertThat(admin.put("/admin/v1/consumers/acme", writer, "{\"name\":\"Acme\"}").status()).isEqualTo(201);
		Response issued = admin.post("/admin/v1/consumers/acme/keys", writer,
				"{\"name\":\"ci\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}");
		assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
		assertThat(issued.header("Cache-Control")).contains("no-store");
		JsonNode key = issued.json();
		assertThat(key.get("key").asString()).startsWith("tg_");
		assertThat(key.get("key").asString()).startsWith(key.get("prefix").asString());
		assertThat(key.get("expiresAt").asString()).isEqualTo("2099-01-01T00:00:00Z");
		String keyId = key.get("id").asString();
		assertThat(admin.post("/admin/v1/consumers/acme/keys", writer, null).status()).isEqualTo(201);

		Response list = admin.get("/admin/v1/consumers/acme/keys", reader);
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.json().get("items").size()).isEqualTo(2);
		assertThat(list.body()).doesNotContain(key.get("key").asString());

		long beforeRotation = System.currentTimeMillis();
		Response rotated = admin.post("/admin/v1/consumers/acme/keys/" + keyId + "/rotate", writer,
				"{\"overlap\":\"1h\"}");
		assertThat(rotated.status()).isEqualTo(201);
		assertThat(rotated.json().get("key").asString()).startsWith("tg_").isNotEqualTo(key.get("key").asString());
		// the old key now ends after the overlap; the rotation is audited with its actor
		JsonNode listed = admin.get("/admin/v1/consumers/acme/keys", reader).json().get("items");
		assertThat(listed.size()).isEqualTo(3);
		JsonNode old = null;
		for (JsonNode k : listed) {
			if (k.get("id").asString().equals(keyId)) {
				old = k;
			}
		}
		assertThat(old).isNotNull();
		long oldEnds = java.time.Instant.parse(old.get("expiresAt").asString()).toEpochMilli();
		assertThat(oldEnds - beforeRotation).isBetween(3_600_000L - 5_000, 3_600_000L + 5_000);
		JsonNode rotation = admin.get("/admin/v1/audit?limit=1", reader).json().get("items").get(0);
		assertThat(rotation.get("action").asString()).isEqualTo("rotate-key");
		assertThat(rotation.get("actor").asString()).isEqualTo("alice");
		assertThat(rotation.get("kind").asString()).isEqualTo("keys");
		long rev = revision();
		assertThat(admin.post("/admin/v1/consumers/acme/keys/" + keyId + "/rotate?dryRun=true", writer, null)
			.json()
			.get("dryRun")
			.asBoolean()).isTrue();
		assertThat(revision()).isEqualTo(rev);

		assertThat(admin.delete("/admin/v1/consumers/acme/keys/" + keyId, writer).status()).isEqualTo(204);
		assertProblem(admin.delete("/admin/v1/consumers/acme/keys/" + keyId, writer), 404);
		assertProblem(admin.post("/admin/v1/consumers/nobody/keys", writer, null), 404);

		assertFieldError(admin.post("/admin/v1/consumers/acme/keys", writer, "{\"label\":\"x\"}"), 400, "label");
		assertFieldError(admin.post("/admin/v1/consumers/acme/keys", writer, "{\"expiresAt\":\"tomorrow\"}"), 400,
				"expiresAt");
		assertFieldError(
				admin.post("/admin/v1/consumers/acme/keys", writer, "{\"expiresAt\":\"2001-01-01T00:00:00Z\"}"), 400,
				"expiresAt");
		assertFieldError(
				admin.post("/admin/v1/consumers/acme/keys/" + keyId + "/rotate", writer, "{\"overlap\":\"forever\"}"),
				400, "overlap");
		assertProblem(admin.post("/admin/v1/consumers/acme/keys", reader, null), 403);
	}

	@Test
	void deletingAConsumerDeletesItsKeys_inTheSameCommit() {
		assertThat(admin.put("/admin/v1/consumers/leaving", writer, "{\"name\":\"L\"}").status()).isEqualTo(201);
		assertThat(admin.post("/admin/v1/consumers/leaving/keys", writer, null).status()).isEqualTo(201);
		assertThat(admin.post("/admin/v1/consumers/leaving/keys", writer, null).status()).isEqualTo(201);
		long before = revision();
		assertThat(admin.delete("/admin/v1/consumers/leaving", writer).status()).isEqualTo(204);
		assertThat(revision()).isEqualTo(before + 1);
		JsonNode audit = admin.get("/admin/v1/audit?limit=3", reader).json().get("items");
		List<String> deleted = new ArrayList<>();
		audit.forEach(e -> {
			assertThat(e.get("revision").asLong()).isEqualTo(before + 1);
			deleted.add(e.get("kind").asString());
		});
		assertThat(deleted).containsExactlyInAnyOrder("consumers", "keys", "keys");
		// a consumer created again with that id starts without keys
		assertThat(admin.put("/admin/v1/consumers/leaving", writer, "{\"name\":\"L2\"}").status()).isEqualTo(201);
		assertThat(admin.get("/admin/v1/consumers/leaving/keys", reader).json().get("items").size()).isZero();
	}

	@Test
	void aConsumersPlanMustExist_andAPlanInUseIsNotDeleted() {
		assertFieldError(admin.put("/admin/v1/consumers/planless", writer, "{\"plan\":\"no-such-plan\"}"), 400, "plan");
		assertProblem(admin.get("/admin/v1/consumers/planless", reader), 404);
		assertThat(admin.put("/admin/v1/plans/used", writer, plan("5/1s")).status()).isEqualTo(201);
		assertThat(admin.put("/admin/v1/consumers/user", writer, "{\"plan\":\"used\"}").status()).isEqualTo(201);
		Response inUse = admin.delete("/admin/v1/plans/used", writer);
		assertFieldError(inUse, 409, "id");
		assertThat(inUse.json().get("detail").asString()).contains("'user'");
		assertThat(admin.put("/admin/v1/consumers/user", writer, "{}").status()).isEqualTo(200);
		assertThat(admin.delete("/admin/v1/plans/used", writer).status()).isEqualTo(204);
	}

	@Test
	void usageShowsTheConsumersPlanLimits() {
		assertThat(admin.put("/admin/v1/plans/usage-gold", writer, plan("10/1s", "1000/1d")).status()).isEqualTo(201);
		assertThat(
				admin.put("/admin/v1/consumers/metered", writer, "{\"name\":\"M\",\"plan\":\"usage-gold\"}").status())
			.isEqualTo(201);
		Response usage = admin.get("/admin/v1/consumers/metered/usage", reader);
		assertThat(usage.status()).as(usage.toString()).isEqualTo(200);
		assertThat(usage.json().get("consumer").asString()).isEqualTo("metered");
		assertThat(usage.json().get("plan").asString()).isEqualTo("usage-gold");
		assertThat(usage.json().get("limits").get(0).get("limit").asString()).isEqualTo("10/1s");
		assertThat(usage.json().get("limits").get(0).get("remaining").asLong()).isEqualTo(10);
		assertThat(usage.json().get("limits").get(1).get("remaining").asLong()).isEqualTo(1000);
		assertProblem(admin.get("/admin/v1/consumers/unknown/usage", reader), 404);
	}

	// --- audit

	@Test
	void auditNamesTheActor_neverShowsAKeyOrItsHash_andDetectsTampering() throws Exception {
		String editor = idp.token("eve-operator", "tollgate:admin");
		assertThat(admin.put("/admin/v1/consumers/audited", editor, "{\"name\":\"A\"}").status()).isEqualTo(201);
		String issuedKey = admin.post("/admin/v1/consumers/audited/keys", editor, null).json().get("key").asString();
		JsonNode issue = admin.get("/admin/v1/audit?limit=1", reader).json().get("items").get(0);
		assertThat(issue.get("action").asString()).isEqualTo("issue-key");
		assertThat(issue.get("after").has("prefix")).isTrue();
		assertThat(issue.toString()).doesNotContain(issuedKey).doesNotContain("keyHash");
		assertThat(admin.put("/admin/v1/consumers/audited", editor, "{\"name\":\"B\"}").status()).isEqualTo(200);
		assertThat(admin.delete("/admin/v1/consumers/audited", editor).status()).isEqualTo(204);
		assertThat(admin.put("/admin/v1/consumers/audited-2", editor, "{\"name\":\"C\"}").status()).isEqualTo(201);
		assertThat(admin.put("/admin/v1/consumers/audited-2", editor, "{\"name\":\"D\"}").status()).isEqualTo(200);
		assertThat(admin.delete("/admin/v1/consumers/audited-2", editor).status()).isEqualTo(204);

		Response audit = admin.get("/admin/v1/audit?limit=3", reader);
		assertThat(audit.status()).isEqualTo(200);
		JsonNode items = audit.json().get("items");
		assertThat(items.size()).isEqualTo(3);
		assertThat(items.get(0).get("action").asString()).isEqualTo("delete");
		assertThat(items.get(1).get("action").asString()).isEqualTo("replace");
		assertThat(items.get(2).get("action").asString()).isEqualTo("create");
		for (JsonNode item : items) {
			assertThat(item.get("actor").asString()).isEqualTo("eve-operator");
			assertThat(item.get("kind").asString()).isEqualTo("consumers");
			assertThat(item.get("id").asString()).isEqualTo("audited-2");
			assertThat(item.get("at").asString()).isNotEmpty();
		}
		assertThat(items.get(0).get("revision").asLong()).isGreaterThan(items.get(1).get("revision").asLong());
		assertThat(items.get(1).get("before").get("name").asString()).isEqualTo("C");
		assertThat(items.get(1).get("after").get("name").asString()).isEqualTo("D");
		assertThat(items.get(0).get("after").isNull()).isTrue();

		// an entry edited in Redis (the actor rewritten) breaks the chain at that entry
		assertThat(admin.get("/admin/v1/audit/verify", reader).json().get("intact").asBoolean()).isTrue();
		long seq = items.get(1).get("seq").asLong();
		String auditKey = "tollgate:{mgmt}:audit";
		String original = null;
		int index = 0;
		for (; index < 20; index++) {
			String entry = String.valueOf(redis.command(redis.port(), "LINDEX", auditKey, String.valueOf(index)));
			if (entry.contains("\"seq\":" + seq + ",") || entry.contains("\"seq\":" + seq + "}")) {
				original = entry;
				break;
			}
		}
		assertThat(original).as("audit entry " + seq + " in " + auditKey).isNotNull().contains("eve-operator");
		redis.command(redis.port(), "LSET", auditKey, String.valueOf(index),
				original.replace("eve-operator", "someone-else"));
		try {
			JsonNode verdict = admin.get("/admin/v1/audit/verify", reader).json();
			assertThat(verdict.get("intact").asBoolean()).isFalse();
			assertThat(verdict.get("brokenAt").asLong()).isEqualTo(seq);
		}
		finally {
			redis.command(redis.port(), "LSET", auditKey, String.valueOf(index), original);
		}
		assertThat(admin.get("/admin/v1/audit/verify", reader).json().get("intact").asBoolean()).isTrue();
		assertFieldError(admin.get("/admin/v1/audit?limit=100000", reader), 400, "limit");
	}

	// --- config

	@Test
	void configExportApplyExportIsIdentical_andApplyIsAllOrNothing() {
		assertThat(admin.put("/admin/v1/plans/cfg-plan", writer, plan("10/1s")).status()).isEqualTo(201);
		assertThat(admin.put("/admin/v1/apis/cfg-api", writer, api("/cfg")).status()).isEqualTo(201);
		Response exported = admin.get("/admin/v1/config", reader);
		assertThat(exported.status()).isEqualTo(200);
		ObjectNode document = (ObjectNode) exported.json();
		assertThat(document.propertyNames()).containsExactly("plans", "consumers", "apis");
		assertThat(document.get("apis").get("cfg-api").get("basePath").asString()).isEqualTo("/cfg");

		long before = revision();
		Response unchanged = admin.put("/admin/v1/config", writer, exported.body());
		assertThat(unchanged.status()).as(unchanged.toString()).isEqualTo(200);
		assertThat(unchanged.json().get("created").get("plans").size()).isZero();
		assertThat(unchanged.json().get("deleted").get("apis").size()).isZero();
		assertThat(revision()).isEqualTo(before);
		assertThat(admin.get("/admin/v1/config", reader).body()).isEqualTo(exported.body());

		ObjectNode changed = document.deepCopy();
		((ObjectNode) changed.get("plans")).set("cfg-new", AdminHttp.JSON.readTree(plan("1/1s")));
		((ObjectNode) changed.get("plans").get("cfg-plan")).put("description", "changed");
		((ObjectNode) changed.get("apis")).remove("cfg-api");
		Response dry = admin.put("/admin/v1/config?dryRun=true", writer, changed.toString());
		assertThat(dry.status()).isEqualTo(200);
		assertThat(dry.json().get("dryRun").asBoolean()).isTrue();
		assertThat(dry.json().get("created").get("plans").get(0).asString()).isEqualTo("cfg-new");
		assertThat(dry.json().get("replaced").get("plans").get(0).asString()).isEqualTo("cfg-plan");
		assertThat(dry.json().get("deleted").get("apis").get(0).asString()).isEqualTo("cfg-api");
		assertThat(revision()).isEqualTo(before);
		assertThat(admin.get("/admin/v1/config", reader).body()).isEqualTo(exported.body());

		Response applied = admin.put("/admin/v1/config", writer, changed.toString());
		assertThat(applied.status()).isEqualTo(200);
		assertThat(applied.json().get("revision").asLong()).isEqualTo(before + 1);
		Response again = admin.get("/admin/v1/config", reader);
		assertThat(again.json()).isEqualTo(changed);
		assertThat(admin.put("/admin/v1/config", writer, again.body()).json().get("revision").asLong())
			.isEqualTo(before + 1);
		assertThat(admin.get("/admin/v1/config", reader).body()).isEqualTo(again.body());
		JsonNode audit = admin.get("/admin/v1/audit?limit=3", reader).json().get("items");
		audit.forEach(e -> assertThat(e.get("action").asString()).isEqualTo("apply"));

		// invalid documents change nothing
		ObjectNode invalid = changed.deepCopy();
		((ObjectNode) invalid.get("plans")).set("cfg-other", AdminHttp.JSON.readTree(plan("5/1s")));
		((ObjectNode) invalid.get("plans")).set("cfg-broken", AdminHttp.JSON.readTree("{\"limits\":[\"x\"]}"));
		assertFieldError(admin.put("/admin/v1/config", writer, invalid.toString()), 400, "plans.cfg-broken.limits[0]");
		ObjectNode unknown = changed.deepCopy();
		unknown.putObject("routes");
		assertFieldError(admin.put("/admin/v1/config", writer, unknown.toString()), 400, "routes");
		ObjectNode missing = changed.deepCopy();
		missing.remove("consumers");
		assertFieldError(admin.put("/admin/v1/config", writer, missing.toString()), 400, "consumers");
		ObjectNode twice = changed.deepCopy();
		((ObjectNode) twice.get("apis")).set("cfg-a", AdminHttp.JSON.readTree(api("/same")));
		((ObjectNode) twice.get("apis")).set("cfg-b", AdminHttp.JSON.readTree(api("/same")));
		assertFieldError(admin.put("/admin/v1/config", writer, twice.toString()), 409, "apis.cfg-b.basePath");
		ObjectNode hostile = changed.deepCopy();
		((ObjectNode) hostile.get("plans").get("cfg-new")).put("description", "${jndi:ldap://x}");
		assertFieldError(admin.put("/admin/v1/config", writer, hostile.toString()), 400, "plans.cfg-new.description");
		assertThat(revision()).isEqualTo(before + 1);
		assertThat(admin.get("/admin/v1/config", reader).body()).isEqualTo(again.body());
	}

	@Test
	void configExportsYamlWhenAsked() {
		assertThat(admin.put("/admin/v1/plans/yaml-plan", writer, plan("10/1s")).status()).isEqualTo(201);
		Response yaml = admin.get("/admin/v1/config", reader, "Accept", "application/yaml");
		assertThat(yaml.status()).isEqualTo(200);
		assertThat(yaml.header("Content-Type")).startsWith("application/yaml");
		assertThat(yaml.body()).contains("plans:").contains("yaml-plan:").contains("10/1s");
		JsonNode parsed = tools.jackson.dataformat.yaml.YAMLMapper.builder().build().readTree(yaml.body());
		assertThat(parsed).isEqualTo(admin.get("/admin/v1/config", reader).json());
		assertThat(admin.get("/admin/v1/config", reader, "Accept", "application/yaml;q=0.5, application/json")
			.header("Content-Type")).startsWith("application/json");
	}

	// --- status, routing, openapi

	@Test
	void statusShowsTheGlobalRevision() {
		assertThat(admin.put("/admin/v1/plans/status-plan", writer, plan("1/1s")).status()).isIn(200, 201);
		Response status = admin.get("/admin/v1/status", reader);
		assertThat(status.status()).isEqualTo(200);
		assertThat(status.json().get("revision").asLong()).isEqualTo(revision());
		assertThat(status.json().get("replicas").isArray()).isTrue();
	}

	@Test
	void unknownAdminPathsAndMethodsAreProblems() {
		assertProblem(admin.get("/admin/v1/nothing", reader), 404);
		assertProblem(admin.get("/admin/v1/keys", reader), 404);
		Response wrong = admin.send("PATCH", "/admin/v1/plans/gold", writer, "{}");
		assertProblem(wrong, 405);
		assertThat(wrong.header("Allow")).contains("GET").contains("PUT").contains("DELETE");
	}

	@Test
	void openApiDocumentsExactlyTheRoutesServed() {
		Response doc = admin.get("/admin/v1/openapi.json", reader);
		assertThat(doc.status()).isEqualTo(200);
		JsonNode api = doc.json();
		assertThat(api.get("openapi").asString()).startsWith("3.");
		Set<String> documented = new HashSet<>();
		api.get("paths")
			.forEachEntry((path, item) -> item.propertyNames()
				.forEach(method -> documented.add(method.toUpperCase() + " " + path)));
		Set<String> served = ServedRoutes.of(gateway);
		assertThat(served).hasSizeGreaterThan(20);
		assertThat(documented).isEqualTo(served);
		assertThat(api.get("components").get("schemas").has("IssuedKeyView")).isTrue();
		assertThat(api.get("components").get("schemas").get("Page").get("properties").has("next")).isTrue();
		assertThat(api.get("paths").get("/admin/v1/plans/{id}").get("put").get("x-required-scope").asString())
			.isEqualTo("tollgate:admin");
		// every documented operation is answered by its route, not by the fallback
		for (String operation : documented) {
			String method = operation.substring(0, operation.indexOf(' '));
			String path = operation.substring(operation.indexOf(' ') + 1)
				.replace("{id}", "probe")
				.replace("{keyId}", "probe");
			Response r = admin.send(method, path + (method.equals("GET") ? "" : "?dryRun=true"), writer,
					method.equals("GET") || method.equals("DELETE") ? null : "{}");
			assertThat(r.body()).as(operation)
				.doesNotContain("No Admin API resource")
				.doesNotContain("not allowed here");
		}
	}

	static long revision() {
		return gateway.bean(ChangeFeed.class).revision().toFuture().join();
	}

}
