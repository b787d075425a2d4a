package io.tollgate.gateway.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.http.MediaType;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.tollgate.gateway.admin.AdminSecurityWebFilter.AdminPrincipal;
import io.tollgate.gateway.admin.AdminViews.ConfigDiff;
import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.ChangeFeed;
import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.Snapshot;
import io.tollgate.gateway.registry.StoredResource;
import io.tollgate.gateway.registry.Write;

/**
 * The whole configuration as one document ({@code {"plans": {id: doc}, "consumers": ...,
 * "apis": ...}}, ids sorted, documents canonical; API keys are never part of it). Export
 * reads one snapshot; apply validates every document first, then commits every change as
 * one batch pinned to the snapshot it was computed from: all or nothing.
 */
final class ConfigHandler {

	static final List<Kind> KINDS = List.of(Kind.PLANS, Kind.CONSUMERS, Kind.APIS);

	static final MediaType APPLICATION_YAML = MediaType.parseMediaType("application/yaml");

	private static final List<MediaType> YAML_TYPES = List.of(APPLICATION_YAML,
			MediaType.parseMediaType("application/x-yaml"), MediaType.parseMediaType("text/yaml"));

	/** A refusal lists at most this many field errors. */
	private static final int MAX_ERRORS = 100;

	private final Map<Kind, ResourceCodec<Object>> codecs;

	private final ChangeFeed feed;

	private final ResourceStore store;

	private final RequestBodies bodies;

	private final AdminJson json;

	private final CommitRefusals refusals;

	private final ReferenceRules references;

	ConfigHandler(Map<Kind, ResourceCodec<Object>> codecs, ChangeFeed feed, ResourceStore store, RequestBodies bodies,
			AdminJson json, ReferenceRules references) {
		this.references = references;
		this.codecs = codecs;
		this.feed = feed;
		this.store = store;
		this.bodies = bodies;
		this.json = json;
		this.refusals = new CommitRefusals(store);
	}

	Mono<ServerResponse> export(ServerRequest request) {
		boolean yaml = wantsYaml(request);
		return this.feed.snapshot().flatMap(snapshot -> {
			ObjectNode document = document(snapshot);
			return yaml ? ServerResponse.ok().contentType(APPLICATION_YAML).bodyValue(this.json.writeYaml(document))
					: ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.json.write(document));
		});
	}

	Mono<ServerResponse> apply(ServerRequest request) {
		boolean dryRun = AdminRequests.dryRun(request);
		String actor = AdminPrincipal.actor(request.exchange());
		return this.bodies.required(request, RequestBodies.MAX_CONFIG_BYTES).flatMap(body -> {
			Map<Kind, Map<String, Desired>> desired = validate(body);
			return this.feed.snapshot().flatMap(snapshot -> {
				Changes changes = changes(desired, snapshot);
				if (dryRun || changes.writes.isEmpty()) {
					return ok(changes.diff(dryRun, snapshot.revision()));
				}
				return this.store.commit(new Batch(actor, "apply", changes.writes)).flatMap(commit -> {
					if (commit.committed()) {
						return ok(changes.diff(false, commit.revision()));
					}
					return refused(commit, changes.writes).flatMap(Mono::error);
				});
			});
		});
	}

	private ObjectNode document(Snapshot snapshot) {
		ObjectNode document = this.json.object();
		for (Kind kind : KINDS) {
			ObjectNode section = document.putObject(kind.path());
			snapshot.of(kind)
				.stream()
				.sorted(Comparator.comparing(StoredResource::id))
				.forEach(r -> section.set(r.id(), this.json.readStored(r.json())));
		}
		return document;
	}

	/** Every document parsed by its codec; every refusal collected, then thrown. */
	private Map<Kind, Map<String, Desired>> validate(ObjectNode body) {
		List<FieldError> errors = new ArrayList<>();
		for (String field : body.propertyNames()) {
			if (KINDS.stream().noneMatch(k -> k.path().equals(field))) {
				errors.add(new FieldError(field, "unknown field: a document has plans, consumers and apis"));
			}
		}
		Map<Kind, Map<String, Desired>> desired = new EnumMap<>(Kind.class);
		for (Kind kind : KINDS) {
			JsonNode section = body.get(kind.path());
			Map<String, Desired> of = new TreeMap<>();
			desired.put(kind, of);
			if (section == null) {
				errors.add(new FieldError(kind.path(), "required (send {} for none)"));
				continue;
			}
			if (!section.isObject()) {
				errors.add(new FieldError(kind.path(), "must be an object of id: document"));
				continue;
			}
			ResourceCodec<Object> codec = codec(kind);
			for (Map.Entry<String, JsonNode> e : section.properties()) {
				String id = e.getKey();
				String field = kind.path() + "." + id;
				if (!AdminRequests.ID.matcher(id).matches()) {
					errors.add(new FieldError(field, "the id must match " + AdminRequests.ID.pattern()));
				}
				else if (!e.getValue().isObject()) {
					errors.add(new FieldError(field, "must be a JSON object"));
				}
				else {
					ResourceCodec.Parsed<Object> parsed = codec.parse(id, this.json.write(e.getValue()));
					if (parsed.isValid()) {
						Object value = parsed.value();
						of.put(id, new Desired(id, value, codec.canonical(value), codec.uniques(value),
								codec.redacted(value)));
					}
					else {
						parsed.errors()
							.forEach(fe -> errors.add(new FieldError(field + "." + fe.field(), fe.detail())));
					}
				}
			}
		}
		if (errors.isEmpty()) {
			Map<String, Object> consumers = new TreeMap<>();
			desired.get(Kind.CONSUMERS).forEach((id, d) -> consumers.put(id, d.value));
			errors.addAll(this.references.checkDocument(consumers, desired.get(Kind.PLANS).keySet()));
		}
		if (!errors.isEmpty()) {
			throw ManagementProblem.invalid(errors.subList(0, Math.min(errors.size(), MAX_ERRORS)));
		}
		checkUniques(desired);
		return desired;
	}

	/** Two documents of one configuration may not hold the same unique value. */
	private static void checkUniques(Map<Kind, Map<String, Desired>> desired) {
		Map<String, String> holders = new HashMap<>();
		for (Kind kind : KINDS) {
			for (Desired d : desired.get(kind).values()) {
				for (String unique : d.uniques) {
					String self = kind.path() + "." + d.id;
					String other = holders.putIfAbsent(unique, self);
					if (other != null && !other.equals(self)) {
						int colon = unique.indexOf(':');
						String index = colon < 0 ? unique : unique.substring(0, colon);
						String detail = "'" + unique.substring(colon + 1) + "' is also used by " + other;
						throw new ManagementProblem(409, "Conflict", index + ": " + detail,
								List.of(new FieldError(self + "." + index, detail)));
					}
				}
			}
		}
	}

	private Changes changes(Map<Kind, Map<String, Desired>> desired, Snapshot snapshot) {
		Changes changes = new Changes();
		for (Kind kind : KINDS) {
			ResourceCodec<Object> codec = codec(kind);
			Map<String, StoredResource> current = new LinkedHashMap<>();
			snapshot.of(kind).forEach(r -> current.put(r.id(), r));
			for (Desired d : desired.get(kind).values()) {
				StoredResource now = current.get(d.id);
				if (now != null && now.json().equals(d.canonical)) {
					continue;
				}
				Precondition pin = Preconditions.pin(now);
				changes.writes
					.add(Write.put(kind, d.id, d.canonical, pin, d.uniques, redacted(codec, now), d.redacted));
				changes.list(now == null ? changes.created : changes.replaced, kind).add(d.id);
			}
			for (StoredResource now : current.values()) {
				if (!desired.get(kind).containsKey(now.id())) {
					changes.writes.add(Write.delete(kind, now.id(), Preconditions.pin(now), redacted(codec, now)));
					changes.writes.addAll(this.references.withDelete(kind, now.id(), snapshot));
					changes.list(changes.deleted, kind).add(now.id());
				}
			}
		}
		return changes;
	}

	private Mono<ManagementProblem> refused(Commit commit, List<Write> writes) {
		Write write = commit.rejectedWrite() >= 0 && commit.rejectedWrite() < writes.size()
				? writes.get(commit.rejectedWrite()) : null;
		if (commit.reason() == Commit.Reason.CONFLICT && write != null) {
			return this.refusals.conflict(commit.detail(), write, write.kind().path() + "." + write.id() + ".");
		}
		// the snapshot the changes were computed from is no longer current
		return Mono.just(new ManagementProblem(409, "Conflict",
				"The configuration changed while this document was applied; nothing was changed: retry"));
	}

	@Nullable
	private static String redacted(ResourceCodec<Object> codec, @Nullable StoredResource current) {
		if (current == null) {
			return null;
		}
		ResourceCodec.Parsed<Object> parsed = codec.parse(current.id(), current.json());
		return parsed.isValid() ? codec.redacted(parsed.value()) : null;
	}

	private ResourceCodec<Object> codec(Kind kind) {
		ResourceCodec<Object> codec = this.codecs.get(kind);
		if (codec == null) {
			throw AdminProblems.unavailable("No validation for " + kind.path() + " is installed");
		}
		return codec;
	}

	private static boolean wantsYaml(ServerRequest request) {
		MediaType best = null;
		for (MediaType accepted : request.headers().accept()) {
			boolean yaml = YAML_TYPES.stream().anyMatch(accepted::equalsTypeAndSubtype);
			boolean json = accepted.isCompatibleWith(MediaType.APPLICATION_JSON);
			if ((yaml || json) && (best == null || accepted.getQualityValue() > best.getQualityValue())) {
				best = accepted;
			}
		}
		return best != null && YAML_TYPES.stream().anyMatch(best::equalsTypeAndSubtype);
	}

	private Mono<ServerResponse> ok(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.json.write(body));
	}

	private record Desired(String id, Object value, String canonical, Set<String> uniques, String redacted) {
	}

	private static final class Changes {

		final List<Write> writes = new ArrayList<>();

		final Map<String, List<String>> created = new LinkedHashMap<>();

		final Map<String, List<String>> replaced = new LinkedHashMap<>();

		final Map<String, List<String>> deleted = new LinkedHashMap<>();

		Changes() {
			for (Kind kind : KINDS) {
				this.created.put(kind.path(), new ArrayList<>());
				this.replaced.put(kind.path(), new ArrayList<>());
				this.deleted.put(kind.path(), new ArrayList<>());
			}
		}

		List<String> list(Map<String, List<String>> of, Kind kind) {
			return of.get(kind.path());
		}

		ConfigDiff diff(boolean dryRun, long revision) {
			return new ConfigDiff(dryRun, revision, this.created, this.replaced, this.deleted);
		}

	}

}
