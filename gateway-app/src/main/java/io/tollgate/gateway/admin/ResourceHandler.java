package io.tollgate.gateway.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.admin.AdminSecurityWebFilter.AdminPrincipal;
import io.tollgate.gateway.admin.AdminViews.DryRun;
import io.tollgate.gateway.admin.AdminViews.Page;
import io.tollgate.gateway.admin.AdminViews.ResourceItem;
import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.StoredResource;
import io.tollgate.gateway.registry.Write;

/**
 * {@code PUT}, {@code GET}, {@code DELETE} of {@code /admin/v1/<kind>/{id}} and the paged
 * list of a kind, for any kind with a {@link ResourceCodec}. Every write is validated by
 * the codec, stored as its canonical JSON, pinned to the version it was checked against,
 * and audited with the token's subject and redacted states.
 */
final class ResourceHandler {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 500;

	/**
	 * An unconditional write is pinned to the version read; if that changes before the
	 * commit, it is read and tried again this many times.
	 */
	private static final int ATTEMPTS = 3;

	private final Kind kind;

	@Nullable
	private final ResourceCodec<Object> codec;

	private final ResourceStore store;

	private final RequestBodies bodies;

	private final AdminJson json;

	private final CommitRefusals refusals;

	private final ReferenceRules references;

	@SuppressWarnings("unchecked")
	ResourceHandler(Kind kind, @Nullable ResourceCodec<?> codec, ResourceStore store, RequestBodies bodies,
			AdminJson json, ReferenceRules references) {
		this.kind = kind;
		this.codec = (ResourceCodec<Object>) codec;
		this.store = store;
		this.bodies = bodies;
		this.json = json;
		this.refusals = new CommitRefusals(store);
		this.references = references;
	}

	Mono<ServerResponse> list(ServerRequest request) {
		int limit = AdminRequests.limit(request, DEFAULT_LIMIT, MAX_LIMIT);
		String after = AdminRequests.cursor(request);
		return this.store.list(this.kind, after, limit + 1).flatMap(found -> {
			boolean more = found.size() > limit;
			List<StoredResource> shown = more ? found.subList(0, limit) : found;
			List<ResourceItem> items = shown.stream()
				.map(r -> new ResourceItem(r.id(), r.revision(), this.json.readStored(r.json())))
				.toList();
			String next = more ? AdminRequests.cursorAfter(shown.get(shown.size() - 1).id()) : null;
			return ok(new Page(items, next));
		});
	}

	Mono<ServerResponse> get(ServerRequest request) {
		String id = AdminRequests.id(request);
		return this.store.get(this.kind, id)
			.switchIfEmpty(Mono.error(() -> ManagementProblem.notFound(this.kind, id)))
			.flatMap(r -> ServerResponse.ok()
				.eTag(r.etag())
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(r.json()));
	}

	Mono<ServerResponse> put(ServerRequest request) {
		ResourceCodec<Object> c = codec();
		String id = AdminRequests.id(request);
		boolean dryRun = AdminRequests.dryRun(request);
		Preconditions preconditions = Preconditions.of(request);
		String actor = AdminPrincipal.actor(request.exchange());
		return this.bodies.required(request, RequestBodies.MAX_BYTES).flatMap(body -> {
			ResourceCodec.Parsed<Object> parsed = c.parse(id, this.json.write(body));
			if (!parsed.isValid()) {
				return Mono.error(ManagementProblem.invalid(parsed.errors()));
			}
			return this.references.checkPut(this.kind, parsed.value()).flatMap(errors -> {
				if (!errors.isEmpty()) {
					return Mono.error(ManagementProblem.invalid(errors));
				}
				return put(new Put(id, parsed.value(), c.canonical(parsed.value())), preconditions, dryRun, actor,
						ATTEMPTS);
			});
		});
	}

	private Mono<ServerResponse> put(Put put, Preconditions preconditions, boolean dryRun, String actor, int attempts) {
		ResourceCodec<Object> c = codec();
		return current(put.id).flatMap(found -> {
			StoredResource current = found.orElse(null);
			Precondition pin = preconditions.check(current);
			if (current != null && current.json().equals(put.canonical)) {
				// nothing to write: no new revision, no audit entry
				return dryRun ? ok(new DryRun(true, "unchanged", this.kind.path(), put.id, tree(put.canonical)))
						: stored(HttpStatus.OK, current.etag(), put.canonical);
			}
			String action = current == null ? "create" : "replace";
			if (dryRun) {
				return this.refusals.firstTaken(this.kind, put.id, c.uniques(put.value), "")
					.flatMap(Mono::<ServerResponse>error)
					.switchIfEmpty(Mono
						.defer(() -> ok(new DryRun(true, action, this.kind.path(), put.id, tree(put.canonical)))));
			}
			Write write = Write.put(this.kind, put.id, put.canonical, pin, c.uniques(put.value), redacted(current),
					c.redacted(put.value));
			return this.store.commit(Batch.of(actor, action, write)).flatMap(commit -> {
				if (commit.committed()) {
					return current == null ? created(put.id, commit.revision(), put.canonical)
							: stored(HttpStatus.OK, "\"" + commit.revision() + "\"", put.canonical);
				}
				if (retry(commit, preconditions, attempts)) {
					return put(put, preconditions, false, actor, attempts - 1);
				}
				return this.refusals.problem(commit, List.of(write), "").flatMap(Mono::error);
			});
		});
	}

	Mono<ServerResponse> delete(ServerRequest request) {
		codec();
		String id = AdminRequests.id(request);
		boolean dryRun = AdminRequests.dryRun(request);
		Preconditions preconditions = Preconditions.of(request);
		String actor = AdminPrincipal.actor(request.exchange());
		return delete(id, preconditions, dryRun, actor, ATTEMPTS);
	}

	private Mono<ServerResponse> delete(String id, Preconditions preconditions, boolean dryRun, String actor,
			int attempts) {
		return current(id).flatMap(found -> {
			StoredResource current = found.orElseThrow(() -> ManagementProblem.notFound(this.kind, id));
			Precondition pin = preconditions.check(current);
			return this.references.withDelete(this.kind, id).flatMap(also -> {
				if (dryRun) {
					return ok(new DryRun(true, "delete", this.kind.path(), id, null));
				}
				List<Write> writes = new ArrayList<>(also.size() + 1);
				writes.add(Write.delete(this.kind, id, pin, redacted(current)));
				writes.addAll(also);
				return this.store.commit(new Batch(actor, "delete", writes)).flatMap(commit -> {
					if (commit.committed()) {
						return ServerResponse.noContent().build();
					}
					if (retry(commit, preconditions, attempts) || (commit.rejectedWrite() > 0 && attempts > 1)) {
						// the resource's own precondition held: one of its dependents
						// changed
						return delete(id, preconditions, false, actor, attempts - 1);
					}
					return this.refusals.problem(commit, writes, "").flatMap(Mono::error);
				});
			});
		});
	}

	private static boolean retry(Commit commit, Preconditions preconditions, int attempts) {
		return commit.reason() == Commit.Reason.PRECONDITION_FAILED && !preconditions.conditional() && attempts > 1;
	}

	private Mono<Optional<StoredResource>> current(String id) {
		return this.store.get(this.kind, id).map(Optional::of).defaultIfEmpty(Optional.empty());
	}

	/** What the audit shows of the stored version; null when it no longer parses. */
	@Nullable
	private String redacted(@Nullable StoredResource current) {
		if (current == null) {
			return null;
		}
		ResourceCodec.Parsed<Object> parsed = codec().parse(current.id(), current.json());
		return parsed.isValid() ? codec().redacted(parsed.value()) : null;
	}

	private ResourceCodec<Object> codec() {
		if (this.codec == null) {
			throw AdminProblems.unavailable("No validation for " + this.kind.path() + " is installed");
		}
		return this.codec;
	}

	private Object tree(String canonical) {
		return this.json.readStored(canonical);
	}

	private Mono<ServerResponse> created(String id, long revision, String canonical) {
		return ServerResponse.created(URI.create(AdminRouter.BASE + "/" + this.kind.path() + "/" + id))
			.eTag("\"" + revision + "\"")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(canonical);
	}

	private static Mono<ServerResponse> stored(HttpStatus status, String etag, String canonical) {
		return ServerResponse.status(status).eTag(etag).contentType(MediaType.APPLICATION_JSON).bodyValue(canonical);
	}

	private Mono<ServerResponse> ok(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.json.write(body));
	}

	private record Put(String id, Object value, String canonical) {
	}

}
