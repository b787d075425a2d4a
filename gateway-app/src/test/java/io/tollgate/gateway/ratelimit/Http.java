package io.tollgate.gateway.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Real HTTP to the gateways, with the send and receive time of every exchange. */
final class Http {

	static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	record Res(int status, java.net.http.HttpHeaders headers, String body, long sentNanos, long receivedNanos) {

		String header(String name) {
			return headers.firstValue(name).orElse(null);
		}

		long millis() {
			return (receivedNanos - sentNanos) / 1_000_000;
		}
	}

	static CompletableFuture<Res> sendAsync(String url, String... headerPairs) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
		for (int i = 0; i < headerPairs.length; i += 2) {
			b.header(headerPairs[i], headerPairs[i + 1]);
		}
		long sent = System.nanoTime();
		return CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
			.thenApply(r -> new Res(r.statusCode(), r.headers(), r.body(), sent, System.nanoTime()));
	}

	static Res get(String url, String... headerPairs) {
		return sendAsync(url, headerPairs).join();
	}

	static List<Res> all(List<CompletableFuture<Res>> futures) {
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
		List<Res> out = new ArrayList<>();
		futures.forEach(f -> out.add(f.join()));
		return out;
	}

	/**
	 * One HTTP/1.1 GET over a socket bound to {@code localAddress}; returns the status
	 * code.
	 */
	static int getFrom(String localAddress, int port, String path, String... headerLines) throws IOException {
		try (Socket s = new Socket()) {
			s.bind(new InetSocketAddress(localAddress, 0));
			s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			s.setSoTimeout(10_000);
			StringBuilder req = new StringBuilder(
					"GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
			for (String h : headerLines) {
				req.append(h).append("\r\n");
			}
			req.append("\r\n");
			OutputStream out = s.getOutputStream();
			out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = s.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
			return Integer.parseInt(response.substring(9, 12));
		}
	}

}
