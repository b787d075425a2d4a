package io.tollgate.gateway.admin;

import org.springframework.http.MediaType;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

import io.tollgate.gateway.admin.AdminViews.AuditItem;
import io.tollgate.gateway.admin.AdminViews.AuditPage;
import io.tollgate.gateway.registry.AuditEntry;
import io.tollgate.gateway.registry.AuditLog;

/**
 * The audit trail, newest first, and the check of its hash chain. The states shown are
 * those the codecs redacted before the write; nothing is redacted again here.
 */
final class AuditHandler {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 1000;

	private final AuditLog audit;

	private final AdminJson json;

	AuditHandler(AuditLog audit, AdminJson json) {
		this.audit = audit;
		this.json = json;
	}

	Mono<ServerResponse> latest(ServerRequest request) {
		int limit = AdminRequests.limit(request, DEFAULT_LIMIT, MAX_LIMIT);
		return this.audit.latest(limit)
			.map(entries -> new AuditPage(entries.stream().map(this::item).toList()))
			.flatMap(this::ok);
	}

	Mono<ServerResponse> verify(ServerRequest request) {
		return this.audit.verify().flatMap(this::ok);
	}

	private AuditItem item(AuditEntry e) {
		return new AuditItem(e.seq(), e.at(), e.actor(), e.action(), e.kind().path(), e.id(), e.revision(),
				state(e.before()), state(e.after()), e.hash());
	}

	/** A state as JSON when it is JSON (it always is when a codec wrote it). */
	@Nullable
	private Object state(@Nullable String state) {
		if (state == null) {
			return null;
		}
		try {
			return this.json.readStored(state);
		}
		catch (JacksonException ex) {
			return state;
		}
	}

	private Mono<ServerResponse> ok(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.json.write(body));
	}

}
