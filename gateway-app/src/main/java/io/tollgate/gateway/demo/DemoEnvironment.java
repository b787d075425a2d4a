package io.tollgate.gateway.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The demo's upstream and development token issuer, on one loopback port. Its RSA key is
 * generated at every start and never written anywhere. Only active in the {@code demo}
 * profile.
 */
@Component
@Profile("demo")
public class DemoEnvironment implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DemoEnvironment.class);

	private final int port;

	private final String issuer;

	private final RSAKey key;

	private volatile DisposableServer server;

	public DemoEnvironment(@Value("${tollgate.demo.port:9000}") int port) throws JOSEException {
		this.port = port;
		this.issuer = "http://127.0.0.1:" + port;
		this.key = new RSAKeyGenerator(2048).keyID("demo-" + UUID.randomUUID()).keyUse(KeyUse.SIGNATURE).generate();
	}

	@Override
	public void start() {
		String jwks = new JWKSet(key.toPublicJWK()).toString();
		String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/.well-known/jwks.json\"}";
		server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.route(routes -> routes.get("/.well-known/jwks.json", (req, res) -> json(res, jwks))
				.get("/.well-known/openid-configuration", (req, res) -> json(res, discovery))
				.route(req -> req.uri().startsWith("/token"), this::token)
				.route(req -> true, this::echo))
			.bindNow();
		log.info(
				"Demo upstream and token issuer on {} — mint a token with: curl -s '{}/token?sub=alice&scope=orders:read'",
				issuer, issuer);
	}

	private Mono<Void> token(HttpServerRequest req, HttpServerResponse res) {
		Map<String, List<String>> q = UriComponentsBuilder.fromUriString(req.uri()).build().getQueryParams();
		String sub = first(q, "sub", "alice");
		String scope = first(q, "scope", "orders:read");
		String tier = first(q, "tier", null);
		try {
			JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer)
				.subject(sub)
				.audience("tollgate-demo")
				.claim("scope", scope)
				.claim("azp", "demo-client")
				.issueTime(new Date())
				.expirationTime(Date.from(Instant.now().plusSeconds(600)))
				.jwtID(UUID.randomUUID().toString());
			if (tier != null) {
				claims.claim("tier", tier);
			}
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
					claims.build());
			jwt.sign(new RSASSASigner(key));
			return res.header("Content-Type", "text/plain").sendString(Mono.just(jwt.serialize() + "\n")).then();
		}
		catch (JOSEException ex) {
			return res.status(500).send();
		}
	}

	private Mono<Void> echo(HttpServerRequest req, HttpServerResponse res) {
		String headers = req.requestHeaders()
			.entries()
			.stream()
			.filter(e -> !e.getKey().equalsIgnoreCase("authorization"))
			.map(e -> quote(e.getKey().toLowerCase()) + ":" + quote(e.getValue()))
			.collect(Collectors.joining(","));
		String body = "{\"upstream\":\"demo\",\"method\":" + quote(req.method().name()) + ",\"path\":"
				+ quote(req.uri()) + ",\"headers\":{" + headers + "}}\n";
		return json(res, body);
	}

	private static Mono<Void> json(HttpServerResponse res, String body) {
		return res.header("Content-Type", "application/json")
			.sendByteArray(Mono.just(body.getBytes(StandardCharsets.UTF_8)))
			.then();
	}

	private static String first(Map<String, List<String>> q, String name, String fallback) {
		List<String> v = q.get(name);
		return v == null || v.isEmpty() ? fallback : java.net.URLDecoder.decode(v.get(0), StandardCharsets.UTF_8);
	}

	private static String quote(String s) {
		return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

	@Override
	public void stop() {
		DisposableServer s = server;
		if (s != null) {
			s.disposeNow();
		}
	}

	@Override
	public boolean isRunning() {
		return server != null && !server.isDisposed();
	}

	@Override
	public int getPhase() {
		return Integer.MIN_VALUE;
	}

}
