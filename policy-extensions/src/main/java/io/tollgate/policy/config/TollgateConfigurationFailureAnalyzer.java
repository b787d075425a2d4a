package io.tollgate.policy.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link TollgateConfigurationException} as what to change, without a stack
 * trace: each problem with its property and, for route filters and predicates, its route.
 */
public class TollgateConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<TollgateConfigurationException> {

	private static final String NL = System.lineSeparator();

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TollgateConfigurationException cause) {
		StringBuilder description = new StringBuilder("Tollgate's configuration is invalid.");
		for (TollgateConfigurationException.Problem problem : cause.getProblems()) {
			description.append(NL).append(NL);
			if (problem.property() != null) {
				description.append("    Property: ").append(problem.property()).append(NL);
			}
			if (problem.route() != null) {
				description.append("    Route:    ").append(problem.route()).append(NL);
			}
			description.append("    Problem:  ").append(problem.message());
		}
		String action = (cause.getProblems().size() == 1 ? "Correct the property above"
				: "Correct the properties above")
				+ " (README.md, section Configuration, lists every property and filter argument) and start again.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

}
