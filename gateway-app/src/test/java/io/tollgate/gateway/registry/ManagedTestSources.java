package io.tollgate.gateway.registry;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.tollgate.gateway.consumer.ApiKeyService;
import io.tollgate.gateway.consumer.ConsumerCodec;
import io.tollgate.gateway.consumer.PlanCodec;
import io.tollgate.gateway.support.GatewayInstance;

/**
 * Managed resources for the managed-API tests, written as the Admin API writes them:
 * validated by the gateway's own codecs, committed to its real store (Redis), and waited
 * for until the gateway's own sync has applied them, within the second that Tollgate
 * promises. Nothing here stands in for a part of the gateway.
 */
public final class ManagedTestSources {

	/** How long a commit may take to be applied by the replica's sync. */
	public static final Duration PROPAGATION = Duration.ofSeconds(1);

	private ManagedTestSources() {
	}

	/** A gateway with consumers' API keys enabled (it still needs a Redis). */
	public static GatewayInstance.Builder gateway() {
		return GatewayInstance.builder()
			.property("tollgate.api-keys.secret", "test-only-" + UUID.randomUUID() + UUID.randomUUID());
	}

	/** Waits until the gateway's sync has applied {@code revision}. */
	public static void awaitApplied(GatewayInstance gateway, long revision) {
		ManagementState state = gateway.bean(ManagementState.class);
		long deadline = System.nanoTime() + PROPAGATION.toNanos();
		while (state.revision() < revision) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Revision " + revision + " not applied within " + PROPAGATION + " (at "
						+ state.revision() + ")");
			}
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	/** Validates, commits and waits until the gateway serves it. */
	public static ApiDefinition put(GatewayInstance gateway, String id, String json) {
		ApiCodec codec = gateway.bean(ApiCodec.class);
		ApiDefinition api = valid(codec, id, json);
		String canonical = codec.canonical(api);
		awaitApplied(gateway, commitBatch(gateway,
				List.of(Write.put(Kind.APIS, id, canonical, Precondition.any(), codec.uniques(api), null, canonical))));
		return api;
	}

	/** Validates and commits, without waiting; the revision. */
	public static long commitOnly(GatewayInstance gateway, String id, String json) {
		ApiCodec codec = gateway.bean(ApiCodec.class);
		ApiDefinition api = valid(codec, id, json);
		String canonical = codec.canonical(api);
		return commitBatch(gateway,
				List.of(Write.put(Kind.APIS, id, canonical, Precondition.any(), codec.uniques(api), null, canonical)));
	}

	/**
	 * Writes raw JSON to the store, unvalidated (as someone with access to Redis could).
	 */
	public static void putRaw(GatewayInstance gateway, String id, String json) {
		awaitApplied(gateway, commitBatch(gateway,
				List.of(Write.put(Kind.APIS, id, json, Precondition.any(), Set.of(), null, json))));
	}

	public static void delete(GatewayInstance gateway, String id) {
		awaitApplied(gateway, commitBatch(gateway, List.of(Write.delete(Kind.APIS, id, Precondition.exists()))));
	}

	/** A plan, through the shipped codec. */
	public static void plan(GatewayInstance gateway, String id, String json) {
		PlanCodec codec = new PlanCodec();
		var plan = valid(codec, id, json);
		awaitApplied(gateway, commitBatch(gateway, List.of(Write.put(Kind.PLANS, id, codec.canonical(plan),
				Precondition.any(), codec.uniques(plan), null, codec.redacted(plan)))));
	}

	/** A consumer, through the shipped codec. */
	public static void consumer(GatewayInstance gateway, String id, String json) {
		ConsumerCodec codec = new ConsumerCodec();
		var consumer = valid(codec, id, json);
		awaitApplied(gateway, commitBatch(gateway, List.of(Write.put(Kind.CONSUMERS, id, codec.canonical(consumer),
				Precondition.any(), codec.uniques(consumer), null, codec.redacted(consumer)))));
	}

	/** A new API key of the consumer, from the gateway's key service. */
	public static String issueKey(GatewayInstance gateway, String consumer) {
		return gateway.bean(ApiKeyService.class).issue(consumer, "test", null, "tester", false).block().key();
	}

	/** Commits writes as one batch, without waiting; the revision. */
	public static long commitBatch(GatewayInstance gateway, List<Write> writes) {
		return commitBatch(gateway, new Batch("test", "apply", writes));
	}

	/** Commits a batch, without waiting; the revision. */
	public static long commitBatch(GatewayInstance gateway, Batch batch) {
		Commit commit = gateway.bean(ResourceStore.class).commit(batch).block(Duration.ofSeconds(30));
		if (!commit.committed()) {
			throw new IllegalStateException("Refused: " + commit);
		}
		return commit.revision();
	}

	private static <T> T valid(ResourceCodec<T> codec, String id, String json) {
		ResourceCodec.Parsed<T> parsed = codec.parse(id, json);
		if (!parsed.isValid()) {
			throw new IllegalArgumentException("Invalid " + codec.kind().path() + " " + id + ": " + parsed.errors());
		}
		return parsed.value();
	}

}
