package io.tollgate.gateway.registry;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.http.server.PathContainer;
import org.springframework.lang.Nullable;

/**
 * Managed APIs by base path: a tree of path segments, built once per change and never
 * modified after, so requests read it without locks. A lookup walks the request's
 * segments (decoded, without path parameters, as Spring's path patterns see them) and
 * keeps the deepest API on the way: the longest base path that is a prefix of the path on
 * a segment boundary. Its cost grows with the number of segments of the request, not with
 * the number of APIs.
 *
 * @param <T> what is stored per API
 */
public final class ApiIndex<T> {

	private static final ApiIndex<?> EMPTY = new ApiIndex<>(new Node<>(), Map.of());

	private final Node<T> root;

	private final Map<String, T> byId;

	private ApiIndex(Node<T> root, Map<String, T> byId) {
		this.root = root;
		this.byId = byId;
	}

	@SuppressWarnings("unchecked")
	public static <T> ApiIndex<T> empty() {
		return (ApiIndex<T>) EMPTY;
	}

	/**
	 * An index of {@code values}, each under its base path (valid by {@link ApiBasePath};
	 * one value per base path) and its id.
	 */
	public static <T> ApiIndex<T> of(Collection<T> values, Function<T, String> basePath, Function<T, String> id) {
		Node<T> root = new Node<>();
		Map<String, T> byId = new HashMap<>();
		for (T value : values) {
			Node<T> node = root;
			for (String segment : ApiBasePath.segments(basePath.apply(value))) {
				node = node.children.computeIfAbsent(segment, s -> new Node<>());
			}
			if (node.value != null) {
				throw new IllegalArgumentException("Two APIs hold base path " + basePath.apply(value) + ": "
						+ id.apply(node.value) + " and " + id.apply(value));
			}
			node.value = value;
			byId.put(id.apply(value), value);
		}
		return new ApiIndex<>(root, Map.copyOf(byId));
	}

	/**
	 * The API whose base path is the longest prefix of {@code path} on a segment
	 * boundary, or null. {@code /a/b} matches {@code /a/b}, {@code /a/b/} and
	 * {@code /a/b/c}, never {@code /a/bc} or {@code /a//b}.
	 */
	@Nullable
	public Match<T> lookup(PathContainer path) {
		List<PathContainer.Element> elements = path.elements();
		Node<T> node = this.root;
		T best = node.value;
		int bestEnd = 0;
		int i = 0;
		int size = elements.size();
		while (i + 1 < size && elements.get(i) instanceof PathContainer.Separator
				&& elements.get(i + 1) instanceof PathContainer.PathSegment segment) {
			Node<T> child = node.children.get(segment.valueToMatch());
			if (child == null) {
				break;
			}
			node = child;
			i += 2;
			if (node.value != null) {
				best = node.value;
				bestEnd = i;
			}
		}
		return best == null ? null : new Match<>(best, bestEnd);
	}

	@Nullable
	public T byId(String id) {
		return this.byId.get(id);
	}

	public Collection<T> all() {
		return this.byId.values();
	}

	public int size() {
		return this.byId.size();
	}

	/**
	 * A lookup's result.
	 *
	 * @param value what the API stored
	 * @param consumed how many path elements its base path covers (for stripping it:
	 * {@link PathContainer#subPath(int)})
	 * @param <T> what is stored per API
	 */
	public record Match<T>(T value, int consumed) {
	}

	private static final class Node<T> {

		final Map<String, Node<T>> children = new HashMap<>(4);

		@Nullable
		T value;

	}

}
