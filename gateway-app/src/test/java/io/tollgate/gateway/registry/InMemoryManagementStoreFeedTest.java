package io.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.tollgate.testsupport.time.MutableClock;

class InMemoryManagementStoreFeedTest {

	@Test
	void whenTrimmingSplitsARevision_thenChangesSinceBeforeItAreAGap() {
		InMemoryManagementStore store = new InMemoryManagementStore(MutableClock.start(), AuditChain.of(null), 10);
		store
			.commit(Batch.of("a", "create",
					Write.put(Kind.PLANS, "first", "{}", Precondition.any(), Set.of(), null, "{}")))
			.block();
		// one batch one write longer than the feed: its oldest write is trimmed
		List<Write> writes = new ArrayList<>();
		for (int i = 0; i < InMemoryManagementStore.FEED_LENGTH + 1; i++) {
			writes.add(Write.put(Kind.PLANS, "p" + i, "{}", Precondition.any(), Set.of(), null, "{}"));
		}
		store.commit(new Batch("a", "apply", writes)).block();
		assertThat(store.changesSince(1).block().gap()).isTrue();
		assertThat(store.changesSince(2).block().isEmpty()).isTrue();
	}

}
