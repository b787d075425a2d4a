package io.tollgate.policy.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.policy.redis.StoreBreaker.State;

/**
 * The one Redis health signal: its states, when it opens and closes, and what it logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class StoreBreakerTest {

	static final TimeoutException SLOW = new TimeoutException("Redis call not answered within 500ms");

	@Test
	void legalTransitionsAreOnlyTheOnesTheStateMachineAllows() {
		assertThat(State.CONNECTING.canBecome(State.CLOSED)).isTrue();
		assertThat(State.CONNECTING.canBecome(State.OPEN)).isTrue();
		assertThat(State.CLOSED.canBecome(State.OPEN)).isTrue();
		assertThat(State.OPEN.canBecome(State.CLOSED)).isTrue();
		assertThat(State.CLOSED.canBecome(State.CONNECTING)).isFalse();
		assertThat(State.OPEN.canBecome(State.CONNECTING)).isFalse();
		assertThat(State.CLOSED.canBecome(State.CLOSED)).isFalse();
	}

	@Test
	void whenNotReachedYet_thenCallersStayOffRedis() {
		StoreBreaker breaker = new StoreBreaker(3);
		assertThat(breaker.state()).isEqualTo(State.CONNECTING);
		assertThat(breaker.isClosed()).isFalse();
		breaker.probeSucceeded();
		assertThat(breaker.isClosed()).isTrue();
	}

	@Test
	void whenOneCallIsSlow_thenTheBreakerStaysClosed_andOnlySustainedFailureOpensIt() {
		StoreBreaker breaker = new StoreBreaker(3);
		breaker.probeSucceeded();
		breaker.onFailure(SLOW);
		breaker.onFailure(SLOW);
		breaker.onSuccess();
		breaker.onFailure(SLOW);
		breaker.onFailure(SLOW);
		assertThat(breaker.state()).as("a success in between resets the count").isEqualTo(State.CLOSED);
		breaker.onFailure(SLOW);
		assertThat(breaker.state()).isEqualTo(State.OPEN);
		assertThat(breaker.lastError()).contains("500ms");
	}

	@Test
	void whenProbesFailInARow_thenTheBreakerOpens_evenWhileSlowCallsStillAnswer() {
		StoreBreaker breaker = new StoreBreaker(3);
		breaker.probeSucceeded();
		breaker.probeFailed(SLOW);
		breaker.onSuccess();
		breaker.probeFailed(SLOW);
		breaker.onSuccess();
		assertThat(breaker.state()).as("two late probes may be pauses of this process").isEqualTo(State.CLOSED);
		breaker.probeFailed(SLOW);
		assertThat(breaker.state()).isEqualTo(State.OPEN);
	}

	@Test
	void whenTheFirstContactFails_thenTheBreakerOpensAtOnce() {
		StoreBreaker breaker = new StoreBreaker(3);
		breaker.probeFailed(SLOW);
		assertThat(breaker.state()).isEqualTo(State.OPEN);
	}

	@Test
	void whenOpen_thenOnlyAProbeClosesIt() {
		StoreBreaker breaker = new StoreBreaker(1);
		breaker.probeSucceeded();
		breaker.onFailure(SLOW);
		breaker.onSuccess();
		assertThat(breaker.state()).as("a late success of a request does not close it").isEqualTo(State.OPEN);
		breaker.probeFailed(SLOW);
		assertThat(breaker.state()).isEqualTo(State.OPEN);
		breaker.probeSucceeded();
		assertThat(breaker.state()).isEqualTo(State.CLOSED);
		assertThat(breaker.consecutiveFailures()).isZero();
	}

	@Test
	void whenAnOutageComesAndGoes_thenItIsLoggedOnceEachWay_andListenersSeeEachTransition(CapturedOutput output) {
		StoreBreaker breaker = new StoreBreaker(3);
		List<State> seen = new ArrayList<>();
		breaker.onTransition(seen::add);
		breaker.probeSucceeded();
		for (int i = 0; i < 50; i++) {
			breaker.onFailure(SLOW);
			breaker.probeFailed(SLOW);
		}
		breaker.probeSucceeded();
		breaker.probeSucceeded();
		assertThat(seen).containsExactly(State.CLOSED, State.OPEN, State.CLOSED);
		assertThat(count(output, "Redis unreachable")).isEqualTo(1);
		assertThat(count(output, "Redis reachable again")).isEqualTo(1);
	}

	@Test
	void whenShuttingDown_thenFailuresOfClosingClientsAreNeitherCountedNorLogged(CapturedOutput output) {
		StoreBreaker breaker = new StoreBreaker(1);
		breaker.probeSucceeded();
		breaker.close();
		breaker.onFailure(new IllegalStateException("LettuceConnectionFactory has been STOPPED"));
		breaker.probeFailed(new IllegalStateException("LettuceConnectionFactory has been STOPPED"));
		assertThat(breaker.state()).isEqualTo(State.CLOSED);
		assertThat(output.getAll()).doesNotContain("unreachable");
	}

	static int count(CapturedOutput output, String text) {
		return output.getAll().split(java.util.regex.Pattern.quote(text), -1).length - 1;
	}

}
