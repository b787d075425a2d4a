import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A minimal, fast HTTP upstream for benchmarks and demos: answers every request with a small JSON
 * body. Run (single-file source, classpath from the build): {@code java -cp "$CP" BenchUpstream.java [port]}.
 */
public final class BenchUpstream {

	private static final byte[] BODY = "{\"ok\":true}\n".getBytes(StandardCharsets.UTF_8);

	private BenchUpstream() {
	}

	public static void main(String[] args) {
		int port = args.length > 0 ? Integer.parseInt(args[0]) : 9100;
		ByteBuf body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(BODY.length).writeBytes(BODY));
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.handle((req, res) -> req.receive()
				.then(res.header("Content-Type", "application/json")
					.header("Content-Length", Integer.toString(BODY.length))
					.send(Mono.just(body.retainedDuplicate()))
					.then()))
			.bindNow();
		System.out.println("bench upstream on 127.0.0.1:" + server.port());
		server.onDispose().block();
	}
}
