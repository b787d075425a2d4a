package io.tollgate.gateway.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.admin.AdminViews.ReplicaStatus;
import io.tollgate.gateway.admin.AdminViews.Status;
import io.tollgate.gateway.registry.AuditEntry;
import io.tollgate.gateway.registry.AuditLog;
import io.tollgate.gateway.registry.ChangeFeed;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.policy.replica.Replica;
import io.tollgate.policy.replica.ReplicaHeartbeat;

/**
 * The store's global revision and what each live replica has applied (the heartbeat
 * attribute {@code revision}, as this replica's last heartbeat saw it). A replica's
 * {@code lagMillis} is 0 when it has the global revision, else the time since the oldest
 * revision it lacks was committed (from the audit's commit times): it keeps growing while
 * a replica is stuck, which the age of its last heartbeat would not show.
 */
final class StatusHandler {

	/** How far back the audit is read to date the revisions a replica lacks. */
	static final int AUDIT_WINDOW = 1000;

	static final String REVISION_ATTRIBUTE = "revision";

	private final ChangeFeed feed;

	private final AuditLog audit;

	private final ObjectProvider<ReplicaHeartbeat> heartbeat;

	private final ObjectProvider<ManagementView> view;

	private final AdminJson json;

	private final Clock clock;

	StatusHandler(ChangeFeed feed, AuditLog audit, ObjectProvider<ReplicaHeartbeat> heartbeat,
			ObjectProvider<ManagementView> view, AdminJson json, Clock clock) {
		this.feed = feed;
		this.audit = audit;
		this.heartbeat = heartbeat;
		this.view = view;
		this.json = json;
		this.clock = clock;
	}

	Mono<ServerResponse> status(ServerRequest request) {
		List<Reported> reported = reported();
		return this.feed.revision().flatMap(revision -> {
			boolean anyBehind = reported.stream().anyMatch(r -> r.revision != null && r.revision < revision);
			Mono<List<AuditEntry>> entries = anyBehind ? this.audit.latest(AUDIT_WINDOW) : Mono.just(List.of());
			return entries.map(audit -> new Status(revision, replicas(reported, revision, audit)));
		})
			.flatMap(status -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(this.json.write(status)));
	}

	private List<Reported> reported() {
		ReplicaHeartbeat beat = this.heartbeat.getIfAvailable();
		List<Reported> out = new ArrayList<>();
		if (beat != null) {
			for (Replica r : beat.view().replicas()) {
				out.add(new Reported(r.id(), parse(r.attributes().get(REVISION_ATTRIBUTE))));
			}
		}
		if (out.isEmpty()) {
			// no heartbeat (no Redis) or none yet: this replica speaks for itself
			ManagementView applied = this.view.getIfAvailable();
			if (applied != null) {
				out.add(new Reported(beat != null ? beat.replicaId() : "local", applied.revision()));
			}
		}
		out.sort((a, b) -> a.id.compareTo(b.id));
		return out;
	}

	private List<ReplicaStatus> replicas(List<Reported> reported, long revision, List<AuditEntry> audit) {
		Instant now = this.clock.instant();
		List<ReplicaStatus> out = new ArrayList<>();
		for (Reported r : reported) {
			Long lag = null;
			if (r.revision != null) {
				lag = r.revision >= revision ? Long.valueOf(0L) : lagMillis(r.revision, audit, now);
			}
			out.add(new ReplicaStatus(r.id, r.revision, lag));
		}
		return out;
	}

	/**
	 * Since when the replica has lacked a revision: the commit time of the first revision
	 * after its own (the oldest entry read when the audit does not reach back that far);
	 * null when the audit has no entry after it.
	 */
	@Nullable
	private static Long lagMillis(long applied, List<AuditEntry> newestFirst, Instant now) {
		Instant since = null;
		for (AuditEntry e : newestFirst) {
			if (e.revision() <= applied) {
				break;
			}
			since = e.at();
		}
		return since == null ? null : Math.max(0L, now.toEpochMilli() - since.toEpochMilli());
	}

	@Nullable
	private static Long parse(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private record Reported(String id, @Nullable Long revision) {
	}

}
