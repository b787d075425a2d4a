import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/** A fast loopback upstream for the rate-limit benchmark: 200 "ok" to everything, keep-alive. Usage: PORT. */
public class BenchUpstream {

	public static void main(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		byte[] body = "ok".getBytes();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
		server.createContext("/", exchange -> {
			try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
				in.readAllBytes();
				exchange.getResponseHeaders().set("Content-Type", "text/plain");
				exchange.sendResponseHeaders(200, body.length);
				out.write(body);
			}
		});
		server.setExecutor(Executors.newFixedThreadPool(4));
		server.start();
		System.out.println("upstream listening on " + port);
	}
}
