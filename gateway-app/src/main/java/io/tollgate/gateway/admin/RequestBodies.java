package io.tollgate.gateway.admin;

import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.registry.ManagementProblem;

/**
 * Reads request bodies as bytes, bounded ({@link #MAX_BYTES}; 413 beyond, before reading
 * when {@code Content-Length} says so), then strictly as one JSON object
 * ({@link AdminJson#readObject}).
 */
final class RequestBodies {

	/** The largest body of a resource or key call: 1 MiB. */
	static final int MAX_BYTES = 1024 * 1024;

	/** The largest configuration document ({@code PUT /admin/v1/config}): 16 MiB. */
	static final int MAX_CONFIG_BYTES = 16 * 1024 * 1024;

	private final AdminJson json;

	RequestBodies(AdminJson json) {
		this.json = json;
	}

	/** The body as a JSON object; a missing or empty body is refused. */
	Mono<ObjectNode> required(ServerRequest request, int maxBytes) {
		return bytes(request, maxBytes).map(body -> {
			if (body.length == 0) {
				throw new ManagementProblem(400, "Bad Request", "A JSON object is required as the body");
			}
			return this.json.readObject(body);
		});
	}

	/** The body as a JSON object, or an empty object when there is none. */
	Mono<ObjectNode> optional(ServerRequest request) {
		return bytes(request, MAX_BYTES)
			.map(body -> body.length == 0 ? this.json.object() : this.json.readObject(body));
	}

	private Mono<byte[]> bytes(ServerRequest request, int maxBytes) {
		return Mono.defer(() -> {
			checkContentType(request);
			long length = request.headers().contentLength().orElse(-1);
			if (length > maxBytes) {
				return Mono.error(tooLarge(maxBytes));
			}
			return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), maxBytes)
				.map(RequestBodies::drain)
				.onErrorMap(DataBufferLimitException.class, ex -> tooLarge(maxBytes))
				.defaultIfEmpty(new byte[0]);
		});
	}

	private static byte[] drain(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private static void checkContentType(ServerRequest request) {
		MediaType type = request.headers().contentType().orElse(null);
		if (type == null || MediaType.APPLICATION_JSON.isCompatibleWith(type)
				|| (type.getSubtypeSuffix() != null && type.getSubtypeSuffix().equals("json"))) {
			return;
		}
		throw new ManagementProblem(415, "Unsupported Media Type",
				"Send the body as application/json, not " + type.getType() + "/" + type.getSubtype(),
				List.of(new io.tollgate.gateway.registry.FieldError("Content-Type", "must be application/json")));
	}

	private static ManagementProblem tooLarge(int maxBytes) {
		return new ManagementProblem(413, "Content Too Large",
				"The body is larger than " + maxBytes + " bytes (" + (maxBytes / (1024 * 1024)) + " MiB)");
	}

}
