package io.tollgate.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.tollgate.policy.redis.LuaScript;

/**
 * Java and Lua speak one vocabulary: every state, cause, verdict and outcome the breaker
 * scripts write or read is a constant of the Java enums, and the other way round.
 */
class BreakerLuaContractTest {

	static final String[] SCRIPTS = { "breaker-record", "breaker-acquire", "breaker-trial", "breaker-state",
			"breaker-force" };

	static final Pattern QUOTED = Pattern.compile("'([A-Za-z_]+)'");

	static final Set<String> LUA_WORDS = Set.of("TIME", "HGET", "HSET", "HDEL", "HMGET", "HINCRBY", "HGETALL", "DEL",
			"PEXPIRE", "PUBLISH", "until", "ver", "state", "permits", "tok", "tbad", "hdl", "cause");

	static Set<String> quotedWords() {
		Set<String> words = new TreeSet<>();
		for (String name : SCRIPTS) {
			Matcher m = QUOTED.matcher(LuaScript.load(name).script().getScriptAsString());
			while (m.find()) {
				words.add(m.group(1));
			}
		}
		words.removeAll(LUA_WORDS);
		return words;
	}

	@Test
	void everyWordTheScriptsUseIsAJavaConstant() {
		Set<String> known = new TreeSet<>();
		Arrays.stream(BreakerState.values()).map(Enum::name).forEach(known::add);
		Arrays.stream(BreakerState.Cause.values()).map(BreakerState.Cause::tag).forEach(known::add);
		Arrays.stream(TrialPermit.Verdict.values()).map(Enum::name).forEach(known::add);
		Arrays.stream(TrialOutcome.values()).map(Enum::name).forEach(known::add);
		Arrays.stream(BreakerOverride.values()).map(Enum::name).forEach(known::add);
		assertThat(known).containsAll(quotedWords());
	}

	@Test
	void everyStateVerdictAndOutcomeTheJavaSideExpectsIsInTheScripts() {
		Set<String> used = quotedWords();
		for (BreakerState state : BreakerState.values()) {
			assertThat(used).as("state " + state).contains(state.name());
		}
		for (TrialPermit.Verdict verdict : TrialPermit.Verdict.values()) {
			assertThat(used).as("verdict " + verdict).contains(verdict.name());
		}
		for (TrialOutcome outcome : TrialOutcome.values()) {
			if (outcome != TrialOutcome.BAD) { // the script treats anything not GOOD or
												// RELEASE as bad
				assertThat(used).as("outcome " + outcome).contains(outcome.name());
			}
		}
		Set<String> causes = Arrays.stream(BreakerState.Cause.values())
			.map(c -> c.name().toLowerCase(Locale.ROOT))
			.collect(Collectors.toSet());
		// causes are published inside messages ('|OPEN|...|rate'), and stored as 'cause'
		// values
		String all = Arrays.stream(SCRIPTS)
			.map(n -> LuaScript.load(n).script().getScriptAsString())
			.collect(Collectors.joining("\n"));
		for (String cause : causes) {
			assertThat(all).as("cause " + cause).contains("'" + cause + "'");
		}
	}

}
