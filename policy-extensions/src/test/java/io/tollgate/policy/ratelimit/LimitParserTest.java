package io.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class LimitParserTest {

	@Test
	void whenSeveralLimitsAreListed_thenEachIsParsedWithSpringDurations() {
		List<Limit> limits = LimitParser.parse("100/1s, 2000/1m;50000/1d , 10/500ms, 3/PT2H");
		assertThat(limits).extracting(Limit::count).containsExactly(100L, 2000L, 50000L, 10L, 3L);
		assertThat(limits).extracting(Limit::periodMillis)
			.containsExactly(1000L, 60_000L, 86_400_000L, 500L, 7_200_000L);
		assertThat(limits.get(0).name()).isEqualTo("100-per-1s");
		assertThat(limits.get(1).windowSeconds()).isEqualTo(60);
		assertThat(limits.get(3).windowSeconds()).isEqualTo(1);
	}

	@Test
	void whenMonthsAreGiven_thenTheLimitIsCalendarAligned() {
		Limit limit = LimitParser.parseOne("1000000/1mo");
		assertThat(limit.isCalendarMonths()).isTrue();
		assertThat(limit.months()).isEqualTo(1);
		assertThat(limit.scriptPeriod()).isEqualTo("-1");
		assertThat(limit.name()).isEqualTo("1000000-per-1mo");
	}

	@Test
	void whenInputIsBad_thenTheMessageSaysWhatIsExpected() {
		assertThatThrownBy(() -> LimitParser.parse("")).hasMessageContaining("at least one limit");
		assertThatThrownBy(() -> LimitParser.parse("100")).hasMessageContaining("COUNT/DURATION");
		assertThatThrownBy(() -> LimitParser.parse("x/1s")).hasMessageContaining("Bad count");
		assertThatThrownBy(() -> LimitParser.parse("0/1s")).hasMessageContaining("at least 1");
		assertThatThrownBy(() -> LimitParser.parse("10/1parsec")).hasMessageContaining("Bad duration");
		assertThatThrownBy(() -> LimitParser.parse("10/5mo")).hasMessageContaining("divide a year");
	}

	@Test
	void whenPolicyIsInconsistent_thenItFailsAtStartup() {
		assertThatThrownBy(
				() -> new RateLimitPolicy("b", Algorithm.GCRA, LimitParser.parse("5/1s"), 6, OnStoreFailure.LOCAL))
			.hasMessageContaining("exceeds limit");
		assertThatThrownBy(
				() -> new RateLimitPolicy("b", Algorithm.GCRA, LimitParser.parse("5/1mo"), 1, OnStoreFailure.LOCAL))
			.hasMessageContaining("fixed-window");
		assertThatThrownBy(() -> Algorithm.parse("leaky")).hasMessageContaining("gcra, sliding-window or fixed-window");
		assertThatThrownBy(() -> OnStoreFailure.parse("maybe")).hasMessageContaining("local, allow or deny");
	}

}
