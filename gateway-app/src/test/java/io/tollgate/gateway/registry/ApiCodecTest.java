package io.tollgate.gateway.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.registry.ApiDefinition.AuthMode;
import io.tollgate.gateway.registry.ApiDefinition.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The {@code apis} document: what is accepted, its canonical form, and every refusal
 * naming its field, hostile inputs included.
 */
class ApiCodecTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final ApiCodec codec = new ApiCodec(new ApiUpstreamRules(List.of()), () -> true);

	/** A valid document to start from: set, remove or replace fields with the methods. */
	static Doc doc() {
		return new Doc().set("name", "Shop")
			.set("basePath", "/shop/v1")
			.set("upstream", "http://shop:8080")
			.set("auth", Map.of("mode", "jwt"));
	}

	static final class Doc {

		final ObjectNode root = JSON.createObjectNode();

		Doc set(String path, Object value) {
			ObjectNode node = root;
			String[] parts = path.split("\\.");
			for (int i = 0; i < parts.length - 1; i++) {
				JsonNode child = node.get(parts[i]);
				node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
			}
			node.set(parts[parts.length - 1], JSON.valueToTree(value));
			return this;
		}

		Doc remove(String path) {
			ObjectNode node = root;
			String[] parts = path.split("\\.");
			for (int i = 0; i < parts.length - 1; i++) {
				node = (ObjectNode) node.get(parts[i]);
			}
			node.remove(parts[parts.length - 1]);
			return this;
		}

		String json() {
			return JSON.writeValueAsString(root);
		}

	}

	static ApiDefinition parse(Doc doc) {
		return parse(doc.json());
	}

	static ApiDefinition parse(String json) {
		ResourceCodec.Parsed<ApiDefinition> parsed = codec.parse("shop-v1", json);
		assertThat(parsed.errors()).as("errors of %s", json).isEmpty();
		return parsed.value();
	}

	static List<FieldError> errors(ApiCodec c, String id, String json) {
		ResourceCodec.Parsed<ApiDefinition> parsed = c.parse(id, json);
		assertThat(parsed.isValid()).as("refused: %s", json).isFalse();
		assertThat(parsed.value()).isNull();
		assertThat(parsed.errors()).allSatisfy(e -> {
			assertThat(e.field()).isNotBlank();
			assertThat(e.detail()).isNotBlank();
		});
		return parsed.errors();
	}

	static void refused(Doc doc, String field, String detailPart) {
		refused(doc.json(), field, detailPart);
	}

	static void refused(String json, String field, String detailPart) {
		refused(codec, "shop-v1", json, field, detailPart);
	}

	static void refused(ApiCodec c, String id, String json, String field, String detailPart) {
		List<FieldError> errors = errors(c, id, json);
		assertThat(errors).as("errors of %s", json)
			.anySatisfy(e -> assertThat(e).satisfies(x -> assertThat(x.field()).isEqualTo(field),
					x -> assertThat(x.detail()).containsIgnoringCase(detailPart)));
	}

	@Nested
	class Accepted {

		@Test
		void minimalDocument_getsItsDefaults_andACanonicalForm() {
			ApiDefinition api = parse(doc());
			assertThat(api.id()).isEqualTo("shop-v1");
			assertThat(api.name()).isEqualTo("Shop");
			assertThat(api.version()).isNull();
			assertThat(api.status()).isEqualTo(Status.DRAFT);
			assertThat(api.stripBasePath()).isFalse();
			assertThat(api.auth().mode()).isEqualTo(AuthMode.JWT);
			assertThat(api.auth().scopes()).isEmpty();
			assertThat(api.rateLimit()).isNull();
			assertThat(api.circuitBreaker()).isNull();
			assertThat(codec.canonical(api)).isEqualTo("{\"name\":\"Shop\",\"basePath\":\"/shop/v1\","
					+ "\"upstream\":\"http://shop:8080\",\"stripBasePath\":false,\"status\":\"draft\","
					+ "\"auth\":{\"mode\":\"jwt\",\"scopes\":[]}}");
			assertThat(codec.uniques(api)).containsExactly("basePath:/shop/v1");
			assertThat(codec.redacted(api)).isEqualTo(codec.canonical(api));
		}

		@Test
		void fullDocument_roundTripsThroughItsCanonicalForm() {
			String json = """
					{"successor": "shop-v2", "sunsetAt": "2026-12-31T23:59:59Z", "deprecatedAt": "2026-06-30T12:00:00+02:00",
					 "circuitBreaker": {"failureRateThreshold": 50, "waitInOpen": "30s", "name": "shop",
					   "slowCallRateThreshold": 80.5, "slowCallDuration": "2000ms", "slidingWindow": "PT20S",
					   "minimumCalls": 10, "halfOpenCalls": 2, "failureStatuses": [502, 500], "timeout": "1500ms",
					   "fallbackUri": "forward:/fallback/shop"},
					 "rateLimit": {"limits": ["100/1s", " 10000/1d "], "key": "Header:X-Tenant", "algorithm": "SLIDING_WINDOW",
					   "cost": 2, "onStoreFailure": "DENY", "legacyHeaders": true},
					 "auth": {"scopes": ["shop:read", "shop:write"], "mode": "jwt-or-api-key"},
					 "status": "deprecated", "stripBasePath": true, "upstream": "HTTPS://Shop.Example:8443/base/",
					 "basePath": "/shop/v1", "version": "v1", "name": "Shop"}
					""";
			ApiDefinition api = parse(json);
			String canonical = codec.canonical(api);
			assertThat(canonical).isEqualTo("{\"name\":\"Shop\",\"version\":\"v1\",\"basePath\":\"/shop/v1\","
					+ "\"upstream\":\"https://shop.example:8443/base\",\"stripBasePath\":true,\"status\":\"deprecated\","
					+ "\"auth\":{\"mode\":\"jwt-or-api-key\",\"scopes\":[\"shop:read\",\"shop:write\"]},"
					+ "\"rateLimit\":{\"limits\":[\"100/1s\",\"10000/1d\"],\"key\":\"header:X-Tenant\","
					+ "\"algorithm\":\"sliding-window\",\"cost\":2,\"onStoreFailure\":\"deny\",\"legacyHeaders\":true},"
					+ "\"circuitBreaker\":{\"name\":\"shop\",\"failureRateThreshold\":50.0,\"slowCallRateThreshold\":80.5,"
					+ "\"slowCallDuration\":\"2s\",\"slidingWindow\":\"20s\",\"minimumCalls\":10,\"waitInOpen\":\"30s\","
					+ "\"halfOpenCalls\":2,\"failureStatuses\":[502,500],\"timeout\":\"1500ms\","
					+ "\"fallbackUri\":\"forward:/fallback/shop\"},"
					+ "\"deprecatedAt\":\"2026-06-30T10:00:00Z\",\"sunsetAt\":\"2026-12-31T23:59:59Z\","
					+ "\"successor\":\"shop-v2\"}");
			ApiDefinition again = parse(canonical);
			assertThat(again).isEqualTo(api);
			assertThat(codec.canonical(again)).isEqualTo(canonical);
			assertThat(api.circuitBreaker().slidingWindow()).isEqualTo(Duration.ofSeconds(20));
			assertThat(api.deprecatedAt()).isEqualTo(Instant.parse("2026-06-30T10:00:00Z"));
		}

		@Test
		void fieldOrderOfTheInput_doesNotChangeTheCanonicalForm() {
			String a = "{\"name\":\"S\",\"basePath\":\"/s\",\"upstream\":\"http://s\",\"auth\":{\"mode\":\"public\"}}";
			String b = "{\"auth\":{\"mode\":\"public\",\"scopes\":[]},\"upstream\":\"http://s/\",\"stripBasePath\":false,"
					+ "\"status\":\"draft\",\"basePath\":\"/s\",\"name\":\"S\"}";
			assertThat(codec.canonical(parse(a))).isEqualTo(codec.canonical(parse(b)));
		}

		@Test
		void nullOptionalFields_areAbsent() {
			ApiDefinition api = parse(doc().set("version", null)
				.set("rateLimit", null)
				.set("circuitBreaker", null)
				.set("successor", null)
				.set("status", null)
				.set("auth.scopes", null));
			assertThat(api).isEqualTo(parse(doc()));
		}

		@Test
		void fromPlan_keepsOnlyItsOwnSettings() {
			ApiDefinition api = parse(doc().set("rateLimit", Map.of("fromPlan", true)));
			assertThat(api.rateLimit().fromPlan()).isTrue();
			assertThat(codec.canonical(api))
				.contains("\"rateLimit\":{\"fromPlan\":true,\"onStoreFailure\":\"local\",\"legacyHeaders\":false}");
			assertThat(parse(codec.canonical(api))).isEqualTo(api);
		}

		@Test
		void ownLimits_defaultToGcraPerPrincipal_butPerAddressOnPublicApis() {
			ApiDefinition jwt = parse(doc().set("rateLimit", Map.of("limits", List.of("10/1s"))));
			assertThat(jwt.rateLimit().key()).isEqualTo("principal");
			assertThat(jwt.rateLimit().algorithm()).isEqualTo("gcra");
			assertThat(jwt.rateLimit().cost()).isEqualTo(1);
			assertThat(jwt.rateLimit().onStoreFailure()).isEqualTo("local");
			ApiDefinition open = parse(
					doc().set("auth.mode", "public").set("rateLimit", Map.of("limits", List.of("10/1s"))));
			assertThat(open.rateLimit().key()).isEqualTo("ip");
		}

		@Test
		void calendarMonths_withFixedWindows() {
			ApiDefinition api = parse(doc().set("rateLimit",
					Map.of("limits", List.of("10/1s", "100000/1mo"), "algorithm", "fixed-window")));
			assertThat(api.rateLimit().limits()).containsExactly("10/1s", "100000/1mo");
		}

		@Test
		void emptyCircuitBreaker_meansTheDefaultsUnderTheApisName() {
			ApiDefinition api = parse(doc().set("circuitBreaker", Map.of()));
			assertThat(api.circuitBreaker()).isNotNull();
			assertThat(api.circuitBreaker().name()).isNull();
			assertThat(codec.canonical(api)).endsWith("\"circuitBreaker\":{}}");
		}

		@ParameterizedTest
		@ValueSource(strings = { "/", "/shop", "/shop/v1", "/a-b_c.d~e/x", "/v1:beta/@me", "/A/B" })
		void basePaths(String path) {
			assertThat(parse(doc().set("basePath", path)).basePath()).isEqualTo(path);
		}

		@ParameterizedTest
		@ValueSource(strings = { "http://shop:8080|http://shop:8080",
				"https://api.example.com/base/|https://api.example.com/base", "HTTP://Shop:8080|http://shop:8080",
				"http://127.0.0.1:8080|http://127.0.0.1:8080", "http://[::1]:8080/x|http://[::1]:8080/x",
				"http://10.0.0.1|http://10.0.0.1", "http://169.255.0.1|http://169.255.0.1",
				"http://169.253.255.255|http://169.253.255.255", "http://localhost|http://localhost",
				"http://[2001:db8::1]|http://[2001:db8::1]",
				"http://metadata.example.com|http://metadata.example.com" })
		void upstreams_inCanonicalForm(String pair) {
			String[] p = pair.split("\\|");
			assertThat(parse(doc().set("upstream", p[0])).upstream()).hasToString(p[1]);
		}

		@Test
		void rfc3339Variants() {
			assertThat(parse(doc().set("deprecatedAt", "2026-01-01t00:00:00z")).deprecatedAt())
				.isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
			assertThat(parse(doc().set("deprecatedAt", "2026-01-01T00:00:00.250-05:30")).deprecatedAt())
				.isEqualTo(Instant.parse("2026-01-01T05:30:00.250Z"));
		}

		@Test
		void sunsetAtEqualToDeprecatedAt() {
			parse(doc().set("deprecatedAt", "2026-01-01T00:00:00Z").set("sunsetAt", "2026-01-01T00:00:00Z"));
		}

		@Test
		void scopesWithJwtOrApiKey() {
			assertThat(parse(doc().set("auth", Map.of("mode", "jwt-or-api-key", "scopes", List.of("a:b")))).auth()
				.scopes()).containsExactly("a:b");
		}

		@Test
		void apiKeyAndPublicModes_needNoJwtValidation() {
			ApiCodec noJwt = new ApiCodec(new ApiUpstreamRules(List.of()), () -> false);
			for (String mode : List.of("api-key", "public")) {
				assertThat(noJwt.parse("a", doc().set("auth.mode", mode).json()).isValid()).isTrue();
			}
		}

	}

	@Nested
	class Document {

		@ParameterizedTest
		@ValueSource(strings = { "", "   ", "[]", "\"api\"", "42", "null", "true" })
		void notAnObject(String json) {
			refused(json, "$", "");
		}

		@ParameterizedTest
		@ValueSource(strings = { "{", "{\"name\":}", "{'name':'x'}", "{\"name\":\"x\"} {}", "{\"name\":\"x\"}]",
				"{\"name\":NaN}", "{\"name\":\"x\",}", "/* c */ {}" })
		void notJson(String json) {
			refused(json, "$", "not valid JSON");
		}

		@Test
		void duplicateField() {
			refused("{\"name\":\"a\",\"name\":\"b\"}", "$", "duplicate");
			refused("{\"auth\":{\"mode\":\"jwt\",\"mode\":\"public\"}}", "$", "duplicate");
		}

		@Test
		void deepNesting() {
			refused("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}", "$", "not valid JSON");
		}

		@Test
		void hugeString() {
			refused(doc().set("name", "a".repeat(70_000)), "$", "not valid JSON");
		}

		@ParameterizedTest
		@ValueSource(strings = { "Shop", "-shop", "shop_v1", "shop.v1", "", "shop v1", "ș", "a/b",
				"a234567890123456789012345678901234567890123456789012345678901234" })
		void badIds(String id) {
			refused(codec, id, doc().json(), "id", "must match");
		}

		@Test
		void nullId() {
			refused(codec, null, doc().json(), "id", "must match");
		}

		@Test
		void longestId() {
			assertThat(codec.parse("a".repeat(63), doc().json()).isValid()).isTrue();
		}

		@Test
		void unknownFields_atEveryLevel_eachNamed() {
			List<FieldError> errors = errors(codec, "shop-v1",
					doc().set("id", "x")
						.set("Name", "x")
						.set("auth.extra", 1)
						.set("rateLimit", Map.of("limits", List.of("1/1s"), "budget", "plan:gold"))
						.set("circuitBreaker", Map.of("class", "java.lang.Runtime"))
						.json());
			assertThat(errors).extracting(FieldError::field)
				.containsExactlyInAnyOrder("id", "Name", "auth.extra", "rateLimit.budget", "circuitBreaker.class");
			assertThat(errors).allSatisfy(e -> assertThat(e.detail()).startsWith("is not a known field"));
		}

		@Test
		void polymorphicTypeHints_areJustUnknownFields() {
			refused(doc().set("@class", "org.springframework.context.support.ClassPathXmlApplicationContext"), "@class",
					"not a known field");
			refused(doc().set("auth.@type", "x"), "auth.@type", "not a known field");
		}

		@Test
		void manyErrors_areCapped() {
			Doc d = doc();
			for (int i = 0; i < 500; i++) {
				d.set("unknown" + i, i);
			}
			List<FieldError> errors = errors(codec, "shop-v1", d.json());
			assertThat(errors).hasSize(ApiCodec.MAX_ERRORS + 1);
			assertThat(errors.get(errors.size() - 1).field()).isEqualTo("$");
		}

		@Test
		void everyErrorAtOnce_inDocumentOrder() {
			List<FieldError> errors = errors(codec, "shop-v1",
					"{\"name\":1,\"basePath\":\"x\",\"upstream\":\"ftp://x\"}");
			assertThat(errors).extracting(FieldError::field).containsExactly("name", "basePath", "upstream", "auth");
		}

	}

	@Nested
	class Expressions {

		@ParameterizedTest
		@ValueSource(strings = { "name", "version", "upstream", "successor", "deprecatedAt", "auth.mode",
				"rateLimit.key", "circuitBreaker.name", "circuitBreaker.fallbackUri" })
		void anyValueWithAnExpressionMarker_isRefused(String field) {
			for (String marker : List.of("#{T(java.lang.Runtime).getRuntime().exec('id')}", "${user.home}", "x#{1}",
					"x${y}")) {
				Doc d = doc();
				if (field.startsWith("rateLimit")) {
					d.set("rateLimit.limits", List.of("1/1s"));
				}
				refused(d.set(field, marker), field, "must not contain '#{' or '${'");
			}
		}

		@Test
		void inArrays_andInUnknownFields() {
			refused(doc().set("auth.scopes", List.of("ok", "#{x}")), "auth.scopes[1]", "'#{'");
			refused(doc().set("rateLimit", Map.of("limits", List.of("${x}"))), "rateLimit.limits[0]", "'${'");
			refused(doc().set("extra", Map.of("deep", List.of("${x}"))), "extra.deep[0]", "'${'");
		}

		@Test
		void aDollarOrHashAlone_isFine() {
			assertThat(parse(doc().set("name", "Shop $ # { }")).name()).isEqualTo("Shop $ # { }");
		}

	}

	@Nested
	class Strings {

		@ParameterizedTest
		@ValueSource(strings = { "a\u0000b", "a\nb", "a\rb", "\u0007", "a\u007fb", "a\u0085b", "a\u202eb", "a\u2066b",
				"a\u2028b" })
		void controlAndBidiCharacters(String name) {
			refused(doc().set("name", name), "name", "control or bidirectional");
		}

		@Test
		void unpairedSurrogates() {
			refused("{\"name\":\"a\\ud800b\"}", "name", "unpaired surrogate");
			refused("{\"name\":\"a\\udc00\"}", "name", "unpaired surrogate");
			assertThat(parse(doc().set("name", "Shop \uD83D\uDED2")).name()).endsWith("\uD83D\uDED2");
		}

		@Test
		void requiredAndTyped() {
			refused(doc().remove("name"), "name", "is required");
			refused(doc().set("name", null), "name", "is required");
			refused(doc().set("name", "   "), "name", "blank");
			refused(doc().set("name", 42), "name", "must be a string");
			refused(doc().set("name", List.of("a")), "name", "must be a string");
			refused(doc().set("name", "a".repeat(201)), "name", "at most 200");
			refused(doc().set("version", "v".repeat(65)), "version", "at most 64");
			refused(doc().set("version", true), "version", "must be a string");
			refused(doc().remove("basePath"), "basePath", "is required");
			refused(doc().remove("upstream"), "upstream", "is required");
			refused(doc().set("stripBasePath", "true"), "stripBasePath", "true or false");
			refused(doc().set("stripBasePath", 1), "stripBasePath", "true or false");
		}

		@Test
		void status() {
			for (String s : List.of("draft", "published", "retired")) {
				assertThat(parse(doc().set("status", s)).status().wireName()).isEqualTo(s);
			}
			refused(doc().set("status", "PUBLISHED"), "status", "must be draft, published, deprecated or retired");
			refused(doc().set("status", "live"), "status", "must be draft");
			refused(doc().set("status", 1), "status", "must be a string");
		}

	}

	@Nested
	class BasePath {

		@ParameterizedTest
		@ValueSource(strings = { "shop|must start with '/'", "/shop/|must not end with '/'",
				"/shop//v1|must not contain '//'", "//shop|must not contain '//'", "/shop/../admin|'..'", "/..|'..'",
				"/a..b|'..'", "/shop/%2e%2e/x|'%2e'", "/shop/%2E|'%2e'", "/shop%2fx|percent-encoding",
				"/a%20b|percent-encoding", "/a/./b|'.' segments", "/.|'.' segments", "/a;b|may only contain",
				"/a?b|may only contain", "/a#b|may only contain", "/a\\b|may only contain", "/a b|may only contain",
				"/a{b}|may only contain", "/a\"b|may only contain", "/ä|may only contain", "/a<b|may only contain" })
		void refusedPaths(String pair) {
			String[] p = pair.split("\\|");
			refused(doc().set("basePath", p[0]), "basePath", p[1]);
		}

		@Test
		void limits() {
			refused(doc().set("basePath", "/" + "a".repeat(256)), "basePath", "at most 256");
			refused(doc().set("basePath", "/a".repeat(33)), "basePath", "at most 32 segments");
			parse(doc().set("basePath", "/a".repeat(32)));
			refused(doc().set("basePath", ""), "basePath", "blank");
			refused(doc().set("basePath", 7), "basePath", "must be a string");
		}

	}

	@Nested
	class Upstream {

		@ParameterizedTest
		@ValueSource(strings = { "shop:8080|absolute http", "/shop|absolute http", "shop|absolute http",
				"ftp://shop|http or https", "file:///etc/passwd|http or https", "javascript:alert(1)|absolute http",
				"gopher://127.0.0.1:6379/_FLUSHALL|http or https", "lb://shop|http or https", "http://|not a URI",
				"http:///x|valid host", "http://user:pw@shop|user info", "http://shop@evil|user info",
				"http://shop?x=1|query", "http://shop#f|fragment", "http://shop:0|port", "http://shop:99999|port",
				"http://shop_svc:80|valid host", "http://ex%61mple.com|valid host", "http://sh op|not a URI",
				"http://shop/a/../b|'..'", "http://shop/%2e%2e/b|'%2e'", "http://shop//x|'//'",
				"http://shop/a%2fb|encoded slashes", "http://shop/a;b|';'", "http://ｅxample.com|ASCII",
				"http://shop/ä|ASCII", "http://-shop|valid host", "http://256.1.1.1|not a valid IPv4",
				"http://1.2.3.4.5|not a valid IPv4", "http://0x100000000|not a valid IPv4",
				"http://1.2.3.09|not a valid IPv4" })
		void notAnUpstream(String pair) {
			String[] p = pair.split("\\|");
			refused(doc().set("upstream", p[0]), "upstream", p[1]);
		}

		@ParameterizedTest
		@ValueSource(strings = { "http://169.254.169.254/latest/meta-data", "http://169.254.0.1",
				"https://169.254.255.255:443", "http://[fe80::1]", "http://[FE80::abcd:1]:8080", "http://[febf::1]",
				"http://[fd00:ec2::254]", "http://[fd00:ec2:0::254]/latest", "http://[::ffff:169.254.169.254]",
				"http://[::ffff:a9fe:a9fe]", "http://[0:0:0:0:0:ffff:169.254.1.1]", "http://[::169.254.169.254]",
				"http://[::ffff:0:169.254.169.254]", "http://[64:ff9b::169.254.169.254]",
				"http://[64:ff9b:1::a9fe:a9fe]", "http://[2002:a9fe:a9fe::1]", "http://[2001:0:a9fe:a9fe::1]",
				"http://[2001:0::5601:5601]", "http://100.100.100.200", "http://192.0.0.192",
				"http://168.63.129.16/machine" })
		void linkLocalAndMetadataAddresses(String upstream) {
			refused(doc().set("upstream", upstream), "upstream", "link-local or cloud-metadata");
		}

		@ParameterizedTest
		@ValueSource(strings = { "http://2852039166|169.254.169.254", "http://0xa9fea9fe|169.254.169.254",
				"http://0XA9FEA9FE|169.254.169.254", "http://0251.0376.0251.0376|169.254.169.254",
				"http://0xa9.0xfe.0xa9.0xfe|169.254.169.254", "http://169.254.43518|169.254.169.254",
				"http://169.16689662|169.254.169.254", "http://0251.254.169.254|169.254.169.254",
				"http://169.254.169.0376|169.254.169.254", "http://1.2.3.010|1.2.3.8", "http://0x7f.1|127.0.0.1",
				"http://2130706433|127.0.0.1", "http://0|0.0.0.0", "http://010.0.0.1|8.0.0.1",
				"http://1.0x2.3.4|1.2.3.4" })
		void otherNotationsOfIpv4_areRefused_namingTheAddress(String pair) {
			String[] p = pair.split("\\|");
			refused(doc().set("upstream", p[0]), "upstream", "in another notation: write it as " + p[1]);
		}

		@ParameterizedTest
		@ValueSource(strings = { "http://metadata.google.internal/computeMetadata/v1",
				"http://METADATA.Google.Internal", "http://metadata.goog", "http://metadata", "http://instance-data",
				"http://instance-data.ec2.internal" })
		void metadataHostNames(String upstream) {
			refused(doc().set("upstream", upstream), "upstream", "cloud-metadata service");
		}

		@Test
		void zoneIds() {
			refused(doc().set("upstream", "http://[fe80::1%25eth0]"), "upstream", "zone");
		}

		@Test
		void length() {
			refused(doc().set("upstream", "http://shop/" + "a".repeat(2100)), "upstream", "at most 2048");
		}

		@Test
		void allowList_opensExactlyWhatItLists() {
			ApiCodec allowing = new ApiCodec(new ApiUpstreamRules(List.of("169.254.170.2", " fd00:ec2::254 ",
					"192.0.0.0/24", "metadata.google.internal", "[fe80::1]")), () -> true);
			for (String ok : List.of("http://169.254.170.2/v2/credentials", "http://[::ffff:169.254.170.2]",
					"http://[fd00:ec2::254]", "http://192.0.0.192", "http://metadata.google.internal",
					"http://[fe80::1]")) {
				assertThat(allowing.parse("a", doc().set("upstream", ok).json()).errors()).as(ok).isEmpty();
			}
			refused(allowing, "a", doc().set("upstream", "http://169.254.169.254").json(), "upstream",
					"tollgate.admin.allowed-upstreams");
			refused(allowing, "a", doc().set("upstream", "http://[fe80::2]").json(), "upstream", "link-local");
			refused(allowing, "a", doc().set("upstream", "http://metadata.goog").json(), "upstream", "metadata");
			// another notation of an allowed address is still another notation
			refused(allowing, "a", doc().set("upstream", "http://2852039234").json(), "upstream", "another notation");
		}

		@ParameterizedTest
		@ValueSource(strings = { "", "not a host!", "169.254.0.0/33", "1.2.3", "0xa9fea9fe", "fe80::1%eth0",
				"10.0.0.0/", "::1/129", "2852039166" })
		void badAllowListEntries_nameTheProperty(String entry) {
			assertThatIllegalArgumentException().isThrownBy(() -> new ApiUpstreamRules(List.of("10.0.0.1", entry)))
				.withMessageStartingWith("tollgate.admin.allowed-upstreams[1]: ");
		}

		@Test
		void ipv4Parsing_followsTheUrlStandard() {
			assertThat(ApiUpstreamRules.parseIpv4("1.2.3.4")).isEqualTo(0x01020304L);
			assertThat(ApiUpstreamRules.parseIpv4("0x1.0x2.3.4")).isEqualTo(0x01020304L);
			assertThat(ApiUpstreamRules.parseIpv4("0x")).isZero();
			assertThat(ApiUpstreamRules.parseIpv4("4294967295")).isEqualTo(0xffffffffL);
			assertThat(ApiUpstreamRules.parseIpv4("4294967296")).isEqualTo(-1);
			assertThat(ApiUpstreamRules.parseIpv4("1.16777216")).isEqualTo(-1);
			assertThat(ApiUpstreamRules.parseIpv4("1.2.3.4.")).isEqualTo(0x01020304L);
			assertThat(ApiUpstreamRules.parseIpv4("1..3")).isEqualTo(-1);
			assertThat(ApiUpstreamRules.parseIpv4("09")).isEqualTo(-1);
			assertThat(ApiUpstreamRules.endsInNumber("shop.example")).isFalse();
			assertThat(ApiUpstreamRules.endsInNumber("shop.0x1f")).isTrue();
			assertThat(ApiUpstreamRules.endsInNumber("shop.1")).isTrue();
			refused(doc().set("upstream", "http://shop.1"), "upstream", "valid host name");
		}

	}

	@Nested
	class Auth {

		@Test
		void required() {
			refused(doc().remove("auth"), "auth", "is required");
			refused(doc().set("auth", "public"), "auth", "must be an object");
			refused(doc().set("auth", Map.of()), "auth.mode", "is required");
			refused(doc().set("auth", Map.of("scopes", List.of("a"))), "auth.mode", "is required");
		}

		@ParameterizedTest
		@ValueSource(strings = { "JWT", "Public", "apikey", "api_key", "oauth2", "none", "basic" })
		void unknownModes(String mode) {
			refused(doc().set("auth.mode", mode), "auth.mode", "must be public, jwt, api-key or jwt-or-api-key");
		}

		@Test
		void jwtModes_needJwtValidationOnThisGateway() {
			ApiCodec noJwt = new ApiCodec(new ApiUpstreamRules(List.of()), () -> false);
			for (String mode : List.of("jwt", "jwt-or-api-key")) {
				refused(noJwt, "a", doc().set("auth.mode", mode).json(), "auth.mode",
						"needs JWT validation, and this gateway has none: configure spring.security.oauth2.resourceserver.jwt");
			}
		}

		@Test
		void scopes() {
			refused(doc().set("auth.scopes", "shop:read"), "auth.scopes", "array of strings");
			refused(doc().set("auth.scopes", List.of("shop read")), "auth.scopes[0]", "scope token");
			refused(doc().set("auth.scopes", List.of("a\"b")), "auth.scopes[0]", "scope token");
			refused(doc().set("auth.scopes", List.of("a\\b")), "auth.scopes[0]", "scope token");
			refused(doc().set("auth.scopes", List.of(1)), "auth.scopes[0]", "non-blank string");
			refused(doc().set("auth.scopes", List.of("")), "auth.scopes[0]", "non-blank string");
			refused(doc().set("auth.scopes", List.of("a", "b", "a")), "auth.scopes[2]", "repeats");
			refused(doc().set("auth.scopes", java.util.Collections.nCopies(51, "a")), "auth.scopes", "at most 50");
			refused(doc().set("auth", Map.of("mode", "api-key", "scopes", List.of("a"))), "auth.scopes",
					"cannot require them");
			refused(doc().set("auth", Map.of("mode", "public", "scopes", List.of("a"))), "auth.scopes",
					"cannot require them");
		}

	}

	@Nested
	class RateLimits {

		@Test
		void fromPlan() {
			refused(doc().set("rateLimit", Map.of("fromPlan", "yes")), "rateLimit.fromPlan", "true or false");
			for (String f : List.of("limits", "key", "algorithm", "cost")) {
				Object value = f.equals("limits") ? List.of("1/1s") : f.equals("cost") ? 1 : "gcra";
				refused(doc().set("rateLimit", Map.of("fromPlan", true, f, value)), "rateLimit." + f,
						"not allowed with fromPlan");
			}
			refused(doc().set("auth.mode", "public").set("rateLimit", Map.of("fromPlan", true)), "rateLimit.fromPlan",
					"anonymous");
			refused(doc().set("rateLimit", Map.of("fromPlan", false)), "rateLimit.limits", "is required");
			refused(doc().set("rateLimit", List.of("1/1s")), "rateLimit", "must be an object");
		}

		@Test
		void limits() {
			refused(doc().set("rateLimit", Map.of()), "rateLimit.limits", "is required");
			refused(doc().set("rateLimit.limits", List.of()), "rateLimit.limits", "at least one");
			refused(doc().set("rateLimit.limits", "10/1s"), "rateLimit.limits", "array of strings");
			refused(doc().set("rateLimit.limits", List.of("10/1s", "abc")), "rateLimit.limits[1]", "Bad rate limit");
			refused(doc().set("rateLimit.limits", List.of("x/1s")), "rateLimit.limits[0]", "Bad count");
			refused(doc().set("rateLimit.limits", List.of("0/1s")), "rateLimit.limits[0]", "at least 1");
			refused(doc().set("rateLimit.limits", List.of("-5/1s")), "rateLimit.limits[0]", "at least 1");
			refused(doc().set("rateLimit.limits", List.of("99999999999999999999/1s")), "rateLimit.limits[0]",
					"Bad count");
			refused(doc().set("rateLimit.limits", List.of("10/1fortnight")), "rateLimit.limits[0]", "Bad duration");
			refused(doc().set("rateLimit.limits", List.of("10/0s")), "rateLimit.limits[0]", "at least 1ms");
			refused(doc().set("rateLimit.limits", List.of("10/5mo")), "rateLimit.limits[0]", "divide a year");
			refused(doc().set("rateLimit.limits", List.of("10/1s;20/1m")), "rateLimit.limits[0]", "one limit");
			refused(doc().set("rateLimit.limits", List.of("10/1s,20/1m")), "rateLimit.limits[0]", "one limit");
			refused(doc().set("rateLimit.limits", List.of("10/1s", " 10/1s")), "rateLimit.limits[1]", "repeats");
			refused(doc().set("rateLimit.limits", java.util.Collections.nCopies(17, "1/1s")), "rateLimit.limits",
					"at most 16");
			refused(doc().set("rateLimit.limits", List.of("10/1mo")), "rateLimit.algorithm", "needs fixed-window");
		}

		@Test
		void keys() {
			Doc base = doc().set("rateLimit.limits", List.of("10/1s"));
			for (String ok : List.of("principal", "consumer", "ip", "api-key", "route", "global", "claim:tenant",
					"claim:https://example.com/org", "header:X-Tenant-Id", "Principal")) {
				assertThat(codec.parse("a", doc().set("rateLimit", Map.of("limits", List.of("1/1s"), "key", ok)).json())
					.errors()).as(ok).isEmpty();
			}
			refused(base.set("rateLimit.key", "user"), "rateLimit.key", "Unknown ClusterRateLimit key");
			refused(doc().set("rateLimit", Map.of("limits", List.of("1/1s"), "key", "claim:")), "rateLimit.key",
					"needs a claim name");
			refused(doc().set("rateLimit", Map.of("limits", List.of("1/1s"), "key", "header:Bad Name")),
					"rateLimit.key", "header name");
			refused(doc().set("rateLimit", Map.of("limits", List.of("1/1s"), "key", "header:a:b")), "rateLimit.key",
					"header name");
			refused(doc().set("rateLimit", Map.of("limits", List.of("1/1s"), "key", 5)), "rateLimit.key",
					"must be a string");
			for (String identity : List.of("principal", "consumer", "api-key", "claim:sub")) {
				refused(doc().set("auth.mode", "public")
					.set("rateLimit", Map.of("limits", List.of("1/1s"), "key", identity)), "rateLimit.key",
						"anonymous");
			}
			assertThat(
					parse(doc().set("rateLimit", Map.of("limits", List.of("1/1s"), "key", "CLAIM: tenant"))).rateLimit()
						.key())
				.isEqualTo("claim:tenant");
		}

		@Test
		void algorithmCostAndStoreFailure() {
			Doc base = doc().set("rateLimit.limits", List.of("10/1s"));
			refused(base.set("rateLimit.algorithm", "leaky-bucket"), "rateLimit.algorithm", "Unknown rate-limit");
			base = doc().set("rateLimit.limits", List.of("10/1s"));
			refused(base.set("rateLimit.cost", 0), "rateLimit.cost", "whole number from 1");
			refused(base.set("rateLimit.cost", 1.5), "rateLimit.cost", "whole number");
			refused(base.set("rateLimit.cost", "2"), "rateLimit.cost", "whole number");
			refused(base.set("rateLimit.cost", 11), "rateLimit.cost", "no request could ever be admitted");
			refused("{\"name\":\"a\",\"basePath\":\"/a\",\"upstream\":\"http://a\",\"auth\":{\"mode\":\"jwt\"},"
					+ "\"rateLimit\":{\"limits\":[\"1/1s\"],\"cost\":1e400}}", "rateLimit.cost", "whole number");
			refused("{\"name\":\"a\",\"basePath\":\"/a\",\"upstream\":\"http://a\",\"auth\":{\"mode\":\"jwt\"},"
					+ "\"rateLimit\":{\"limits\":[\"1/1s\"],\"cost\":99999999999999999999999}}", "rateLimit.cost",
					"whole number");
			base = doc().set("rateLimit.limits", List.of("10/1s"));
			refused(base.set("rateLimit.onStoreFailure", "maybe"), "rateLimit.onStoreFailure", "local, allow or deny");
			refused(doc().set("rateLimit", Map.of("fromPlan", true, "onStoreFailure", "x")), "rateLimit.onStoreFailure",
					"local, allow or deny");
			refused(doc().set("rateLimit", Map.of("limits", List.of("1/1s"), "legacyHeaders", "yes")),
					"rateLimit.legacyHeaders", "true or false");
		}

	}

	@Nested
	class CircuitBreakers {

		Doc cb(String field, Object value) {
			return doc().set("circuitBreaker", Map.of(field, value));
		}

		@Test
		void thresholds() {
			for (String f : List.of("failureRateThreshold", "slowCallRateThreshold")) {
				refused(cb(f, 0), "circuitBreaker." + f, "(0, 100]");
				refused(cb(f, 100.5), "circuitBreaker." + f, "(0, 100]");
				refused(cb(f, -1), "circuitBreaker." + f, "(0, 100]");
				refused(cb(f, "50"), "circuitBreaker." + f, "number");
				assertThat(parse(cb(f, 100))).isNotNull();
			}
			refused("{\"name\":\"a\",\"basePath\":\"/a\",\"upstream\":\"http://a\",\"auth\":{\"mode\":\"jwt\"},"
					+ "\"circuitBreaker\":{\"failureRateThreshold\":1e999}}", "circuitBreaker.failureRateThreshold",
					"number");
		}

		@Test
		void durations() {
			for (String f : List.of("slowCallDuration", "slidingWindow", "waitInOpen", "timeout")) {
				String field = "circuitBreaker." + f;
				refused(cb(f, "soon"), field, "must be a duration");
				refused(cb(f, "0s"), field, "positive");
				refused(cb(f, "-5s"), field, "positive");
				refused(cb(f, "10ns"), field, "whole milliseconds");
				refused(cb(f, "25h"), field, "at most 1d");
				refused(cb(f, 30), field, "must be a string");
				assertThat(parse(cb(f, "1d"))).isNotNull();
			}
			refused(cb("slidingWindow", "1500ms"), "circuitBreaker.slidingWindow", "whole seconds");
		}

		@Test
		void counts() {
			refused(cb("minimumCalls", 0), "circuitBreaker.minimumCalls", "whole number from 1");
			refused(cb("minimumCalls", 2.5), "circuitBreaker.minimumCalls", "whole number");
			refused(cb("minimumCalls", 1_000_001), "circuitBreaker.minimumCalls", "to 1000000");
			refused(cb("halfOpenCalls", 0), "circuitBreaker.halfOpenCalls", "whole number from 1");
			refused(cb("halfOpenCalls", 1001), "circuitBreaker.halfOpenCalls", "to 1000");
		}

		@Test
		void statuses() {
			refused(cb("failureStatuses", List.of()), "circuitBreaker.failureStatuses", "1 to 100");
			refused(cb("failureStatuses", 500), "circuitBreaker.failureStatuses", "array");
			refused(cb("failureStatuses", List.of(500, 99)), "circuitBreaker.failureStatuses[1]", "100-599");
			refused(cb("failureStatuses", List.of(600)), "circuitBreaker.failureStatuses[0]", "100-599");
			refused(cb("failureStatuses", List.of("500")), "circuitBreaker.failureStatuses[0]", "100-599");
			refused(cb("failureStatuses", List.of(500, 500)), "circuitBreaker.failureStatuses[1]", "repeats");
			refused(cb("failureStatuses", java.util.Collections.nCopies(101, 500)), "circuitBreaker.failureStatuses",
					"1 to 100");
		}

		@Test
		void nameAndFallback() {
			refused(cb("name", "bad name"), "circuitBreaker.name", "must match");
			refused(cb("name", "a".repeat(101)), "circuitBreaker.name", "");
			refused(cb("name", "{x}"), "circuitBreaker.name", "must match");
			refused(cb("fallbackUri", "http://evil.example/"), "circuitBreaker.fallbackUri", "forward:/path");
			refused(cb("fallbackUri", "forward:fallback"), "circuitBreaker.fallbackUri", "forward:/path");
			refused(cb("fallbackUri", "forward:/../admin"), "circuitBreaker.fallbackUri", "'..'");
			refused(cb("fallbackUri", "forward:/a?x=1"), "circuitBreaker.fallbackUri", "query");
			refused(cb("fallbackUri", "forward:/a/"), "circuitBreaker.fallbackUri", "must not end");
		}

	}

	@Nested
	class Lifecycle {

		@ParameterizedTest
		@ValueSource(strings = { "2026-01-01", "2026-01-01T00:00:00", "2026-01-01 00:00:00Z", "01/01/2026",
				"2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:60Z",
				"1767225600", "tomorrow" })
		void notRfc3339(String text) {
			refused(doc().set("deprecatedAt", text), "deprecatedAt", "RFC 3339");
			refused(doc().set("sunsetAt", text), "sunsetAt", "RFC 3339");
		}

		@Test
		void numbersAreNotDates() {
			refused(doc().set("sunsetAt", 1767225600), "sunsetAt", "must be a string");
		}

		@Test
		void yearRange() {
			refused(doc().set("sunsetAt", "1969-12-31T23:59:59Z"), "sunsetAt", "between 1970 and 9999");
			refused(doc().set("sunsetAt", "9999-12-31T23:59:59-01:00"), "sunsetAt", "between 1970 and 9999");
			refused(doc().set("sunsetAt", "+12026-01-01T00:00:00Z"), "sunsetAt", "between 1970 and 9999");
		}

		@Test
		void sunsetBeforeDeprecation() {
			refused(doc().set("deprecatedAt", "2026-06-01T00:00:00Z").set("sunsetAt", "2026-05-31T23:59:59Z"),
					"sunsetAt", "must not be before deprecatedAt");
		}

		@Test
		void deprecatedNeedsItsDate() {
			refused(doc().set("status", "deprecated"), "deprecatedAt", "required when status is deprecated");
			parse(doc().set("status", "deprecated").set("deprecatedAt", "2026-01-01T00:00:00Z"));
			// a date alone announces nothing until the status says so
			parse(doc().set("status", "published").set("deprecatedAt", "2030-01-01T00:00:00Z"));
		}

		@Test
		void successor() {
			refused(doc().set("successor", "Shop-V2"), "successor", "must be the id of an API");
			refused(doc().set("successor", "/shop/v2"), "successor", "must be the id of an API");
			refused(doc().set("successor", "shop-v1"), "successor", "must not be the API itself");
			assertThat(parse(doc().set("successor", "shop-v2")).successor()).isEqualTo("shop-v2");
		}

	}

	@Test
	void errorsNeverEchoRawControlCharacters() {
		List<FieldError> errors = errors(codec, "shop-v1", doc().set("status", "x\u0000\n\u001b[31m").json());
		String all = errors.stream().map(e -> e.field() + e.detail()).collect(Collectors.joining());
		assertThat(all).doesNotContain("\u0000", "\n", "\u001b");
	}

}
