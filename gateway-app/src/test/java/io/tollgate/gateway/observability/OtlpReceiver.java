package io.tollgate.gateway.observability;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpServer;

/**
 * A local OTLP/HTTP trace receiver for tests: accepts {@code POST /v1/traces} (protobuf
 * {@code ExportTraceServiceRequest}) and records every span with its ids, kind and
 * attributes. The protobuf wire format is read directly (the few fields needed).
 */
final class OtlpReceiver implements AutoCloseable {

	record RecordedSpan(String traceId, String spanId, String parentSpanId, String name, int kind,
			Map<String, String> attributes) {

		static final int SERVER = 2;

		static final int CLIENT = 3;

	}

	private final HttpServer server;

	private final List<RecordedSpan> spans = new CopyOnWriteArrayList<>();

	private final List<String> contentTypes = new CopyOnWriteArrayList<>();

	OtlpReceiver() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/v1/traces", exchange -> {
			try (exchange) {
				byte[] body;
				try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
						? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
					body = in.readAllBytes();
				}
				this.contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
				decodeRequest(ByteBuffer.wrap(body));
				exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
				exchange.sendResponseHeaders(200, -1);
			}
		});
		this.server.start();
	}

	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	List<RecordedSpan> spans() {
		return List.copyOf(this.spans);
	}

	List<String> contentTypes() {
		return List.copyOf(this.contentTypes);
	}

	RecordedSpan await(Predicate<RecordedSpan> match, Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			for (RecordedSpan span : this.spans) {
				if (match.test(span)) {
					return span;
				}
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no matching span within " + timeout + "; received " + this.spans);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	// ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1 }
	private void decodeRequest(ByteBuffer in) {
		forEachField(in, (field, value) -> {
			if (field == 1) {
				// ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans
				// = 2 }
				forEachField(value, (f2, scopeSpans) -> {
					if (f2 == 2) {
						// ScopeSpans { InstrumentationScope scope = 1; repeated Span
						// spans = 2 }
						forEachField(scopeSpans, (f3, span) -> {
							if (f3 == 2) {
								this.spans.add(decodeSpan(span));
							}
						});
					}
				});
			}
		});
	}

	// Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name
	// = 5;
	// SpanKind kind = 6; repeated KeyValue attributes = 9 }
	private static RecordedSpan decodeSpan(ByteBuffer in) {
		String[] ids = new String[3];
		String[] name = { "" };
		int[] kind = { 0 };
		Map<String, String> attributes = new LinkedHashMap<>();
		while (in.hasRemaining()) {
			long tag = varint(in);
			int field = (int) (tag >>> 3);
			int wire = (int) (tag & 7);
			if (field == 6 && wire == 0) {
				kind[0] = (int) varint(in);
				continue;
			}
			ByteBuffer value = read(in, wire);
			switch (field) {
				case 1 -> ids[0] = hex(value);
				case 2 -> ids[1] = hex(value);
				case 4 -> ids[2] = hex(value);
				case 5 -> name[0] = utf8(value);
				case 9 -> {
					String[] kv = new String[2];
					forEachField(value, (f, v) -> {
						if (f == 1) {
							kv[0] = utf8(v);
						}
						else if (f == 2) {
							kv[1] = anyValue(v);
						}
					});
					attributes.put(kv[0], kv[1]);
				}
				default -> {
				}
			}
		}
		return new RecordedSpan(ids[0], ids[1], ids[2] == null ? "" : ids[2], name[0], kind[0], attributes);
	}

	// AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
	// double double_value = 4 }
	private static String anyValue(ByteBuffer in) {
		String[] out = { null };
		while (in.hasRemaining()) {
			long tag = varint(in);
			int field = (int) (tag >>> 3);
			int wire = (int) (tag & 7);
			switch (wire) {
				case 0 -> {
					long v = varint(in);
					out[0] = field == 2 ? String.valueOf(v != 0) : String.valueOf(v);
				}
				case 1 -> out[0] = String.valueOf(in.order(ByteOrder.LITTLE_ENDIAN).getDouble());
				default -> out[0] = utf8(read(in, wire));
			}
		}
		return out[0];
	}

	private interface FieldConsumer {

		void accept(int field, ByteBuffer value);

	}

	/** Length-delimited fields only; others are skipped. */
	private static void forEachField(ByteBuffer in, FieldConsumer consumer) {
		while (in.hasRemaining()) {
			long tag = varint(in);
			int wire = (int) (tag & 7);
			if (wire == 2) {
				consumer.accept((int) (tag >>> 3), read(in, wire));
			}
			else {
				read(in, wire);
			}
		}
	}

	private static ByteBuffer read(ByteBuffer in, int wire) {
		switch (wire) {
			case 0 -> {
				varint(in);
				return ByteBuffer.allocate(0);
			}
			case 1 -> {
				return slice(in, 8);
			}
			case 2 -> {
				return slice(in, (int) varint(in));
			}
			case 5 -> {
				return slice(in, 4);
			}
			default -> throw new IllegalStateException("wire type " + wire);
		}
	}

	private static ByteBuffer slice(ByteBuffer in, int length) {
		ByteBuffer out = in.slice(in.position(), length);
		in.position(in.position() + length);
		return out;
	}

	private static long varint(ByteBuffer in) {
		long result = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			byte b = in.get();
			result |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return result;
			}
		}
		throw new IllegalStateException("varint too long");
	}

	private static String hex(ByteBuffer value) {
		byte[] bytes = new byte[value.remaining()];
		value.get(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	private static String utf8(ByteBuffer value) {
		byte[] bytes = new byte[value.remaining()];
		value.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
