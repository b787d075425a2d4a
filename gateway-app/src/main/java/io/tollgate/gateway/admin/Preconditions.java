package io.tollgate.gateway.admin;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;

import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.StoredResource;

/**
 * {@code If-Match} / {@code If-None-Match} on writes (RFC 9110 section 13.1): evaluated
 * against the version just read, then the write is pinned to that version, so the store
 * refuses it if anything changed in between. {@code If-Match} compares strongly (a weak
 * tag never matches), {@code If-None-Match} weakly; {@code *} is supported by both.
 */
final class Preconditions {

	private final List<String> ifMatch;

	private final List<String> ifNoneMatch;

	private Preconditions(List<String> ifMatch, List<String> ifNoneMatch) {
		this.ifMatch = ifMatch;
		this.ifNoneMatch = ifNoneMatch;
	}

	static Preconditions of(ServerRequest request) {
		return new Preconditions(tags(request.headers().header(HttpHeaders.IF_MATCH), HttpHeaders.IF_MATCH),
				tags(request.headers().header(HttpHeaders.IF_NONE_MATCH), HttpHeaders.IF_NONE_MATCH));
	}

	/** Whether the client made the write conditional. */
	boolean conditional() {
		return !this.ifMatch.isEmpty() || !this.ifNoneMatch.isEmpty();
	}

	/**
	 * Checks the headers against the current version (null: absent) and answers the store
	 * precondition that pins the write to it.
	 * @throws ManagementProblem 412 when a header does not hold
	 */
	Precondition check(@Nullable StoredResource current) {
		if (!this.ifMatch.isEmpty()) {
			boolean holds = current != null && (this.ifMatch.contains("*")
					|| this.ifMatch.stream().anyMatch(tag -> !tag.startsWith("W/") && tag.equals(current.etag())));
			if (!holds) {
				throw failed(current == null ? "If-Match: the resource does not exist"
						: "If-Match: the resource is at " + current.etag());
			}
		}
		if (!this.ifNoneMatch.isEmpty()) {
			boolean matches = current != null && (this.ifNoneMatch.contains("*")
					|| this.ifNoneMatch.stream().anyMatch(tag -> weak(tag).equals(current.etag())));
			if (matches) {
				throw failed("If-None-Match: the resource exists at " + current.etag());
			}
		}
		return pin(current);
	}

	/** The precondition that the resource is still as read. */
	static Precondition pin(@Nullable StoredResource current) {
		return current == null ? Precondition.absent() : Precondition.revision(current.revision());
	}

	static ManagementProblem failed(String detail) {
		return new ManagementProblem(412, "Precondition Failed", detail);
	}

	private static String weak(String tag) {
		return tag.startsWith("W/") ? tag.substring(2) : tag;
	}

	/** The entity tags of a header: {@code *} or a list of quoted tags. */
	private static List<String> tags(List<String> values, String header) {
		List<String> tags = new ArrayList<>();
		for (String value : values) {
			for (String raw : value.split(",")) {
				String tag = raw.trim();
				if (tag.isEmpty()) {
					continue;
				}
				String opaque = weak(tag);
				if (!tag.equals("*") && (opaque.length() < 2 || !opaque.startsWith("\"") || !opaque.endsWith("\"")
						|| opaque.substring(1, opaque.length() - 1).contains("\""))) {
					throw AdminProblems.badRequest(header, "must be * or quoted entity tags such as \"12\"");
				}
				tags.add(tag);
			}
		}
		return List.copyOf(tags);
	}

}
