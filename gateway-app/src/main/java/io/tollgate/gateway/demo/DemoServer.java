package io.tollgate.gateway.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The demo's upstream and token issuer on one loopback port.
 * <ul>
 * <li>{@code GET /token?sub=&scope=&tier=&ttl=} mints a token;
 * {@code /.well-known/jwks.json} and {@code /.well-known/openid-configuration} publish
 * the key.</li>
 * <li>{@code /faults} switches faults on paths:
 * {@code PUT /faults?path=/orders&rate=0.5&status=500&delayMs=0}, {@code GET /faults}
 * lists the rules with their counters, {@code DELETE /faults[?path=]} removes them.</li>
 * <li>Any other request is echoed as JSON (method, path, headers but
 * {@code Authorization}, body). A path segment pair {@code /delay/{ms}} delays the
 * answer, {@code /status/{code}} sets its status, anywhere in the path (so
 * {@code /public/delay/2000} works through the gateway's public route).</li>
 * </ul>
 */
final class DemoServer {

	static final String HOST = "127.0.0.1";

	private static final int MAX_BODY = 1024 * 1024;

	private static final Pattern DELAY = Pattern.compile("(?:^|/)delay/(\\d{1,6})(?=/|$)");

	private static final Pattern STATUS = Pattern.compile("(?:^|/)status/(\\d{3})(?=/|$)");

	private final int port;

	private final DemoTokenIssuer issuer;

	private final FaultRules faults = new FaultRules();

	private volatile DisposableServer server;

	DemoServer(int port) {
		this.port = port;
		this.issuer = new DemoTokenIssuer("http://" + HOST + ":" + port);
	}

	String issuer() {
		return issuer.issuer();
	}

	int port() {
		DisposableServer s = server;
		return s == null ? port : s.port();
	}

	synchronized void start() {
		if (server != null) {
			return;
		}
		String jwks = issuer.jwks();
		String discovery = issuer.discovery();
		server = HttpServer.create()
			.host(HOST)
			.port(port)
			.route(routes -> routes.get("/.well-known/jwks.json", (req, res) -> json(res, 200, jwks))
				.get("/.well-known/openid-configuration", (req, res) -> json(res, 200, discovery))
				.route(req -> path(req).equals("/token"), this::token)
				.route(req -> path(req).equals("/faults"), this::faults)
				.route(req -> true, this::echo))
			.bindNow();
	}

	synchronized void stop() {
		DisposableServer s = server;
		server = null;
		if (s != null) {
			s.disposeNow();
		}
	}

	boolean isRunning() {
		DisposableServer s = server;
		return s != null && !s.isDisposed();
	}

	/** Completes when the server is disposed. */
	Mono<Void> onDispose() {
		DisposableServer s = server;
		return s == null ? Mono.empty() : s.onDispose();
	}

	private Mono<Void> token(HttpServerRequest req, HttpServerResponse res) {
		Map<String, List<String>> q = query(req);
		try {
			long ttl = Long.parseLong(first(q, "ttl", "600"));
			if (ttl < 1 || ttl > 86_400) {
				return json(res, 400, "{\"error\":\"ttl must be between 1 and 86400 seconds\"}\n");
			}
			String jwt = issuer.token(first(q, "sub", "alice"), first(q, "scope", "orders:read"),
					first(q, "tier", null), ttl);
			return res.header("Content-Type", "text/plain").sendString(Mono.just(jwt + "\n")).then();
		}
		catch (NumberFormatException ex) {
			return json(res, 400, "{\"error\":\"ttl must be a number of seconds\"}\n");
		}
		catch (JOSEException ex) {
			return json(res, 500, "{\"error\":\"signing failed\"}\n");
		}
	}

	private Mono<Void> faults(HttpServerRequest req, HttpServerResponse res) {
		Map<String, List<String>> q = query(req);
		HttpMethod method = req.method();
		if (HttpMethod.GET.equals(method)) {
			return json(res, 200, faults.toJson());
		}
		if (HttpMethod.DELETE.equals(method)) {
			String path = first(q, "path", null);
			if (path == null) {
				faults.clear();
			}
			else {
				faults.remove(path);
			}
			return json(res, 200, faults.toJson());
		}
		if (HttpMethod.PUT.equals(method) || HttpMethod.POST.equals(method)) {
			try {
				faults.put(first(q, "path", null), Double.parseDouble(first(q, "rate", "1")),
						Integer.parseInt(first(q, "status", "500")),
						Duration.ofMillis(Long.parseLong(first(q, "delayMs", "0"))));
				return json(res, 200, faults.toJson());
			}
			catch (IllegalArgumentException ex) {
				return json(res, 400, "{\"error\":" + Json.quote(String.valueOf(ex.getMessage())) + "}\n");
			}
		}
		return json(res, 405, "{\"error\":\"use GET, PUT or DELETE\"}\n");
	}

	private Mono<Void> echo(HttpServerRequest req, HttpServerResponse res) {
		String path = path(req);
		Optional<FaultRules.Rule> rule = faults.match(path);
		boolean fail = rule.map(FaultRules.Rule::nextFails).orElse(false);
		int status = fail ? rule.get().status : statusOf(path);
		Duration delay = rule.map(r -> r.delay).orElse(Duration.ZERO).plus(delayOf(path));
		if (delay.compareTo(FaultRules.MAX_DELAY) > 0) {
			delay = FaultRules.MAX_DELAY;
		}
		String headers = req.requestHeaders()
			.entries()
			.stream()
			.filter(e -> !e.getKey().equalsIgnoreCase("authorization"))
			.map(e -> Json.quote(e.getKey().toLowerCase()) + ":" + Json.quote(e.getValue()))
			.collect(Collectors.joining(","));
		Duration wait = delay;
		return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(body -> {
			if (body.length() > MAX_BODY) {
				return json(res, 413, "{\"error\":\"body over 1 MiB\"}\n");
			}
			String echo = "{\"upstream\":\"demo\",\"method\":" + Json.quote(req.method().name()) + ",\"path\":"
					+ Json.quote(req.uri()) + ",\"headers\":{" + headers + "},\"body\":" + Json.quote(body)
					+ (fail ? ",\"fault\":true" : "") + "}\n";
			Mono<Void> send = json(res, status, echo);
			return wait.isZero() ? send : Mono.delay(wait).then(send);
		});
	}

	private static int statusOf(String path) {
		Matcher m = STATUS.matcher(path);
		if (m.find()) {
			int code = Integer.parseInt(m.group(1));
			if (code >= 200 && code <= 599) {
				return code;
			}
		}
		return 200;
	}

	private static Duration delayOf(String path) {
		Matcher m = DELAY.matcher(path);
		return m.find() ? Duration.ofMillis(Long.parseLong(m.group(1))) : Duration.ZERO;
	}

	private static String path(HttpServerRequest req) {
		String uri = req.uri();
		int q = uri.indexOf('?');
		return q < 0 ? uri : uri.substring(0, q);
	}

	private static Map<String, List<String>> query(HttpServerRequest req) {
		return UriComponentsBuilder.fromUriString(req.uri()).build().getQueryParams();
	}

	private static Mono<Void> json(HttpServerResponse res, int status, String body) {
		return res.status(status)
			.header("Content-Type", "application/json")
			.sendByteArray(Mono.just(body.getBytes(StandardCharsets.UTF_8)))
			.then();
	}

	private static String first(Map<String, List<String>> q, String name, String fallback) {
		List<String> v = q.get(name);
		return v == null || v.isEmpty() || v.get(0) == null ? fallback
				: URLDecoder.decode(v.get(0), StandardCharsets.UTF_8);
	}

}
