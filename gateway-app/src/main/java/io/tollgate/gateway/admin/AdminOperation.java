package io.tollgate.gateway.admin;

import java.util.ArrayList;
import java.util.List;

import org.springframework.lang.Nullable;

/**
 * What the OpenAPI document says about one route, attached to the route itself (a route
 * attribute), so the document is built from the routes the Admin API serves. Built once,
 * when the routes are.
 */
final class AdminOperation {

	/** The route attribute holding the operation. */
	static final String ATTRIBUTE = AdminOperation.class.getName();

	final String id;

	final String summary;

	final String tag;

	final List<Param> params = new ArrayList<>();

	final List<Reply> replies = new ArrayList<>();

	@Nullable
	Body body;

	private AdminOperation(String id, String summary, String tag) {
		this.id = id;
		this.summary = summary;
		this.tag = tag;
	}

	static AdminOperation of(String id, String summary, String tag) {
		return new AdminOperation(id, summary, tag);
	}

	AdminOperation query(String name, String type, String description) {
		this.params.add(new Param(name, "query", type, description));
		return this;
	}

	AdminOperation header(String name, String description) {
		this.params.add(new Param(name, "header", "string", description));
		return this;
	}

	/** Adds {@code ?dryRun=true}. */
	AdminOperation dryRun() {
		return query("dryRun", "boolean", "true: validate and report what would change; nothing is changed");
	}

	AdminOperation body(Class<?> type, boolean required, String... mediaTypes) {
		this.body = new Body(type, required,
				mediaTypes.length == 0 ? List.of("application/json") : List.of(mediaTypes));
		return this;
	}

	/**
	 * A response; {@code type} null for none, {@code Object.class} for a free-form JSON
	 * object.
	 */
	AdminOperation reply(int status, String description, @Nullable Class<?> type, String... headers) {
		this.replies.add(new Reply(status, description, type, List.of("application/json"), List.of(headers)));
		return this;
	}

	AdminOperation reply(int status, String description, Class<?> type, List<String> mediaTypes) {
		this.replies.add(new Reply(status, description, type, mediaTypes, List.of()));
		return this;
	}

	/** A problem response. */
	AdminOperation problem(int status, String description) {
		this.replies.add(new Reply(status, description, AdminViews.Problem.class, List.of("application/problem+json"),
				List.of()));
		return this;
	}

	record Param(String name, String in, String type, String description) {
	}

	record Body(Class<?> type, boolean required, List<String> mediaTypes) {
	}

	record Reply(int status, String description, @Nullable Class<?> type, List<String> mediaTypes,
			List<String> headers) {
	}

}
