package io.tollgate.gateway.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.lang.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.registry.ApiDefinition.Auth;
import io.tollgate.gateway.registry.ApiDefinition.AuthMode;
import io.tollgate.gateway.registry.ApiDefinition.CircuitBreaker;
import io.tollgate.gateway.registry.ApiDefinition.RateLimit;
import io.tollgate.gateway.registry.ApiDefinition.Status;
import io.tollgate.policy.circuitbreaker.BreakerSettings;
import io.tollgate.policy.ratelimit.Algorithm;
import io.tollgate.policy.ratelimit.CallerKeyResolver;
import io.tollgate.policy.ratelimit.Limit;
import io.tollgate.policy.ratelimit.LimitParser;
import io.tollgate.policy.ratelimit.OnStoreFailure;
import io.tollgate.policy.ratelimit.RateLimitPolicy;

/**
 * The {@code apis} document: strict parsing and validation (every error names its field)
 * and the canonical JSON (fixed field order, defaults written out). The JSON is read as a
 * tree and walked field by field: no data binding, no polymorphic typing, nothing is ever
 * evaluated; unknown and duplicate fields are refused.
 */
public final class ApiCodec implements ResourceCodec<ApiDefinition> {

	static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	/** RFC 6749 scope-token characters. */
	private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");

	private static final Pattern BREAKER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

	private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

	private static final Pattern CLAIM_NAME = Pattern.compile("[\\x21-\\x7E]{1,200}");

	private static final List<String> FIELDS = List.of("name", "version", "basePath", "upstream", "stripBasePath",
			"status", "auth", "rateLimit", "circuitBreaker", "deprecatedAt", "sunsetAt", "successor");

	private static final List<String> AUTH_FIELDS = List.of("mode", "scopes");

	private static final List<String> RATE_LIMIT_FIELDS = List.of("fromPlan", "limits", "key", "algorithm", "cost",
			"onStoreFailure", "legacyHeaders");

	private static final List<String> BREAKER_FIELDS = List.of("name", "failureRateThreshold", "slowCallRateThreshold",
			"slowCallDuration", "slidingWindow", "minimumCalls", "waitInOpen", "halfOpenCalls", "failureStatuses",
			"timeout", "fallbackUri");

	/** Keys that identify a caller, which an anonymous (public) API's callers lack. */
	private static final Set<String> IDENTITY_KEYS = Set.of("principal", "consumer", "api-key");

	static final int MAX_ERRORS = 50;

	static final int MAX_LIMITS = 16;

	static final int MAX_SCOPES = 50;

	static final Duration MAX_BREAKER_DURATION = Duration.ofDays(1);

	private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder().parseCaseInsensitive()
		.append(DateTimeFormatter.ISO_LOCAL_DATE)
		.appendLiteral('T')
		.append(DateTimeFormatter.ISO_LOCAL_TIME)
		.appendOffsetId()
		.toFormatter(Locale.ROOT)
		.withResolverStyle(ResolverStyle.STRICT)
		.withChronology(java.time.chrono.IsoChronology.INSTANCE);

	private final ApiUpstreamRules upstreams;

	private final BooleanSupplier jwtConfigured;

	private final JsonMapper mapper;

	/**
	 * @param upstreams the upstream rules (with {@code tollgate.admin.allowed-upstreams})
	 * @param jwtConfigured whether this gateway validates JWTs (a
	 * {@code ReactiveJwtDecoder} exists): without it, the JWT auth modes are refused
	 */
	public ApiCodec(ApiUpstreamRules upstreams, BooleanSupplier jwtConfigured) {
		this.upstreams = upstreams;
		this.jwtConfigured = jwtConfigured;
		JsonFactory factory = JsonFactory.builder()
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(16)
				.maxStringLength(64 * 1024)
				.maxNameLength(256)
				.maxNumberLength(64)
				.maxDocumentLength(1024 * 1024)
				.build())
			.build();
		this.mapper = JsonMapper.builder(factory)
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY,
					DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();
	}

	@Override
	public Kind kind() {
		return Kind.APIS;
	}

	@Override
	public Set<String> uniques(ApiDefinition api) {
		return Set.of("basePath:" + api.basePath());
	}

	@Override
	public Parsed<ApiDefinition> parse(String id, String json) {
		Errors errors = new Errors();
		if (id == null || !ID.matcher(id).matches()) {
			errors.add("id", "must match " + ID.pattern() + ", got " + quote(id));
		}
		JsonNode root;
		try {
			root = this.mapper.readTree(json == null ? "" : json);
		}
		catch (JacksonException ex) {
			errors.add("$", "is not valid JSON: " + Errors.clean(ex.getOriginalMessage()));
			return Parsed.refused(errors.list());
		}
		if (root == null || !root.isObject()) {
			errors.add("$", "must be a JSON object");
			return Parsed.refused(errors.list());
		}
		scanStrings(root, "", errors);
		ApiDefinition api = new Reader(errors, id).read(root);
		if (!errors.isEmpty() || api == null) {
			return Parsed.refused(errors.list());
		}
		return Parsed.ok(api);
	}

	/**
	 * Every string anywhere in the document: no expression markers, no control or
	 * bidirectional-override characters, no unpaired surrogates.
	 */
	private static void scanStrings(JsonNode node, String path, Errors errors) {
		if (node.isString()) {
			String s = node.stringValue();
			if (s.contains("#{") || s.contains("${")) {
				errors.add(path, "must not contain '#{' or '${': nothing here is ever evaluated, and such values are"
						+ " refused so that no later consumer evaluates them either");
			}
			String bad = badCharacter(s);
			if (bad != null) {
				errors.add(path, bad);
			}
		}
		else if (node.isObject()) {
			for (Map.Entry<String, JsonNode> e : node.properties()) {
				scanStrings(e.getValue(), join(path, e.getKey()), errors);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				scanStrings(node.get(i), path + "[" + i + "]", errors);
			}
		}
	}

	@Nullable
	static String badCharacter(String s) {
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || (c >= '\u202A' && c <= '\u202E')
					|| (c >= '\u2066' && c <= '\u2069')) {
				return "must not contain control or bidirectional-override characters (U+"
						+ String.format("%04X", (int) c) + " at " + i + ")";
			}
			if (Character.isHighSurrogate(c)) {
				if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
					i++;
					continue;
				}
				return "must not contain an unpaired surrogate (at " + i + ")";
			}
			if (Character.isLowSurrogate(c)) {
				return "must not contain an unpaired surrogate (at " + i + ")";
			}
		}
		return null;
	}

	static String join(String path, String field) {
		return path.isEmpty() ? field : path + "." + field;
	}

	static String quote(@Nullable String value) {
		if (value == null) {
			return "null";
		}
		String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
		return "'" + Errors.clean(cut) + "'";
	}

	@Override
	public String canonical(ApiDefinition api) {
		ObjectNode root = this.mapper.createObjectNode();
		root.put("name", api.name());
		if (api.version() != null) {
			root.put("version", api.version());
		}
		root.put("basePath", api.basePath());
		root.put("upstream", api.upstream().toString());
		root.put("stripBasePath", api.stripBasePath());
		root.put("status", api.status().wireName());
		ObjectNode auth = root.putObject("auth");
		auth.put("mode", api.auth().mode().wireName());
		ArrayNode scopes = auth.putArray("scopes");
		api.auth().scopes().forEach(scopes::add);
		RateLimit rl = api.rateLimit();
		if (rl != null) {
			ObjectNode r = root.putObject("rateLimit");
			if (rl.fromPlan()) {
				r.put("fromPlan", true);
			}
			else {
				ArrayNode limits = r.putArray("limits");
				rl.limits().forEach(limits::add);
				r.put("key", rl.key());
				r.put("algorithm", rl.algorithm());
				r.put("cost", rl.cost());
			}
			r.put("onStoreFailure", rl.onStoreFailure());
			r.put("legacyHeaders", rl.legacyHeaders());
		}
		CircuitBreaker cb = api.circuitBreaker();
		if (cb != null) {
			ObjectNode b = root.putObject("circuitBreaker");
			putIfSet(b, "name", cb.name());
			if (cb.failureRateThreshold() != null) {
				b.put("failureRateThreshold", cb.failureRateThreshold());
			}
			if (cb.slowCallRateThreshold() != null) {
				b.put("slowCallRateThreshold", cb.slowCallRateThreshold());
			}
			putIfSet(b, "slowCallDuration", format(cb.slowCallDuration()));
			putIfSet(b, "slidingWindow", format(cb.slidingWindow()));
			if (cb.minimumCalls() != null) {
				b.put("minimumCalls", cb.minimumCalls());
			}
			putIfSet(b, "waitInOpen", format(cb.waitInOpen()));
			if (cb.halfOpenCalls() != null) {
				b.put("halfOpenCalls", cb.halfOpenCalls());
			}
			if (cb.failureStatuses() != null) {
				ArrayNode statuses = b.putArray("failureStatuses");
				cb.failureStatuses().forEach(statuses::add);
			}
			putIfSet(b, "timeout", format(cb.timeout()));
			putIfSet(b, "fallbackUri", cb.fallbackUri());
		}
		putIfSet(root, "deprecatedAt", api.deprecatedAt() == null ? null : api.deprecatedAt().toString());
		putIfSet(root, "sunsetAt", api.sunsetAt() == null ? null : api.sunsetAt().toString());
		putIfSet(root, "successor", api.successor());
		return this.mapper.writeValueAsString(root);
	}

	private static void putIfSet(ObjectNode node, String field, @Nullable String value) {
		if (value != null) {
			node.put(field, value);
		}
	}

	/** A duration in the largest unit that states it exactly: 30s, 2m, 1500ms. */
	@Nullable
	static String format(@Nullable Duration d) {
		if (d == null) {
			return null;
		}
		long ms = d.toMillis();
		if (ms % 86_400_000 == 0) {
			return ms / 86_400_000 + "d";
		}
		if (ms % 3_600_000 == 0) {
			return ms / 3_600_000 + "h";
		}
		if (ms % 60_000 == 0) {
			return ms / 60_000 + "m";
		}
		if (ms % 1000 == 0) {
			return ms / 1000 + "s";
		}
		return ms + "ms";
	}

	/** Field errors in document order, capped. */
	static final class Errors {

		private final List<FieldError> list = new ArrayList<>();

		private boolean truncated;

		void add(String field, String detail) {
			if (this.list.size() < MAX_ERRORS) {
				this.list.add(new FieldError(field, detail));
			}
			else if (!this.truncated) {
				this.truncated = true;
			}
		}

		boolean isEmpty() {
			return this.list.isEmpty();
		}

		List<FieldError> list() {
			if (!this.truncated) {
				return this.list;
			}
			List<FieldError> out = new ArrayList<>(this.list);
			out.add(new FieldError("$", "more errors were found; fix these first"));
			return out;
		}

		/** Printable ASCII only, for echoing input in details. */
		static String clean(@Nullable String s) {
			if (s == null) {
				return "";
			}
			StringBuilder sb = new StringBuilder(Math.min(s.length(), 300));
			for (int i = 0; i < s.length() && sb.length() < 300; i++) {
				char c = s.charAt(i);
				sb.append(c >= 0x20 && c < 0x7f ? c : '?');
			}
			return sb.toString();
		}

	}

	/** One walk over one document. */
	private final class Reader {

		private final Errors errors;

		@Nullable
		private final String id;

		Reader(Errors errors, @Nullable String id) {
			this.errors = errors;
			this.id = id;
		}

		@Nullable
		ApiDefinition read(JsonNode root) {
			unknown(root, "", FIELDS);
			String name = string(root, "", "name", true, 200);
			String version = string(root, "", "version", false, 64);
			String basePath = string(root, "", "basePath", true, Integer.MAX_VALUE);
			if (basePath != null) {
				String error = ApiBasePath.error(basePath);
				if (error != null) {
					this.errors.add("basePath", error);
				}
			}
			String upstreamText = string(root, "", "upstream", true, Integer.MAX_VALUE);
			java.net.URI upstream = null;
			if (upstreamText != null) {
				ApiUpstreamRules.Checked checked = ApiCodec.this.upstreams.check(upstreamText);
				if (checked.error() != null) {
					this.errors.add("upstream", checked.error());
				}
				upstream = checked.uri();
			}
			Boolean strip = bool(root, "", "stripBasePath");
			Status status = status(root);
			Auth auth = auth(root);
			RateLimit rateLimit = rateLimit(root, auth);
			CircuitBreaker breaker = circuitBreaker(root);
			Instant deprecatedAt = instant(root, "deprecatedAt");
			Instant sunsetAt = instant(root, "sunsetAt");
			if (deprecatedAt != null && sunsetAt != null && sunsetAt.isBefore(deprecatedAt)) {
				this.errors.add("sunsetAt", "must not be before deprecatedAt (" + deprecatedAt + "): RFC 8594");
			}
			if (status == Status.DEPRECATED && deprecatedAt == null && !present(root, "deprecatedAt")) {
				this.errors.add("deprecatedAt",
						"is required when status is deprecated: the Deprecation header (RFC 9745) carries it");
			}
			String successor = string(root, "", "successor", false, 63);
			if (successor != null) {
				if (!ID.matcher(successor).matches()) {
					this.errors.add("successor",
							"must be the id of an API (" + ID.pattern() + "), got " + quote(successor));
				}
				else if (successor.equals(this.id)) {
					this.errors.add("successor", "must not be the API itself");
				}
			}
			if (!this.errors.isEmpty()) {
				return null;
			}
			return new ApiDefinition(this.id, name, version, basePath, upstream, strip != null && strip,
					status == null ? Status.DRAFT : status, auth, rateLimit, breaker, deprecatedAt, sunsetAt,
					successor);
		}

		@Nullable
		private Status status(JsonNode root) {
			String text = string(root, "", "status", false, 20);
			if (text == null) {
				return present(root, "status") ? null : Status.DRAFT;
			}
			for (Status s : Status.values()) {
				if (s.wireName().equals(text)) {
					return s;
				}
			}
			this.errors.add("status", "must be draft, published, deprecated or retired, got " + quote(text));
			return null;
		}

		@Nullable
		private Auth auth(JsonNode root) {
			JsonNode node = object(root, "", "auth", true);
			if (node == null) {
				return null;
			}
			unknown(node, "auth", AUTH_FIELDS);
			String modeText = string(node, "auth", "mode", true, 20);
			AuthMode mode = null;
			if (modeText != null) {
				mode = AuthMode.fromWire(modeText);
				if (mode == null) {
					this.errors.add("auth.mode",
							"must be public, jwt, api-key or jwt-or-api-key, got " + quote(modeText));
				}
				else if (mode.acceptsJwt() && !ApiCodec.this.jwtConfigured.getAsBoolean()) {
					this.errors.add("auth.mode", "'" + mode.wireName()
							+ "' needs JWT validation, and this gateway has none: configure"
							+ " spring.security.oauth2.resourceserver.jwt.issuer-uri or jwk-set-uri, or use mode"
							+ " api-key or public");
				}
			}
			List<String> scopes = stringList(node, "auth", "scopes", MAX_SCOPES);
			if (scopes != null) {
				Set<String> seen = new HashSet<>();
				for (int i = 0; i < scopes.size(); i++) {
					String s = scopes.get(i);
					String field = "auth.scopes[" + i + "]";
					if (!SCOPE.matcher(s).matches()) {
						this.errors.add(field,
								"must be a scope token (no spaces, quotes or backslashes), got " + quote(s));
					}
					else if (!seen.add(s)) {
						this.errors.add(field, "repeats scope " + quote(s));
					}
				}
				if (!scopes.isEmpty() && mode != null && !mode.acceptsJwt()) {
					this.errors.add("auth.scopes", "scopes are granted by JWTs: mode '" + mode.wireName()
							+ "' cannot require them (use jwt or jwt-or-api-key)");
				}
			}
			if (mode == null) {
				return null;
			}
			return new Auth(mode, scopes == null ? List.of() : scopes);
		}

		@Nullable
		private RateLimit rateLimit(JsonNode root, @Nullable Auth auth) {
			JsonNode node = object(root, "", "rateLimit", false);
			if (node == null) {
				return null;
			}
			unknown(node, "rateLimit", RATE_LIMIT_FIELDS);
			Boolean fromPlan = bool(node, "rateLimit", "fromPlan");
			if (fromPlan == null && present(node, "fromPlan")) {
				return null;
			}
			String onStoreFailure = null;
			String osfText = string(node, "rateLimit", "onStoreFailure", false, 20);
			try {
				onStoreFailure = OnStoreFailure.parse(osfText).name().toLowerCase(Locale.ROOT);
			}
			catch (IllegalArgumentException ex) {
				this.errors.add("rateLimit.onStoreFailure", ex.getMessage());
			}
			Boolean legacy = bool(node, "rateLimit", "legacyHeaders");
			boolean legacyHeaders = legacy != null && legacy;
			if (fromPlan != null && fromPlan) {
				for (String f : List.of("limits", "key", "algorithm", "cost")) {
					if (present(node, f)) {
						this.errors.add("rateLimit." + f, "is not allowed with fromPlan: the consumer's plan gives"
								+ " the limits (key consumer, budget plan:<planId>)");
					}
				}
				if (auth != null && auth.mode() == AuthMode.PUBLIC) {
					this.errors.add("rateLimit.fromPlan",
							"needs callers identified as consumers: a public API has anonymous callers (use mode"
									+ " api-key, jwt or jwt-or-api-key)");
				}
				return onStoreFailure == null ? null
						: new RateLimit(true, List.of(), "consumer", "gcra", 1, onStoreFailure, legacyHeaders);
			}
			List<Limit> limits = limits(node);
			String key = key(node, auth);
			Algorithm algorithm = null;
			String algorithmText = string(node, "rateLimit", "algorithm", false, 30);
			try {
				algorithm = Algorithm.parse(algorithmText);
			}
			catch (IllegalArgumentException ex) {
				this.errors.add("rateLimit.algorithm", ex.getMessage());
			}
			Long cost = longValue(node, "rateLimit", "cost", 1, Long.MAX_VALUE);
			long units = cost == null ? 1 : cost;
			if (limits == null || algorithm == null || key == null || onStoreFailure == null
					|| (cost == null && present(node, "cost"))) {
				return null;
			}
			for (int i = 0; i < limits.size(); i++) {
				Limit limit = limits.get(i);
				if (limit.isCalendarMonths() && algorithm != Algorithm.FIXED_WINDOW) {
					this.errors.add("rateLimit.algorithm",
							"calendar-month limit " + limit + " needs fixed-window, not " + algorithm.configName());
					return null;
				}
				if (units > limit.count()) {
					this.errors.add("rateLimit.cost",
							"cost " + units + " exceeds limit " + limit + ": no request could ever be admitted");
					return null;
				}
			}
			try {
				new RateLimitPolicy("api:" + this.id, algorithm, limits, units, OnStoreFailure.parse(onStoreFailure));
			}
			catch (IllegalArgumentException ex) {
				this.errors.add("rateLimit", ex.getMessage());
				return null;
			}
			return new RateLimit(false, limits.stream().map(Limit::toString).toList(), key, algorithm.configName(),
					units, onStoreFailure, legacyHeaders);
		}

		@Nullable
		private List<Limit> limits(JsonNode node) {
			if (!present(node, "limits")) {
				this.errors.add("rateLimit.limits",
						"is required (such as [\"100/1s\", \"10000/1d\"]) unless fromPlan is true");
				return null;
			}
			List<String> texts = stringList(node, "rateLimit", "limits", MAX_LIMITS);
			if (texts == null) {
				return null;
			}
			if (texts.isEmpty()) {
				this.errors.add("rateLimit.limits", "needs at least one limit such as \"100/1s\"");
				return null;
			}
			List<Limit> limits = new ArrayList<>();
			Set<String> names = new HashSet<>();
			boolean ok = true;
			for (int i = 0; i < texts.size(); i++) {
				String field = "rateLimit.limits[" + i + "]";
				String text = texts.get(i).trim();
				if (text.indexOf(',') >= 0 || text.indexOf(';') >= 0) {
					this.errors.add(field, "must be one limit (one array element per limit), got " + quote(text));
					ok = false;
					continue;
				}
				try {
					Limit limit = LimitParser.parseOne(text);
					if (!names.add(limit.name())) {
						this.errors.add(field, "repeats limit " + limit);
						ok = false;
					}
					limits.add(limit);
				}
				catch (IllegalArgumentException ex) {
					this.errors.add(field, ex.getMessage());
					ok = false;
				}
			}
			return ok ? limits : null;
		}

		@Nullable
		private String key(JsonNode node, @Nullable Auth auth) {
			boolean anonymous = auth != null && auth.mode() == AuthMode.PUBLIC;
			String key = string(node, "rateLimit", "key", false, 220);
			if (key == null) {
				if (present(node, "key")) {
					return null;
				}
				// a public API's callers are anonymous: count them by address
				return anonymous ? "ip" : "principal";
			}
			key = key.trim();
			String lower = key.toLowerCase(Locale.ROOT);
			try {
				CallerKeyResolver.parse(key, null, "api:" + this.id);
			}
			catch (IllegalArgumentException ex) {
				this.errors.add("rateLimit.key", ex.getMessage());
				return null;
			}
			if (lower.startsWith("header:") && !HEADER_NAME.matcher(key.substring(7).trim()).matches()) {
				this.errors.add("rateLimit.key", "header:NAME needs an HTTP header name, got " + quote(key));
				return null;
			}
			if (lower.startsWith("claim:") && !CLAIM_NAME.matcher(key.substring(6).trim()).matches()) {
				this.errors.add("rateLimit.key", "claim:NAME needs a claim name without spaces, got " + quote(key));
				return null;
			}
			if (anonymous && (IDENTITY_KEYS.contains(lower) || lower.startsWith("claim:"))) {
				this.errors.add("rateLimit.key", "'" + key + "' needs an identified caller, and a public API's"
						+ " callers are anonymous: use ip, header:NAME, route or global");
				return null;
			}
			if (lower.startsWith("claim:") || lower.startsWith("header:")) {
				int colon = key.indexOf(':');
				return lower.substring(0, colon) + ":" + key.substring(colon + 1).trim();
			}
			return lower;
		}

		@Nullable
		private CircuitBreaker circuitBreaker(JsonNode root) {
			JsonNode node = object(root, "", "circuitBreaker", false);
			if (node == null) {
				return null;
			}
			unknown(node, "circuitBreaker", BREAKER_FIELDS);
			String p = "circuitBreaker";
			String name = string(node, p, "name", false, 101);
			if (name != null && !BREAKER_NAME.matcher(name).matches()) {
				this.errors.add("circuitBreaker.name", "must match " + BREAKER_NAME.pattern() + ", got " + quote(name));
			}
			Float failureRate = percent(node, "failureRateThreshold");
			Float slowRate = percent(node, "slowCallRateThreshold");
			Duration slowCall = duration(node, "slowCallDuration");
			Duration windowText = duration(node, "slidingWindow");
			Duration window = windowText;
			if (windowText != null && windowText.toMillis() % 1000 != 0) {
				this.errors.add("circuitBreaker.slidingWindow", "must be whole seconds, got " + format(windowText));
				window = null;
			}
			Duration wholeWindow = window;
			Long minimumCalls = longValue(node, p, "minimumCalls", 1, 1_000_000);
			Duration waitInOpen = duration(node, "waitInOpen");
			Long halfOpen = longValue(node, p, "halfOpenCalls", 1, 1000);
			List<Integer> statuses = statuses(node);
			Duration timeout = duration(node, "timeout");
			String fallback = string(node, p, "fallbackUri", false, 300);
			if (fallback != null) {
				String error = fallbackError(fallback);
				if (error != null) {
					this.errors.add("circuitBreaker.fallbackUri", error);
				}
			}
			// each value checked by the breaker's own rules, the others held at valid
			// placeholders, so every error names its own field
			Integer minimum = minimumCalls == null ? null : minimumCalls.intValue();
			Integer trials = halfOpen == null ? null : halfOpen.intValue();
			check("failureRateThreshold", () -> settings(failureRate, null, null, null, null, null, null, null, null));
			check("slowCallRateThreshold", () -> settings(null, slowRate, null, null, null, null, null, null, null));
			check("slowCallDuration", () -> settings(null, null, slowCall, null, null, null, null, null, null));
			check("slidingWindow", () -> settings(null, null, null, wholeWindow, null, null, null, null, null));
			check("minimumCalls", () -> settings(null, null, null, null, minimum, null, null, null, null));
			check("waitInOpen", () -> settings(null, null, null, null, null, waitInOpen, null, null, null));
			check("halfOpenCalls", () -> settings(null, null, null, null, null, null, trials, null, null));
			check("failureStatuses", () -> settings(null, null, null, null, null, null, null, statuses, null));
			check("timeout", () -> settings(null, null, null, null, null, null, null, null, timeout));
			return new CircuitBreaker(name, failureRate, slowRate, slowCall, window, minimum, waitInOpen, trials,
					statuses, timeout, fallback);
		}

		private void check(String field, Runnable validation) {
			try {
				validation.run();
			}
			catch (IllegalArgumentException ex) {
				this.errors.add("circuitBreaker." + field, ex.getMessage());
			}
		}

		private BreakerSettings settings(@Nullable Float failureRate, @Nullable Float slowRate,
				@Nullable Duration slowCall, @Nullable Duration window, @Nullable Integer minimumCalls,
				@Nullable Duration waitInOpen, @Nullable Integer halfOpen, @Nullable List<Integer> statuses,
				@Nullable Duration timeout) {
			return new BreakerSettings("validation", failureRate != null ? failureRate : 50f,
					slowRate != null ? slowRate : 100f, slowCall != null ? slowCall : Duration.ofSeconds(60),
					window != null ? window : Duration.ofSeconds(10), minimumCalls != null ? minimumCalls : 20,
					waitInOpen != null ? waitInOpen : Duration.ofSeconds(30), halfOpen != null ? halfOpen : 3,
					statuses != null ? Set.copyOf(statuses) : Set.of(500), timeout);
		}

		@Nullable
		private Float percent(JsonNode node, String field) {
			JsonNode v = node.get(field);
			if (v == null || v.isNull()) {
				return null;
			}
			String path = "circuitBreaker." + field;
			if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
				this.errors.add(path, "must be a number of percent in (0, 100]");
				return null;
			}
			double d = v.doubleValue();
			if (!(d > 0 && d <= 100)) {
				this.errors.add(path, "must be in (0, 100], got " + v);
				return null;
			}
			return (float) d;
		}

		@Nullable
		private Duration duration(JsonNode node, String field) {
			String path = "circuitBreaker." + field;
			String text = string(node, "circuitBreaker", field, false, 40);
			if (text == null) {
				return null;
			}
			Duration d;
			try {
				d = DurationStyle.detectAndParse(text.trim());
			}
			catch (IllegalArgumentException ex) {
				this.errors.add(path, "must be a duration such as 500ms, 30s, 5m or 1h, got " + quote(text));
				return null;
			}
			if (d.isNegative() || d.isZero()) {
				this.errors.add(path, "must be a positive duration, got " + quote(text));
				return null;
			}
			if (d.toNanos() % 1_000_000 != 0) {
				this.errors.add(path, "must be whole milliseconds, got " + quote(text));
				return null;
			}
			if (d.compareTo(MAX_BREAKER_DURATION) > 0) {
				this.errors.add(path, "must be at most 1d, got " + quote(text));
				return null;
			}
			return d;
		}

		@Nullable
		private List<Integer> statuses(JsonNode node) {
			JsonNode v = node.get("failureStatuses");
			if (v == null || v.isNull()) {
				return null;
			}
			String path = "circuitBreaker.failureStatuses";
			if (!v.isArray() || v.isEmpty() || v.size() > 100) {
				this.errors.add(path, "must be an array of 1 to 100 HTTP status codes");
				return null;
			}
			List<Integer> out = new ArrayList<>();
			Set<Integer> seen = new HashSet<>();
			boolean ok = true;
			for (int i = 0; i < v.size(); i++) {
				JsonNode s = v.get(i);
				String field = path + "[" + i + "]";
				if (!s.isIntegralNumber() || !s.canConvertToInt() || s.intValue() < 100 || s.intValue() > 599) {
					this.errors.add(field, "must be an HTTP status code (100-599), got " + s);
					ok = false;
				}
				else if (!seen.add(s.intValue())) {
					this.errors.add(field, "repeats status " + s.intValue());
					ok = false;
				}
				else {
					out.add(s.intValue());
				}
			}
			return ok ? out : null;
		}

		@Nullable
		private String fallbackError(String fallback) {
			if (!fallback.startsWith("forward:/")) {
				return "must be forward:/path (a path of this gateway), got " + quote(fallback);
			}
			String path = fallback.substring("forward:".length());
			if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
				return "must not have a query or fragment";
			}
			String error = ApiBasePath.error(path);
			return error == null ? null : "path " + error;
		}

		@Nullable
		private Instant instant(JsonNode root, String field) {
			String text = string(root, "", field, false, 40);
			if (text == null) {
				return null;
			}
			Instant at;
			try {
				at = OffsetDateTime.parse(text, RFC_3339).toInstant();
			}
			catch (DateTimeParseException ex) {
				this.errors.add(field,
						"must be an RFC 3339 date-time with an offset, such as 2026-06-30T00:00:00Z, got "
								+ quote(text));
				return null;
			}
			int year = at.atOffset(java.time.ZoneOffset.UTC).getYear();
			if (year < 1970 || year > 9999) {
				this.errors.add(field, "must be between 1970 and 9999, got " + quote(text));
				return null;
			}
			return at;
		}

		private void unknown(JsonNode node, String path, List<String> known) {
			for (String name : node.propertyNames()) {
				if (!known.contains(name)) {
					this.errors.add(join(path, Errors.clean(name)),
							"is not a known field (known: " + String.join(", ", known) + ")");
				}
			}
		}

		private boolean present(JsonNode node, String field) {
			JsonNode v = node.get(field);
			return v != null && !v.isNull();
		}

		/**
		 * The field's value, or null when absent or null (an error if it is required).
		 */
		@Nullable
		private JsonNode present(JsonNode parent, String full, String field, boolean required) {
			JsonNode v = parent.get(field);
			if (v == null || v.isNull()) {
				if (required) {
					this.errors.add(full, "is required");
				}
				return null;
			}
			return v;
		}

		@Nullable
		private JsonNode object(JsonNode parent, String path, String field, boolean required) {
			String full = join(path, field);
			JsonNode v = present(parent, full, field, required);
			if (v == null) {
				return null;
			}
			if (!v.isObject()) {
				this.errors.add(full, "must be an object");
				return null;
			}
			return v;
		}

		@Nullable
		private String string(JsonNode parent, String path, String field, boolean required, int maxLength) {
			String full = join(path, field);
			JsonNode v = present(parent, full, field, required);
			if (v == null) {
				return null;
			}
			if (!v.isString()) {
				this.errors.add(full, "must be a string");
				return null;
			}
			String s = v.stringValue();
			if (s.isBlank()) {
				this.errors.add(full, "must not be blank");
				return null;
			}
			if (s.length() > maxLength) {
				this.errors.add(full, "must be at most " + maxLength + " characters");
				return null;
			}
			return s;
		}

		@Nullable
		private Boolean bool(JsonNode parent, String path, String field) {
			JsonNode v = parent.get(field);
			if (v == null || v.isNull()) {
				return null;
			}
			if (!v.isBoolean()) {
				this.errors.add(join(path, field), "must be true or false");
				return null;
			}
			return v.booleanValue();
		}

		@Nullable
		private Long longValue(JsonNode parent, String path, String field, long min, long max) {
			JsonNode v = parent.get(field);
			if (v == null || v.isNull()) {
				return null;
			}
			String full = join(path, field);
			if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
				this.errors.add(full, "must be a whole number from " + min + " to " + max + ", got " + v);
				return null;
			}
			return v.longValue();
		}

		@Nullable
		private List<String> stringList(JsonNode parent, String path, String field, int maxSize) {
			JsonNode v = parent.get(field);
			String full = join(path, field);
			if (v == null || v.isNull()) {
				return null;
			}
			if (!v.isArray()) {
				this.errors.add(full, "must be an array of strings");
				return null;
			}
			if (v.size() > maxSize) {
				this.errors.add(full, "must have at most " + maxSize + " entries");
				return null;
			}
			List<String> out = new ArrayList<>();
			boolean ok = true;
			for (int i = 0; i < v.size(); i++) {
				JsonNode e = v.get(i);
				if (!e.isString() || e.stringValue().isBlank() || e.stringValue().length() > 220) {
					this.errors.add(full + "[" + i + "]", "must be a non-blank string of at most 220 characters");
					ok = false;
				}
				else {
					out.add(e.stringValue());
				}
			}
			return ok ? out : null;
		}

	}

}
