package io.tollgate.testsupport.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.tollgate.testsupport.internal.LoopbackHttpServer;

/**
 * A real OIDC-style token issuer on a loopback port for tests: generated RSA 2048
 * ("rsa-1") and EC P-256 ("ec-1") signing keys, {@code GET /jwks} and
 * {@code GET /.well-known/openid-configuration}, and helpers that sign real JWTs.
 *
 * <p>
 * Use as
 * {@code @RegisterExtension static final TestIdentityProvider idp = new TestIdentityProvider();}
 * or start it by hand ({@link #start()}, {@link #close()}). {@link #issuer()} starts it
 * when it was never started, so it can be read from a Spring
 * {@code @DynamicPropertySource}.
 */
public final class TestIdentityProvider implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	/** Default audience of {@link #token(String, String...)}. */
	public static final String DEFAULT_AUDIENCE = "tollgate-tests";

	/** Lifetime of tokens from {@link #token(String, String...)}. */
	public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

	private final List<RSAKey> rsaKeys = new CopyOnWriteArrayList<>();

	private final ECKey ecKey = KeyPairs.generateEc("ec-1");

	private final RSAKey encKey = SharedKeys.ENC;

	private final KeyPairs attackerKeys = SharedKeys.ATTACKER;

	private final AtomicLong jwksRequests = new AtomicLong();

	private final AtomicLong discoveryRequests = new AtomicLong();

	private volatile RSAKey currentRsa;

	private volatile boolean available = true;

	private volatile boolean includeEncKey = true;

	private volatile Duration delay = Duration.ZERO;

	private volatile String audience = DEFAULT_AUDIENCE;

	private int rotations = 1;

	private final LoopbackHttpServer http = new LoopbackHttpServer("test-idp", 1, this::handle);

	private String ownerContextId;

	public TestIdentityProvider() {
		currentRsa = KeyPairs.generateRsa("rsa-1");
		rsaKeys.add(currentRsa);
	}

	/**
	 * Keys that need not differ between providers, generated once per JVM (RSA generation
	 * is slow).
	 */
	private static final class SharedKeys {

		static final RSAKey ENC = generateEncKey();

		static final KeyPairs ATTACKER = KeyPairs.generate("attacker-rsa", "attacker-ec");

		private static RSAKey generateEncKey() {
			try {
				return new RSAKeyGenerator(2048).keyID("enc-1").keyUse(KeyUse.ENCRYPTION).generate();
			}
			catch (JOSEException e) {
				throw new IllegalStateException(e);
			}
		}

	}

	// ---- lifecycle

	@Override
	public void beforeAll(ExtensionContext context) {
		synchronized (this) {
			if (!http.isBound() && ownerContextId == null) {
				start();
				ownerContextId = context.getUniqueId();
			}
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (context.getUniqueId().equals(ownerContextId)) {
			close();
		}
	}

	/**
	 * Binds the HTTP server: on a free loopback port the first time, on the same port
	 * afterwards. Idempotent.
	 */
	public synchronized TestIdentityProvider start() {
		http.start();
		return this;
	}

	/**
	 * Unbinds the server (connections then get refused); {@link #start()} binds the same
	 * port again.
	 */
	public synchronized void stop() {
		http.stop();
	}

	/** Stops the server and its event loop for good. */
	@Override
	public synchronized void close() {
		http.close();
		ownerContextId = null;
	}

	private int ensureStarted() {
		return http.ensureStarted();
	}

	// ---- HTTP

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String path = request.fullPath();
		boolean jwks = path.equals("/jwks");
		if (jwks) {
			jwksRequests.incrementAndGet();
		}
		else if (path.startsWith("/.well-known/")) {
			discoveryRequests.incrementAndGet();
		}
		Duration d = delay;
		Mono<Void> reply = Mono.defer(() -> respond(path, jwks, response));
		return d.isZero() ? reply : Mono.delay(d).then(reply);
	}

	private Mono<Void> respond(String path, boolean jwks, HttpServerResponse response) {
		if (!available) {
			return json(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"error\":\"temporarily_unavailable\"}");
		}
		if (jwks) {
			return json(response, HttpResponseStatus.OK, publicJwkSet().toString(true));
		}
		if (path.equals("/.well-known/openid-configuration")
				|| path.equals("/.well-known/oauth-authorization-server")) {
			return json(response, HttpResponseStatus.OK, JSONObjectUtils.toJSONString(discoveryDocument()));
		}
		return json(response, HttpResponseStatus.NOT_FOUND, "{\"error\":\"not_found\"}");
	}

	private static Mono<Void> json(HttpServerResponse response, HttpResponseStatus status, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return response.status(status)
			.header("Content-Type", "application/json")
			.header("Content-Length", String.valueOf(bytes.length))
			.header("Cache-Control", "no-store")
			.sendByteArray(Mono.just(bytes))
			.then();
	}

	private Map<String, Object> discoveryDocument() {
		Map<String, Object> doc = new LinkedHashMap<>();
		doc.put("issuer", issuer());
		doc.put("jwks_uri", jwksUri());
		doc.put("authorization_endpoint", issuer() + "/authorize");
		doc.put("token_endpoint", issuer() + "/token");
		doc.put("response_types_supported", List.of("code"));
		doc.put("subject_types_supported", List.of("public"));
		doc.put("id_token_signing_alg_values_supported", List.of("RS256", "ES256"));
		return doc;
	}

	// ---- state

	/** {@code http://127.0.0.1:port} (starts the server if it never ran). */
	public String issuer() {
		return "http://127.0.0.1:" + ensureStarted();
	}

	/** {@code issuer() + "/jwks"}. */
	public String jwksUri() {
		return issuer() + "/jwks";
	}

	/** Port of the server (starts it if it never ran). */
	public int port() {
		return ensureStarted();
	}

	/** Number of {@code GET /jwks} requests received (including those answered 503). */
	public long jwksRequests() {
		return jwksRequests.get();
	}

	/** Number of {@code /.well-known/...} requests received. */
	public long discoveryRequests() {
		return discoveryRequests.get();
	}

	/** Zeroes the request counters. */
	public void resetCounters() {
		jwksRequests.set(0);
		discoveryRequests.set(0);
	}

	/** When false every path answers 503 (the server stays bound). */
	public void setAvailable(boolean available) {
		this.available = available;
	}

	/**
	 * Delays every answer (e.g. to make JWKS fetches slow); {@link Duration#ZERO} for
	 * none.
	 */
	public void setDelay(Duration delay) {
		this.delay = delay == null ? Duration.ZERO : delay;
	}

	/**
	 * Whether the JWKS also lists an RSA key with {@code "use":"enc"} ("enc-1"); true by
	 * default.
	 */
	public TestIdentityProvider includeEncKey(boolean include) {
		this.includeEncKey = include;
		return this;
	}

	/** Sets the default {@code aud} of issued tokens. */
	public TestIdentityProvider audience(String audience) {
		this.audience = audience;
		return this;
	}

	/** Default {@code aud} of issued tokens. */
	public String audience() {
		return audience;
	}

	/**
	 * Generates a new RSA key ("rsa-2", "rsa-3", ...) that signs tokens from now on; the
	 * old public keys stay in the JWKS. Returns the new kid.
	 */
	public String rotate() {
		return rotate(false);
	}

	/**
	 * As {@link #rotate()}; with {@code dropOld} the previous RSA signing keys are
	 * removed from the JWKS.
	 */
	public synchronized String rotate(boolean dropOld) {
		RSAKey next = KeyPairs.generateRsa("rsa-" + (++rotations));
		if (dropOld) {
			rsaKeys.clear();
		}
		rsaKeys.add(next);
		currentRsa = next;
		return next.getKeyID();
	}

	/** The RSA key signing RS* tokens now (private JWK). */
	public RSAKey rsaKey() {
		return currentRsa;
	}

	/**
	 * The published {@code use: enc} RSA key (private JWK), to prove encryption keys
	 * never verify signatures.
	 */
	public RSAKey encKey() {
		return encKey;
	}

	/** The EC key ("ec-1") signing ES256 tokens (private JWK). */
	public ECKey ecKey() {
		return ecKey;
	}

	/** Kid of the RSA key signing tokens now. */
	public String currentKid() {
		return currentRsa.getKeyID();
	}

	/** The published JWK set (public keys only, as served on {@code /jwks}). */
	public JWKSet publicJwkSet() {
		List<JWK> keys = new ArrayList<>();
		rsaKeys.forEach(k -> keys.add(k.toPublicJWK()));
		keys.add(ecKey.toPublicJWK());
		if (includeEncKey) {
			keys.add(encKey.toPublicJWK());
		}
		return new JWKSet(keys);
	}

	/**
	 * A second RSA ("attacker-rsa") and EC ("attacker-ec") key pair that is never
	 * published, for forged tokens.
	 */
	public KeyPairs attackerKeys() {
		return attackerKeys;
	}

	// ---- tokens

	/**
	 * A valid RS256 token: iss = {@link #issuer()}, aud = {@link #audience()}, sub, scope
	 * = space separated {@code scopes} (omitted when none), iat = nbf = now, exp = now +
	 * 5 min, jti, typ JWT, kid of the current key.
	 */
	public String token(String sub, String... scopes) {
		TokenBuilder builder = tokenBuilder().subject(sub);
		if (scopes.length > 0) {
			builder.scopes(scopes);
		}
		return builder.sign();
	}

	/**
	 * A valid RS256 token whose claims start as in {@link #token(String, String...)} and
	 * are then customized.
	 */
	public String token(Consumer<JWTClaimsSet.Builder> claims) {
		JWTClaimsSet.Builder builder = defaultClaims();
		claims.accept(builder);
		return signWith(JWSAlgorithm.RS256, builder.build(), Map.of(), currentKid());
	}

	/** Claims of a valid token without {@code sub}: iss, aud, iat, nbf, exp, jti. */
	public JWTClaimsSet.Builder defaultClaims() {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(issuer())
			.audience(audience)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(DEFAULT_LIFETIME)))
			.jwtID(UUID.randomUUID().toString());
	}

	/** A fluent builder starting from a valid token; see {@link TokenBuilder}. */
	public TokenBuilder tokenBuilder() {
		return new TokenBuilder(this, Instant.now());
	}

	/**
	 * Signs arbitrary claims. RS/PS algorithms use the published RSA key with that
	 * {@code kid} if there is one, else the current RSA key; ES256 uses "ec-1".
	 * {@code kid} is written to the header (null: no kid). {@code extraHeaders} are added
	 * as-is ({@code "typ"} defaults to "JWT"; a null value omits a header).
	 */
	public String signWith(JWSAlgorithm alg, JWTClaimsSet claims, Map<String, Object> extraHeaders, String kid) {
		JWK key;
		if (JWSAlgorithm.Family.EC.contains(alg)) {
			key = ecKey;
		}
		else if (JWSAlgorithm.Family.RSA.contains(alg)) {
			key = rsaKeys.stream().filter(k -> k.getKeyID().equals(kid)).findFirst().orElse(currentRsa);
		}
		else {
			throw new IllegalArgumentException(alg + " needs a shared secret: use tokenBuilder().hmac(alg, secret)");
		}
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("alg", alg.getName());
		if (kid != null) {
			header.put("kid", kid);
		}
		header.put("typ", "JWT");
		if (extraHeaders != null) {
			extraHeaders.forEach((name, value) -> {
				if (value == null) {
					header.remove(name);
				}
				else {
					header.put(name, value instanceof JWK ? ((JWK) value).toPublicJWK().toJSONObject() : value);
				}
			});
		}
		return JwsSigning.sign(header, claims.toJSONObject(), alg, key);
	}

	/**
	 * A token assembled from raw parts: {@code header} and {@code payload} are JSON texts
	 * (base64url-encoded here), {@code signature} is appended verbatim (already
	 * base64url, or "" for an unsigned token).
	 */
	public static String rawToken(String header, String payload, String signature) {
		return Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8)) + "." + signature;
	}

	@Override
	public String toString() {
		return "TestIdentityProvider["
				+ (http.boundPort() == 0 ? "not started" : "http://127.0.0.1:" + http.boundPort()) + "]";
	}

}
