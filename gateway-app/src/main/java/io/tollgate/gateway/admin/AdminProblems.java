package io.tollgate.gateway.admin;

import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.admin.AdminViews.Problem;
import io.tollgate.gateway.admin.AdminViews.ProblemField;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.policy.problem.ProblemResponses;

/**
 * Renders refusals as RFC 9457 problems with the offending fields ({@code "errors":
 * [{"field": ..., "detail": ...}]}); anything unexpected becomes a 500 without details
 * (logged here).
 */
final class AdminProblems {

	private static final Logger log = LoggerFactory.getLogger(AdminProblems.class);

	private final AdminJson json;

	AdminProblems(AdminJson json) {
		this.json = json;
	}

	Mono<ServerResponse> render(ServerRequest request, Throwable error) {
		if (error instanceof ManagementProblem problem) {
			return respond(request, problem.status(), problem.title(), problem.getMessage(),
					problem.errors().stream().map(e -> new ProblemField(e.field(), e.detail())).toList());
		}
		log.error("Admin API {} {} failed", request.method(), request.path(), error);
		return respond(request, 500, "Internal Server Error", null, List.of());
	}

	Mono<ServerResponse> respond(ServerRequest request, int status, String title, @Nullable String detail,
			List<ProblemField> errors) {
		return respond(request, status, title, detail, errors, headers -> {
		});
	}

	Mono<ServerResponse> respond(ServerRequest request, int status, String title, @Nullable String detail,
			List<ProblemField> errors, Consumer<HttpHeaders> headers) {
		Problem body = new Problem("about:blank", title, status, detail, request.path(),
				errors.isEmpty() ? null : errors);
		return ServerResponse.status(status)
			.headers(headers)
			.contentType(ProblemResponses.PROBLEM_JSON)
			.bodyValue(this.json.write(body));
	}

	static ManagementProblem notFound(String detail) {
		return new ManagementProblem(404, "Not Found", detail);
	}

	static ManagementProblem badRequest(String field, String detail) {
		return new ManagementProblem(400, "Bad Request", field + ": " + detail,
				List.of(new io.tollgate.gateway.registry.FieldError(field, detail)));
	}

	static ManagementProblem unavailable(String detail) {
		return new ManagementProblem(HttpStatus.SERVICE_UNAVAILABLE.value(), "Service Unavailable", detail);
	}

}
