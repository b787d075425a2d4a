package io.tollgate.gateway.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A blocking HTTP client for the tests, talking to one port of a gateway. */
final class AdminHttp {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** HTTP/1.1 like curl and operators' scripts (no h2c upgrade attempts). */
	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final int port;

	AdminHttp(int port) {
		this.port = port;
	}

	Response get(String path, String token, String... headers) {
		return send("GET", path, token, null, headers);
	}

	Response put(String path, String token, String body, String... headers) {
		return send("PUT", path, token, body, headers);
	}

	Response post(String path, String token, String body, String... headers) {
		return send("POST", path, token, body, headers);
	}

	Response delete(String path, String token, String... headers) {
		return send("DELETE", path, token, null, headers);
	}

	Response send(String method, String path, String token, String body, String... headers) {
		return send(method, path, token,
				body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body),
				body != null, headers);
	}

	Response send(String method, String path, String token, HttpRequest.BodyPublisher body, boolean json,
			String... headers) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20))
			.method(method, body);
		if (json) {
			b.header("Content-Type", "application/json");
		}
		if (token != null) {
			b.header("Authorization", "Bearer " + token);
		}
		for (int i = 0; i + 1 < headers.length; i += 2) {
			b.setHeader(headers[i], headers[i + 1]);
		}
		try {
			HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(r.statusCode(), r.headers(), r.body());
		}
		catch (IOException ex) {
			if (ex instanceof java.net.http.HttpTimeoutException) {
				// a hang is a bug to diagnose: show where every thread was
				Thread.getAllStackTraces().forEach((t, st) -> {
					System.out.println("THREAD " + t.getName() + " " + t.getState());
					for (StackTraceElement e : st) {
						System.out.println("    at " + e);
					}
				});
			}
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	record Response(int status, HttpHeaders headers, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

		String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

		@Override
		public String toString() {
			return this.status + " " + this.headers.map() + " " + this.body;
		}

	}

}
