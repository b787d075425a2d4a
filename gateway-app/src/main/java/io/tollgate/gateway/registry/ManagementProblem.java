package io.tollgate.gateway.registry;

import java.util.List;

/**
 * A refusal of a management operation, as the Admin API answers it: an HTTP status, a
 * title, a detail and the offending fields ({@code "errors": [{"field": ..., "detail":
 * ...}]}).
 */
public final class ManagementProblem extends RuntimeException {

	private final int status;

	private final String title;

	private final List<FieldError> errors;

	public ManagementProblem(int status, String title, String detail, List<FieldError> errors) {
		super(detail, null, false, false);
		this.status = status;
		this.title = title;
		this.errors = List.copyOf(errors);
	}

	public ManagementProblem(int status, String title, String detail) {
		this(status, title, detail, List.of());
	}

	public static ManagementProblem invalid(List<FieldError> errors) {
		return new ManagementProblem(400, "Bad Request", "The document is not valid", errors);
	}

	public static ManagementProblem notFound(Kind kind, String id) {
		return new ManagementProblem(404, "Not Found", "No " + kind.path() + " '" + id + "'");
	}

	public int status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

	public List<FieldError> errors() {
		return this.errors;
	}

}
