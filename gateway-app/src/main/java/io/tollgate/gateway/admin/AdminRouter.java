package io.tollgate.gateway.admin;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.tollgate.gateway.admin.AdminViews.AuditPage;
import io.tollgate.gateway.admin.AdminViews.ConfigDiff;
import io.tollgate.gateway.admin.AdminViews.ConfigDocument;
import io.tollgate.gateway.admin.AdminViews.DryRun;
import io.tollgate.gateway.admin.AdminViews.IssuedKeyView;
import io.tollgate.gateway.admin.AdminViews.KeyList;
import io.tollgate.gateway.admin.AdminViews.KeyRequest;
import io.tollgate.gateway.admin.AdminViews.Page;
import io.tollgate.gateway.admin.AdminViews.RotateRequest;
import io.tollgate.gateway.admin.AdminViews.Status;
import io.tollgate.gateway.consumer.ConsumerUsage;
import io.tollgate.gateway.registry.AuditVerification;
import io.tollgate.gateway.registry.Kind;

/**
 * Every route of the Admin API with its OpenAPI operation, and the document generated
 * from them. Unknown paths under {@code /admin/v1} answer a 404 problem, a known path
 * with another method a 405 with {@code Allow}; every refusal is a problem.
 */
final class AdminRouter {

	static final String BASE = "/admin/v1";

	private final RouterFunction<ServerResponse> routes;

	/**
	 * Generated on first request, off the event loop (swagger-core takes over a second
	 * when cold: not paid by every start), then kept.
	 */
	private final Mono<String> openApi;

	AdminRouter(Map<Kind, ResourceHandler> resources, KeyHandler keys, ConfigHandler config, AuditHandler audit,
			StatusHandler status, AdminProblems problems) {
		RouterFunctions.Builder b = RouterFunctions.route();
		for (Kind kind : ConfigHandler.KINDS) {
			resourceRoutes(b, kind, resources.get(kind));
		}
		String consumerKeys = BASE + "/consumers/{id}/keys";
		b.POST(consumerKeys, keys::issue)
			.withAttribute(AdminOperation.ATTRIBUTE, AdminOperation
				.of("issueKey", "Issue an API key to a consumer", "keys")
				.dryRun()
				.body(KeyRequest.class, false)
				.reply(201, "The new key: its secret is shown in this answer only", IssuedKeyView.class, "Location")
				.reply(200, "Dry run: what would be issued", DryRun.class)
				.problem(400, "Invalid body (the problem names the field)")
				.problem(404, "No such consumer")
				.problem(413, "Body over 1 MiB"));
		b.GET(consumerKeys, keys::list)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("listKeys", "List a consumer's keys (never their secrets)", "keys")
						.reply(200, "The keys, with their last use", KeyList.class)
						.problem(404, "No such consumer"));
		b.DELETE(consumerKeys + "/{keyId}", keys::revoke)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("revokeKey", "Revoke a key at once", "keys")
						.dryRun()
						.reply(204, "Revoked", null)
						.reply(200, "Dry run: the key would be revoked", DryRun.class)
						.problem(404, "No such consumer or key"));
		b.POST(consumerKeys + "/{keyId}/rotate", keys::rotate)
			.withAttribute(AdminOperation.ATTRIBUTE, AdminOperation
				.of("rotateKey", "Issue a new key; the old one works until the overlap ends", "keys")
				.dryRun()
				.body(RotateRequest.class, false)
				.reply(201, "The new key: its secret is shown in this answer only", IssuedKeyView.class, "Location")
				.reply(200, "Dry run: the key would be rotated", DryRun.class)
				.problem(400, "Invalid overlap")
				.problem(404, "No such consumer or key"));
		b.GET(BASE + "/consumers/{id}/usage", keys::usage)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation
						.of("consumerUsage", "A consumer's counters against each limit of its plan", "consumers")
						.reply(200, "Usage per limit, read from the rate limiter's keys", ConsumerUsage.class)
						.problem(404, "No such consumer"));
		b.GET(BASE + "/config", config::export)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("exportConfig", "Export every plan, consumer and API as one document", "config")
						.reply(200, "The document (YAML with Accept: application/yaml)", ConfigDocument.class,
								List.of("application/json", "application/yaml")));
		b.PUT(BASE + "/config", config::apply)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation
						.of("applyConfig", "Apply a whole document atomically: what it lacks is deleted", "config")
						.dryRun()
						.body(ConfigDocument.class, true)
						.reply(200, "What changed (dry run: what would change)", ConfigDiff.class)
						.problem(400, "An invalid document: nothing was changed")
						.problem(409, "A unique value used twice, or a concurrent change: nothing was changed")
						.problem(413, "Document over 16 MiB"));
		b.GET(BASE + "/audit", audit::latest)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("audit", "The audit trail, newest first", "audit")
						.query("limit", "integer",
								"How many entries (1-" + AuditHandler.MAX_LIMIT + ", default "
										+ AuditHandler.DEFAULT_LIMIT + ")")
						.reply(200, "Audit entries", AuditPage.class)
						.problem(400, "Invalid limit"));
		b.GET(BASE + "/audit/verify", audit::verify)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("verifyAudit", "Check the audit's hash chain", "audit")
						.reply(200, "The verdict (intact false names the first broken entry)",
								AuditVerification.class));
		b.GET(BASE + "/status", status::status)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("status", "The global revision and what each replica has applied", "status")
						.reply(200, "Revisions and lag", Status.class));
		b.GET(BASE + "/openapi.json", this::openApi)
			.withAttribute(AdminOperation.ATTRIBUTE, AdminOperation.of("openApi", "This document", "meta")
				.reply(200, "The OpenAPI 3 document of the Admin API", Object.class));
		RouterFunction<ServerResponse> documented = b.build();
		List<RouteTable.Route> table = RouteTable.of(documented);
		// checked at start, cheaply: every route is documented
		for (RouteTable.Route route : table) {
			if (route.operation() == null) {
				throw new IllegalStateException(
						"Admin API route " + route.method() + " " + route.path() + " has no OpenAPI operation");
			}
		}
		this.openApi = Mono.fromCallable(() -> OpenApiGenerator.generate(table))
			.subscribeOn(Schedulers.boundedElastic())
			.cache();
		this.routes = documented.and(fallback(table, problems))
			.filter((request, next) -> Mono.defer(() -> next.handle(request))
				.onErrorResume(error -> problems.render(request, error)));
	}

	RouterFunction<ServerResponse> routes() {
		return this.routes;
	}

	private static void resourceRoutes(RouterFunctions.Builder b, Kind kind, ResourceHandler handler) {
		String plural = kind.path();
		String one = plural.substring(0, plural.length() - 1);
		String base = BASE + "/" + plural;
		b.GET(base, handler::list)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("list" + cap(plural), "List " + plural + " by id", plural)
						.query("limit", "integer",
								"Page size (1-" + ResourceHandler.MAX_LIMIT + ", default "
										+ ResourceHandler.DEFAULT_LIMIT + ")")
						.query("cursor", "string", "The next value of the previous page")
						.reply(200, "One page", Page.class)
						.problem(400, "Invalid limit or cursor"));
		b.GET(base + "/{id}", handler::get)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("get" + cap(one), "Read one " + one, plural)
						.reply(200, "The document, as stored", Object.class, "ETag")
						.problem(400, "Invalid id")
						.problem(404, "No such " + one));
		b.PUT(base + "/{id}", handler::put)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("put" + cap(one), "Create or replace a " + one, plural)
						.dryRun()
						.header(HttpHeaders.IF_MATCH, "\"<revision>\" (its ETag) or *: replace only that version")
						.header(HttpHeaders.IF_NONE_MATCH, "*: create only")
						.body(Object.class, true)
						.reply(201, "Created: the document as stored", Object.class, "ETag", "Location")
						.reply(200, "Replaced (or unchanged): the document as stored; dry run: what would happen",
								Object.class, "ETag")
						.problem(400, "Invalid document or id (the problem names the fields)")
						.problem(409, "A unique value (such as basePath) is held by another resource")
						.problem(412, "If-Match / If-None-Match does not hold")
						.problem(413, "Body over 1 MiB")
						.problem(415, "Not application/json"));
		b.DELETE(base + "/{id}", handler::delete)
			.withAttribute(AdminOperation.ATTRIBUTE,
					AdminOperation.of("delete" + cap(one), "Delete a " + one, plural)
						.dryRun()
						.header(HttpHeaders.IF_MATCH, "\"<revision>\" or *: delete only that version")
						.reply(204, "Deleted", null)
						.reply(200, "Dry run: it would be deleted", DryRun.class)
						.problem(404, "No such " + one)
						.problem(412, "If-Match does not hold"));
	}

	private static String cap(String s) {
		return Character.toUpperCase(s.charAt(0)) + s.substring(1);
	}

	private Mono<ServerResponse> openApi(ServerRequest request) {
		return this.openApi
			.flatMap(document -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(document));
	}

	/**
	 * 405 for a known path with another method, 404 for any other path under the base.
	 */
	private static RouterFunction<ServerResponse> fallback(List<RouteTable.Route> table, AdminProblems problems) {
		PathPatternParser parser = new PathPatternParser();
		List<Map.Entry<PathPattern, HttpMethod>> patterns = table.stream()
			.map(r -> Map.entry(parser.parse(r.path()), r.method()))
			.toList();
		HandlerFunction<ServerResponse> handler = request -> {
			PathContainer path = request.requestPath().pathWithinApplication();
			Set<HttpMethod> allowed = new LinkedHashSet<>();
			patterns.stream().filter(p -> p.getKey().matches(path)).forEach(p -> allowed.add(p.getValue()));
			if (allowed.isEmpty()) {
				return problems.respond(request, 404, "Not Found", "No Admin API resource at " + path.value(),
						List.of());
			}
			return problems.respond(request, 405, "Method Not Allowed", request.method() + " is not allowed here",
					List.of(), headers -> headers.setAllow(allowed));
		};
		return request -> {
			String path = request.requestPath().pathWithinApplication().value();
			return AdminSecurityWebFilter.isAdminPath(path) ? Mono.just(handler) : Mono.empty();
		};
	}

}
