import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A minimal fast upstream for the breaker bench: 200 with a small JSON body on every path. */
public class BenchUpstream {

	public static void main(String[] args) {
		int port = Integer.parseInt(args[0]);
		byte[] body = "{\"ok\":true}".getBytes();
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.handle((req, res) -> res.header("Content-Type", "application/json")
				.header("Content-Length", Integer.toString(body.length))
				.sendByteArray(Mono.just(body)))
			.bindNow(Duration.ofSeconds(10));
		System.out.println("bench upstream on " + server.port());
		server.onDispose().block();
	}
}
