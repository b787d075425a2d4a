package io.tollgate.gateway.admin;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.admin.AdminSecurityWebFilter.AdminPrincipal;
import io.tollgate.gateway.admin.AdminViews.DryRun;
import io.tollgate.gateway.admin.AdminViews.IssuedKeyView;
import io.tollgate.gateway.admin.AdminViews.KeyList;
import io.tollgate.gateway.consumer.ApiKeyService;
import io.tollgate.gateway.consumer.IssuedKey;
import io.tollgate.gateway.consumer.UsageReader;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.ResourceStore;

/**
 * A consumer's API keys (issue, list, revoke, rotate) through {@link ApiKeyService}, and
 * its usage through {@link UsageReader}. An answer that shows a key's secret is never
 * cached ({@code Cache-Control: no-store}).
 */
final class KeyHandler {

	static final String SECRET_PROPERTY = "tollgate.api-keys.secret";

	static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);

	static final Duration MAX_OVERLAP = Duration.ofDays(30);

	static final int MAX_NAME_LENGTH = 200;

	private final ObjectProvider<ApiKeyService> keys;

	private final ObjectProvider<UsageReader> usage;

	private final ResourceStore store;

	private final RequestBodies bodies;

	private final AdminJson json;

	private final Clock clock;

	KeyHandler(ObjectProvider<ApiKeyService> keys, ObjectProvider<UsageReader> usage, ResourceStore store,
			RequestBodies bodies, AdminJson json, Clock clock) {
		this.keys = keys;
		this.usage = usage;
		this.store = store;
		this.bodies = bodies;
		this.json = json;
		this.clock = clock;
	}

	Mono<ServerResponse> issue(ServerRequest request) {
		ApiKeyService service = service();
		String consumer = AdminRequests.id(request);
		boolean dryRun = AdminRequests.dryRun(request);
		String actor = AdminPrincipal.actor(request.exchange());
		return this.bodies.optional(request).flatMap(body -> {
			only(body, Set.of("name", "expiresAt"));
			String name = name(body.get("name"));
			Instant expiresAt = expiresAt(body.get("expiresAt"));
			return service.issue(consumer, name, expiresAt, actor, dryRun)
				.flatMap(issued -> dryRun ? ok(new DryRun(true, "issue-key", Kind.CONSUMERS.path(), consumer, null))
						: issued(consumer, issued));
		});
	}

	Mono<ServerResponse> list(ServerRequest request) {
		ApiKeyService service = service();
		String consumer = AdminRequests.id(request);
		return service.list(consumer).flatMap(list -> ok(new KeyList(list)));
	}

	Mono<ServerResponse> revoke(ServerRequest request) {
		ApiKeyService service = service();
		String consumer = AdminRequests.id(request);
		String keyId = AdminRequests.keyId(request);
		boolean dryRun = AdminRequests.dryRun(request);
		String actor = AdminPrincipal.actor(request.exchange());
		return service.revoke(consumer, keyId, actor, dryRun)
			.then(Mono.defer(() -> dryRun ? ok(new DryRun(true, "revoke-key", Kind.CONSUMERS.path(), consumer, null))
					: ServerResponse.noContent().build()));
	}

	Mono<ServerResponse> rotate(ServerRequest request) {
		ApiKeyService service = service();
		String consumer = AdminRequests.id(request);
		String keyId = AdminRequests.keyId(request);
		boolean dryRun = AdminRequests.dryRun(request);
		String actor = AdminPrincipal.actor(request.exchange());
		return this.bodies.optional(request).flatMap(body -> {
			only(body, Set.of("overlap"));
			Duration overlap = overlap(body.get("overlap"));
			return service.rotate(consumer, keyId, overlap, actor, dryRun)
				.flatMap(issued -> dryRun ? ok(new DryRun(true, "rotate-key", Kind.CONSUMERS.path(), consumer, null))
						: issued(consumer, issued));
		});
	}

	Mono<ServerResponse> usage(ServerRequest request) {
		String consumer = AdminRequests.id(request);
		UsageReader reader = this.usage.getIfAvailable();
		if (reader == null) {
			throw AdminProblems.unavailable("Usage is not available: no usage reader is installed");
		}
		return this.store.get(Kind.CONSUMERS, consumer)
			.switchIfEmpty(Mono.error(() -> ManagementProblem.notFound(Kind.CONSUMERS, consumer)))
			.flatMap(found -> reader.usage(consumer))
			.flatMap(this::ok);
	}

	private ApiKeyService service() {
		ApiKeyService service = this.keys.getIfAvailable();
		if (service == null || !service.available()) {
			throw new ManagementProblem(503, "Service Unavailable",
					"API keys are not available: set " + SECRET_PROPERTY);
		}
		return service;
	}

	private Mono<ServerResponse> issued(String consumer, IssuedKey key) {
		IssuedKeyView view = new IssuedKeyView(key.id(), key.key(), key.prefix(), key.name(), key.createdAt(),
				key.expiresAt());
		return ServerResponse.created(URI.create(AdminRouter.BASE + "/consumers/" + consumer + "/keys/" + key.id()))
			.cacheControl(CacheControl.noStore())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(this.json.write(view));
	}

	private static void only(ObjectNode body, Set<String> allowed) {
		for (String field : body.propertyNames()) {
			if (!allowed.contains(field)) {
				throw AdminProblems.badRequest(field, "unknown field");
			}
		}
	}

	@Nullable
	private static String name(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString() || node.stringValue().isBlank() || node.stringValue().length() > MAX_NAME_LENGTH) {
			throw AdminProblems.badRequest("name",
					"must be a non-blank string of at most " + MAX_NAME_LENGTH + " characters");
		}
		return node.stringValue();
	}

	@Nullable
	private Instant expiresAt(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw AdminProblems.badRequest("expiresAt", "must be an RFC 3339 date-time");
		}
		Instant at;
		try {
			at = OffsetDateTime.parse(node.stringValue()).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw AdminProblems.badRequest("expiresAt", "must be an RFC 3339 date-time such as 2030-01-31T00:00:00Z");
		}
		if (!at.isAfter(this.clock.instant())) {
			throw AdminProblems.badRequest("expiresAt", "must be in the future");
		}
		return at;
	}

	private static Duration overlap(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return DEFAULT_OVERLAP;
		}
		Duration overlap = null;
		if (node.isString()) {
			try {
				overlap = DurationStyle.detectAndParse(node.stringValue());
			}
			catch (IllegalArgumentException ex) {
				// refused below
			}
		}
		if (overlap == null || overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
			throw AdminProblems.badRequest("overlap", "must be a duration from 0s to 30d, such as 24h or 30m");
		}
		return overlap;
	}

	private Mono<ServerResponse> ok(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.json.write(body));
	}

}
